"""Smart punctuation: quotes, apostrophes, dashes and ellipses decided across markup.

Each golden case is Markdown run through the real parse (pandoc, then the typography pass) and
compared with the text a reader should see. The golden manuscript (tests/faults/quotes/in) is
built into all three editions, which must print the same text (tests/faults/quotes/golden).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree, html

from bookbuild.parse import typography
from bookbuild.parse.pandoc import ReaderSettings, parse_sources
from bookbuild.parse.sources import SourceFile
from bookbuild.parse.typography import smarten
from conftest import bookbuild
from readers import pdf_text, squeeze

FAULT = Path(__file__).parent / "faults" / "quotes"
IN = FAULT / "in"
SLUG = "harbour-s-lamps"

# (rule, Markdown, the text a reader sees). Markup is shown as text only; a note call as [n].
CASES = [
    # the fault as reported
    ("apostrophe after a link", "[The quay](#quay)'s 'lamps' were lit.",
     "The quay’s ‘lamps’ were lit."),
    ("elided decades", "In the '80s and '90s the port 'boomed'.",
     "In the ’80s and ’90s the port ‘boomed’."),
    # apostrophes
    ("apostrophe between letters", "The quay's lamps don't fail.", "The quay’s lamps don’t fail."),
    ("apostrophe after digits", "The 1920's boom", "The 1920’s boom"),
    ("apostrophe after emphasis", "*Nature*'s reach", "Nature’s reach"),
    ("apostrophe after strong", "**Nature**'s 'own'", "Nature’s ‘own’"),
    ("apostrophe after a note call", "the harbour[^1]'s own\n\n[^1]: A note.",
     "the harbour[n]’s own"),
    ("apostrophe after an inline note", "the harbour^[A note.]'s own", "the harbour[n]’s own"),
    ("apostrophe after a closing bracket", "(Lee)'s quay", "(Lee)’s quay"),
    ("plural possessive", "the sailors' lamps", "the sailors’ lamps"),
    ("apostrophe after code", "the `git`'s log", "the git’s log"),
    # elisions
    ("elided year", "the class of '17 met", "the class of ’17 met"),
    ("elided words", "'Tis late; 'twas ever so. Give 'em a light 'cause it's dark.",
     "’Tis late; ’twas ever so. Give ’em a light ’cause it’s dark."),
    ("rock 'n' roll", "rock 'n' roll", "rock ’n’ roll"),
    ("elided word in dialogue", "\"I did, 'pon my word.\"", "“I did, ’pon my word.”"),
    ("elisions inside words", "at six o'clock, ma'am, in the fo'c'sle",
     "at six o’clock, ma’am, in the fo’c’sle"),
    ("quoted year is a quotation", "the novel '1984' and the year '17'",
     "the novel ‘1984’ and the year ‘17’"),
    # opening and closing quotes
    ("opening at paragraph start", '"Lamps," she said.', "“Lamps,” she said."),
    ("opening after a dash", "the port--'boomed'", "the port–‘boomed’"),
    ("opening after a bracket", "(\"lamps\") and ['quays']", "(“lamps”) and [‘quays’]"),
    ("nested quotes", "\"She said 'the lamps' were lit.\"", "“She said ‘the lamps’ were lit.”"),
    ("quote inside quote at the start", "\"'Lamps,' he said.\"", "“‘Lamps,’ he said.”"),
    ("spaced nested quotes", "\" 'Lamps,' he said, 'were lit--' \"", "“ ‘Lamps,’ he said, ‘were lit–’ ”"),
    ("quotes around emphasis", "'*lamps*' lit", "‘lamps’ lit"),
    ("quotes around a link", "\"[the quay](#quay)\" said", "“the quay” said"),
    ("quotes inside emphasis", "*'lamps'*", "‘lamps’"),
    ("quotes across emphasis", "'the *lamps' were* lit", "‘the lamps’ were lit"),
    ("closing before a note call", "'lamps'[^1] were lit\n\n[^1]: A note.", "‘lamps’[n] were lit"),
    ("quotes across a line break", "\"the lamps\nwere lit\"", "“the lamps were lit”"),
    ("quotes in a table cell", "| a | b |\n|---|---|\n| 'x' | \"y\" |", "a b ‘x’ “y”"),
    ("quotes in a heading", "# The 'Lamps'", "The ‘Lamps’"),
    ("quotes in a list item", "- 'one'\n- \"two\"", "‘one’ “two”"),
    ("quotes in a note", "Lit.[^1]\n\n[^1]: The 'old' light, \"as [the quay](#quay)\" said.",
     "Lit.[n]"),
    ("unclosed quote opens (a quotation of several paragraphs)", "\"The lamps were lit.\n\n\"And then.\"",
     "“The lamps were lit. “And then.”"),
    ("inches", "5'10\" tall", "5’10” tall"),
    ("quotes in a line block", "| 'The lamps\n| were lit'", "‘The lamps were lit’"),
    # dashes, ellipses, abbreviations: what pandoc's smart did
    ("dashes", "1914--18, then---quietly; a - b ---- c", "1914–18, then—quietly; a - b —- c"),
    ("ellipsis", "and then... nothing.... ..", "and then… nothing…. .."),
    ("no-break space after an abbreviation", "Mr. Lee and Dr.\nMoss, e.g. here",
     "Mr.\u00a0Lee and Dr. Moss, e.g.\u00a0here"),
    # never inside code, raw HTML, URLs
    ("not in code", "`it's 'x' -- ...`", "it's 'x' -- ..."),
    ("not in a code block", "```\nit's 'x' -- ...\n```", "it's 'x' -- ..."),
    ("not in an autolink", "<https://example.org/a--b...c>", "https://example.org/a--b...c"),
    ("not in raw HTML", "<abbr title=\"it's -- x\">'y'</abbr>", "‘y’"),
    ("not in a URL", "[a](https://example.org/it's--x)", "a"),
    ("escaped marks stay straight", "\\'x\\' \\\"y\\\" \\-\\- \\.\\.\\.", "'x' \"y\" -- ..."),
    ("escape in code is kept", "`\\'x` \\'y", "\\'x 'y"),
]

MARKS = {"DoubleQuote": ("“", "”"), "SingleQuote": ("‘", "’")}


def _text(value: Any) -> str:
    """What a reader sees of inlines or blocks, Quoted nodes with English marks."""
    if isinstance(value, list):
        return "".join(_text(item) for item in value)
    t, c = value["t"], value.get("c")
    if t == "Str":
        return str(c)
    if t in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if t == "Quoted":
        open_, close = MARKS[c[0]["t"]]
        return open_ + _text(c[1]) + close
    if t in ("Note", "NoteRef"):
        return "[n]"
    if t in ("Code", "CodeBlock"):
        return str(c[1])
    if t in ("RawInline", "RawBlock", "HorizontalRule"):
        return ""
    if t in ("Span", "Link", "Image", "Cite"):
        return _text(c[1])
    if t == "Header":
        return _text(c[2])
    if t == "LineBlock":
        return " ".join(_text(line) for line in c)
    if t == "Table":
        cells = [cell[4] for part in (c[3][1], *(body[3] for body in c[4]))
                 for row in part for cell in row[1]]
        return " ".join(_text(cell) for cell in cells)
    if t in ("BulletList", "OrderedList"):
        items = c if t == "BulletList" else c[1]
        return " ".join(_text(item) for item in items)
    if t in ("Para", "Plain", "BlockQuote", "Emph", "Strong", "Underline", "Strikeout",
             "Superscript", "Subscript", "SmallCaps", "Div"):
        return _text(c if t != "Div" else c[1])
    raise AssertionError(f"no text for {t}")


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """Every case parsed at once: one pandoc process, as a book's chapters are."""
    folder = tmp_path_factory.mktemp("cases")
    sources = []
    for number, (_, markdown, _) in enumerate(CASES):
        path = folder / f"{number:02}.md"
        path.write_text(markdown + "\n", encoding="utf-8")
        sources.append(SourceFile(path=path, name=path.name, text=markdown + "\n",
                                  digest=hashlib.sha256(markdown.encode()).hexdigest()))
    blocks = parse_sources(sources, ReaderSettings(lang="en"), folder, jobs=1)
    return {rule: chapter for (rule, _, _), chapter in zip(CASES, blocks, strict=True)}


@pytest.mark.parametrize(("rule", "markdown", "expected"), CASES, ids=[case[0] for case in CASES])
def test_golden_case(parsed: dict[str, list[Any]], rule: str, markdown: str, expected: str) -> None:
    blocks = parsed[rule]
    text = " ".join(_text(block) for block in blocks)
    assert text == expected, markdown


def test_paired_quotes_are_quoted_nodes_so_the_renderer_picks_the_language_marks(
        parsed: dict[str, list[Any]]) -> None:
    (para,) = parsed["quotes around emphasis"]
    quoted = para["c"][0]
    assert quoted["t"] == "Quoted" and quoted["c"][0]["t"] == "SingleQuote"
    assert quoted["c"][1][0]["t"] == "Emph"
    (para,) = parsed["nested quotes"]
    inner = [n for n in para["c"][0]["c"][1] if n["t"] == "Quoted"]
    assert [n["c"][0]["t"] for n in inner] == ["SingleQuote"]


def test_a_note_is_its_own_stream(parsed: dict[str, list[Any]]) -> None:
    (para,) = parsed["quotes in a note"]
    note = para["c"][-1]
    assert note["t"] == "Note"
    assert _text(note["c"]) == "The ‘old’ light, “as the quay” said."


def test_quotes_crossing_markup_take_the_language_marks() -> None:
    blocks = [{"t": "Para", "c": [{"t": "Str", "c": "'the"}, {"t": "Space"},
                                  {"t": "Emph", "c": [{"t": "Str", "c": "lamps'"}]}]}]
    typography.smarten_blocks(blocks, "de")
    assert _text(blocks) == "‚the lamps‘"


def test_citeproc_quotes_are_left_alone() -> None:
    title = {"t": "Quoted", "c": [{"t": "DoubleQuote"}, [{"t": "Str", "c": "Lamps"}]]}
    cite = {"t": "Cite", "c": [[], [{"t": "Str", "c": "Lee,"}, {"t": "Space"}, title,
                                    {"t": "Str", "c": "'s"}, {"t": "Space"},
                                    {"t": "Str", "c": "vol."}, {"t": "Space"},
                                    {"t": "Str", "c": "2."}]]}
    blocks = [{"t": "Para", "c": [cite]}]
    typography.smarten_blocks(blocks, "en")
    content = blocks[0]["c"][0]["c"][1]
    assert content[2] is title
    assert _text(content) == "Lee, “Lamps”’s vol. 2."       # citeproc's "vol. 2" keeps its space


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en-GB", "Harbour's \"Lamps\"", "Harbour’s “Lamps”"),
    ("en", "'Tis the '80s -- Mr. Lee's...", "’Tis the ’80s – Mr.\u00a0Lee’s…"),
    ("de", "\"Lampen\" und 'Kais'", "„Lampen“ und ‚Kais‘"),
    ("fr", "\"Lampes\" d'or", "«\u00a0Lampes\u00a0» d’or"),
    ("en", "two\n  lines", "two\n  lines"),
    ("en", "", ""),
])
def test_smarten_plain_text(lang: str, text: str, expected: str) -> None:
    assert smarten(text, lang) == expected


def test_pass_is_part_of_the_cache_key(tmp_path: Path) -> None:
    from bookbuild.parse.pandoc import _cache_keys
    source = SourceFile(path=tmp_path / "a.md", name="a.md", text="x", digest="")
    before = _cache_keys([source], ReaderSettings(lang="en"))
    original = typography.__file__
    copy = tmp_path / "typography.py"
    copy.write_text(Path(original).read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    try:
        typography.__file__ = str(copy)
        assert _cache_keys([source], ReaderSettings(lang="en")) != before
    finally:
        typography.__file__ = original


# -- the three editions ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quotes")
    result = bookbuild("build", "--manuscript", IN, "--out", out)
    assert result.code == 0, result.stderr
    return out


def _golden() -> list[str]:
    return (FAULT / "golden" / "paragraphs.txt").read_text(encoding="utf-8").splitlines()


def _paragraphs(root: etree._Element) -> list[str]:
    return [squeeze("".join(p.itertext())) for p in root.iter("{*}p", "p")]


def test_every_edition_prints_the_same_punctuation(out: Path) -> None:
    with zipfile.ZipFile(out / f"{SLUG}.epub") as archive:
        epub = _paragraphs(etree.fromstring(archive.read("EPUB/01-quay.xhtml")))
    page = html.parse(str(out / "html" / "01-quay.html")).getroot()
    web = _paragraphs(page.xpath("//main")[0])
    pdf = squeeze(pdf_text(out / f"{SLUG}.pdf").replace("\u00ad", ""))
    for expected in _golden():
        assert expected in epub, ("epub", expected, epub)
        assert expected in web, ("html", expected, web)
        assert expected in pdf, ("pdf", expected)


def test_the_no_break_space_and_the_note_reach_the_editions(out: Path) -> None:
    with zipfile.ZipFile(out / f"{SLUG}.epub") as archive:
        chapter = archive.read("EPUB/01-quay.xhtml").decode()
        notes = archive.read("EPUB/notes.xhtml").decode()
    assert "Mr.\u00a0Lee" in chapter or "Mr.&#160;Lee" in chapter
    assert "The harbour’s ‘old’ light, “as" in notes


def test_book_yaml_titles_get_the_same_typography(out: Path) -> None:
    """book.yaml's `title: Harbour's "Lamps"` is set as the chapters are, in every edition."""
    from readers import pdf_text
    title = "Harbour’s “Lamps”"
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{title}</title>" in index
    epubs = list(out.glob("*.epub"))
    with zipfile.ZipFile(epubs[0]) as archive:
        assert title in archive.read("EPUB/content.opf").decode()
    assert title in pdf_text(next(out.glob("*.pdf")))
