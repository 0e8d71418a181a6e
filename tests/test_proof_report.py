"""The proof report: lines, paragraphs and findings read back from PDFs whose every line is
known (WeasyPrint sets a page made line by line), the hyphenation rule for PDFs without
WeasyPrint's hyphen, and `bookbuild proof-report` on the essay."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from bookbuild.proofread import CODES, proofread
from bookbuild.proofread.findings import find
from bookbuild.proofread.hyphens import Hyphenation
from bookbuild.proofread.lines import Document, Line, Measure, Page, read_document
from bookbuild.proofread.words import Word
from conftest import MANUSCRIPT, ROOT, bookbuild

H = "\u2010"        # the hyphen WeasyPrint prints where it breaks a word
# The book, paragraph by paragraph: "#" a heading (14 pt); a paragraph is its lines, after ">"
# when its first line is indented, after "/" when it starts a page. Every line but a
# paragraph's last is justified; ten lines fill a page, and the pages fall as noted.
PARAGRAPHS: list[str | list[str]] = [
    "# A Heading",                                                            # page 1
    ["The first line of the first paragraph runs", "across the measure with its words spaced as",
     "justification sets them, a little wider than", "usual."],
    [">", "Loose words here", "and then a line of ordinary words that fill", "it out well."],
    [">", "A paragraph that runs over the foot of the", f"page, where its second line ends in a com{H}",
     "pound, ends here."],                                                    # page 2
    [">", f"Three lines in a row end in hyphens: exam{H}", f"ple of this, and the name of the city Petro{H}",
     f"grad as well, and another line is divid{H}", "ed too."],
    [">", "An ordinary paragraph follows with nothing", "wrong in it at all, its lines full and its",
     "spaces even from the first line to the", "last one here."],
    [">", "This paragraph starts at the foot of the",                         # page 3
     "page and goes on over the leaf to the next", "one, where it ends."],
    [">", "A short page follows, ending after the", "fourth line, here."],
    ["/", "This line is set much too wide for its measure to hold it in",     # page 4
     "and the paragraph goes on with lines that", "fill the measure as they should do in", "a book."],
    [">", "Another paragraph of ordinary text fills", "the page down to the heading at its foot",
     "and ends here on this page."],
    [">", "More ordinary text with nothing wrong in", "it at all."],
    "# Stranded Heading",
    ["/", "The text under the heading begins here on", "the next page."],    # page 5
]
STYLE = """
@font-face { font-family: Book; src: url(styles/fonts/GentiumBookPlus-Regular.ttf); }
@page { size: 300pt 200pt; margin: 36pt 0;
  @top-center { content: "Running head"; font: 8pt Book; vertical-align: bottom; padding-bottom: 12pt; }
  @bottom-center { content: counter(page); font: 9pt Book; vertical-align: top; padding-top: 12pt; } }
@page :right { margin-left: 40pt; margin-right: 30pt; }
@page :left { margin-left: 30pt; margin-right: 40pt; }
html { font: 10pt/12pt Book; hyphens: manual; }
body { margin: 0; }
h2 { font-size: 14pt; line-height: 12pt; margin: 0; font-weight: normal; }
p { margin: 0; }
p > span { display: block; white-space: nowrap; text-align: justify; text-align-last: justify; }
p > span.last { text-align-last: left; }
p.indented > span:first-child { text-indent: 1.2em; }
p.turn { break-before: page; }
"""


def _html() -> str:
    parts = [f"<style>{STYLE}</style>"]
    for item in PARAGRAPHS:
        if isinstance(item, str):
            parts.append(f"<h2>{item[2:]}</h2>")
            continue
        lines = [line for line in item if line not in (">", "/")]
        classes = " ".join({">": "indented", "/": "turn"}[m] for m in item if m in (">", "/"))
        spans = "".join(f"<span{' class=last' if i == len(lines) - 1 else ''}>{line}</span>"
                        for i, line in enumerate(lines))
        parts.append(f"<p class='{classes}'>{spans}</p>")
    return "".join(parts)


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A five-page PDF whose every line is known."""
    from weasyprint import HTML
    path = tmp_path_factory.mktemp("proof") / "known.pdf"
    HTML(string=_html(), base_url=str(ROOT)).write_pdf(str(path))
    return path


@pytest.fixture(scope="module")
def document(known: Path) -> Document:
    return read_document(known)


def _expected_paragraphs() -> list[list[str]]:
    return [[item[2:]] if isinstance(item, str) else [line for line in item if line not in (">", "/")]
            for item in PARAGRAPHS]


def test_lines_are_read_back_as_set(document: Document) -> None:
    assert [line.text for line in document.lines()] == sum(_expected_paragraphs(), [])
    # Ten lines fill a page; page 3 ends early, page 4 with a heading, page 5 is the last.
    assert [len(page.lines) for page in document.pages] == [10, 10, 4, 10, 2]
    for page in document.pages:
        assert page.head is not None and page.head.text == "Running head"
        assert page.folio is not None and page.folio.text == str(page.number)
    assert document.body_size == pytest.approx(10, abs=0.05)
    assert document.leading == pytest.approx(12, abs=0.1)
    # Rectos: 40 pt inside (left), 30 pt outside; versos mirrored. The page is 300 pt wide.
    assert document.measures[True].left == pytest.approx(40, abs=0.2)
    assert document.measures[True].right == pytest.approx(270, abs=0.2)
    assert document.measures[False].left == pytest.approx(30, abs=0.2)
    assert document.measures[False].right == pytest.approx(260, abs=0.2)


def test_paragraphs_follow_indents_short_lines_and_pages(document: Document) -> None:
    expected = _expected_paragraphs()
    assert [[line.text for line in p.lines] for p in document.paragraphs] == expected
    justified = {line.text for line in document.lines() if line.justified}
    for paragraph in expected:
        if len(paragraph) > 1:
            assert set(paragraph[:-1]) <= justified, paragraph
            assert paragraph[-1] not in justified


def test_each_fault_is_found_on_its_line_and_nothing_else(document: Document) -> None:
    # The crafted lines are stretched to the measure by hand: ordinary ones stay under 1.5 em.
    found = {(f.page + 1, f.code, _first_line(document, f)) for f in find(document, limit_space=1.5)}
    assert found == {
        (1, "runt", "usual."),
        (1, "loose-line", "Loose words here"),
        (1, "page-ends-hyphen", f"page, where its second line ends in a com{H}"),
        (2, "widow", "pound, ends here."),
        (2, "hyphen-ladder", f"Three lines in a row end in hyphens: exam{H}"),
        (2, "broken-capitalised-word", f"ple of this, and the name of the city Petro{H}"),
        (2, "orphan", "This paragraph starts at the foot of the"),
        (2, "uneven-spread", "This paragraph starts at the foot of the"),
        (4, "overfull-line", "This line is set much too wide for its measure to hold it in"),
        (4, "heading-at-foot", "Stranded Heading"),
    }


def _first_line(document: Document, finding: object) -> str:
    page, box = finding.marks[0]       # type: ignore[attr-defined]
    return next(line.text for line in document.pages[page].lines if line.box == box)


def test_the_limit_decides_what_is_loose(document: Document) -> None:
    spaces = {f.message for f in find(document, limit_space=0.2) if f.code == "loose-line"}
    assert len(spaces) > 1                  # the ordinary lines are wider than 0.2 em
    assert not [f for f in find(document, limit_space=9.0) if f.code == "loose-line"]


def _line(text: str, page: int = 0) -> Line:
    words = []
    x = 0.0
    for word in text.split():
        words.append(Word(word, word, x, x + 5 * len(word), 0, 10, 8, 10, "Serif", x + 5 * len(word),
                          x + 5 * len(word) - 5))
        x += 5 * len(word) + 3
    return Line(page, words)


def test_hyphens_of_other_engines_are_read_from_the_words() -> None:
    """Typst prints every hyphen as U+002D: a break is one whose joined word is printed
    elsewhere, or whose hyphenated form is not; a compound is printed with its hyphen
    elsewhere, and not joined."""
    lines = [_line(text) for text in (
        "a com-", "promise of the working-", "class and the state-", "ment of Petro-",
        "grad and a new-", "comer", "working-class politics, a compromise, a new-comer")]
    document = Document(Path("typst.pdf"), [Page(0, 300, 200, lines)], 10, 12,
                        {True: Measure(0, 300), False: Measure(0, 300)})
    hyphens = Hyphenation(document)
    assert not hyphens.marked
    # com-promise: "compromise" is printed; working-class and new-comer: only the compound is;
    # state-ment and Petro-grad: neither form is printed elsewhere, so breaks.
    assert [hyphens.breaks_word(line) for line in lines[:5]] == [True, False, True, True, False]
    assert [hyphens.broken_capital(line) for line in lines[:5]] == [False, False, False, True, False]


def test_the_essay_is_read_back_paragraph_by_paragraph(essay: Path) -> None:
    """Whatever the print style does, the essay's text pages read back as text under running
    heads and above folios, and its paragraphs are found in the manuscript by their words."""
    from bookbuild.pipeline import load
    from bookbuild.progress import Progress
    from bookbuild.proofread.hyphens import Hyphenation
    from bookbuild.proofread.locate import Locator
    document = read_document(essay / "revolution-destroyed.pdf")
    assert document.body_size == pytest.approx(10.5, abs=0.6)
    text_pages = [page for page in document.pages if page.head is not None]
    assert len(text_pages) >= 5 and all(page.folio is not None for page in text_pages)
    locator = Locator(load(MANUSCRIPT, Progress(quiet=True)))
    hyphens = Hyphenation(document)
    body = [p for p in document.paragraphs if len(p.lines) >= 3
            and abs(p.lines[0].size - document.body_size) < 0.2]
    found = [p for p in body if locator.place(p, hyphens.breaks_word)]
    assert len(body) >= 10 and len(found) >= 0.9 * len(body)
    assert {place.file for p in found if (place := locator.place(p, hyphens.breaks_word))} == {
        "01-revolution-destroyed.md"}


def test_proof_report_command_on_the_essay(essay: Path, tmp_path: Path) -> None:
    pdf = essay / "revolution-destroyed.pdf"
    result = bookbuild("proof-report", pdf, "--manuscript", MANUSCRIPT, "--out", tmp_path,
                       "--format", "json", "--quiet")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    direct = proofread(pdf)
    assert report["pages"] == len(direct.document.pages)
    assert [(f["page"], f["code"]) for f in report["findings"]] == [
        (f.page + 1, f.code) for f in direct.findings]
    for finding in report["findings"]:
        assert finding["code"] in CODES and finding["boxes"]
        if finding["file"]:
            source = (MANUSCRIPT / finding["file"]).read_text(encoding="utf-8").splitlines()
            assert source[finding["line"] - 1].strip()         # a line of text, not a gap
    # The first sheet is always drawn (2 x 4 spreads); each is a whole PNG, nothing left behind.
    sheets = [Path(p) for p in report["sheets"]]
    assert sheets[0].name == "sheet-01.png"
    for sheet in sheets:
        header = sheet.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", header[16:24])
        assert width > 600 and height > 800
    assert not list(sheets[0].parent.glob(".*"))


def test_proof_report_without_the_pdf(tmp_path: Path) -> None:
    result = bookbuild("proof-report", tmp_path / "missing.pdf", "--manuscript", MANUSCRIPT)
    assert result.code == 2
    assert "does not exist" in result.stderr
