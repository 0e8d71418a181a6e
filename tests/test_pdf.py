"""The print edition, read as a printer and a reader would: boxes, output intent, fonts, folios,
running heads, note links, type sizes, line spacing, and the preflight on real books."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree
from pypdf import PdfReader

from bookbuild.config import load_config
from bookbuild.pipeline import load
from bookbuild.preflight import Report as PreflightReport
from bookbuild.preflight import preflight
from bookbuild.printspec import binding_allowance
from bookbuild.progress import Progress
from conftest import MANUSCRIPT, bookbuild
from readers import epub_documents, norm
from test_cli import write_book

SLUG = "revolution-destroyed"
TRIM = (5.5 * 72, 8.5 * 72)


@pytest.fixture(scope="module")
def pdf(essay: Path) -> Path:
    return essay / f"{SLUG}.pdf"


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[pdfplumber.page.Page]:
    return pdfplumber.open(str(pdf)).pages


def margins(page: pdfplumber.page.Page) -> tuple[str, str, str]:
    """(running head, body, folio): the text above, inside and below the text block."""
    height = float(page.height)
    head = "".join(c["text"] for c in page.chars if c["top"] < 0.075 * height)
    foot = "".join(c["text"] for c in page.chars if c["top"] > 0.905 * height)
    body = "".join(c["text"] for c in page.chars if 0.075 * height <= c["top"] <= 0.905 * height)
    return head.strip(), body, foot.strip()


def test_every_page_has_trim_and_bleed_boxes_at_the_trim_size(pdf: Path) -> None:
    reader = PdfReader(str(pdf))
    assert len(reader.pages) % 2 == 0
    for page in reader.pages:
        trim = [float(v) for v in page.trimbox]
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(TRIM, abs=0.01)
        assert [float(v) for v in page.bleedbox] == trim      # no bleed unless asked for
        assert [float(v) for v in page.mediabox] == trim


def test_pdfx_with_a_cmyk_output_intent(pdf: Path) -> None:
    reader = PdfReader(str(pdf))
    (intent,) = [i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/OutputConditionIdentifier"] == "CGATS TR 001"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4
    assert profile.get_data()[12:20] == b"prtrCMYK"         # a printer profile, CMYK to Lab
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert reader.pdf_header == "%PDF-1.6"


def test_fonts_are_the_book_face_embedded_and_subset(pages: list) -> None:
    fonts = {c["fontname"] for page in pages for c in page.chars}
    assert fonts and all(re.fullmatch(r"[A-Z]{6}\+Gentium-Book-Plus(-\w+)*", f) for f in fonts)
    reader = PdfReader(str(pages[0].pdf.stream.name))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_nothing_is_set_below_7_points_and_only_in_cmyk_black(pages: list) -> None:
    sizes = {round(c["size"], 2) for page in pages for c in page.chars}
    assert min(sizes) >= 7.0
    colours = {tuple(c["non_stroking_color"]) for page in pages for c in page.chars}
    assert colours == {(0.0, 0.0, 0.0, 1.0)}


def test_folios_roman_in_front_arabic_in_the_text_none_on_openers(pages: list) -> None:
    folios = [margins(page)[2] for page in pages]
    bodies = [margins(page)[1] for page in pages]
    text_start = next(i for i, body in enumerate(bodies) if body.startswith("Revolution Destroyed") and
                      "startling paradox" in body)
    assert text_start % 2 == 0, "the text must open on a recto"
    assert folios[:text_start] == ["", "", "", "", "v", ""]     # only the contents page shows one
    assert folios[text_start] == ""                              # the chapter opening
    numbered = [(i - text_start + 1, f) for i, f in enumerate(folios) if i > text_start and f]
    assert numbered and all(str(expected) == folio for expected, folio in numbered)
    for body, folio in zip(bodies, folios, strict=True):
        if not body.strip():
            assert folio == "", "a blank page carries a folio"


def test_running_heads_author_on_versos_title_on_rectos_in_a_book_of_one_chapter(
        pdf: Path, pages: list) -> None:
    """A book of one chapter would show its title on both pages of a spread: the author goes on
    the versos (the book and chapter convention is checked in `test_a_book_of_two_chapters...`)."""
    checked = set()
    for index, page in enumerate(pages):
        head, body, folio = margins(page)
        if not folio or not folio.isdigit() or any(part in body[:40] for part in
                                                   ("Notes", "Bibliography", "Index")):
            continue
        expected = "Revolution Destroyed" if int(folio) % 2 else "Jairus Banaji"
        if not head.startswith("Notes to") and head not in ("Bibliography", "Index"):
            assert head == expected, f"page {index + 1}"
            checked.add(expected)
    assert len(checked) == 2


def _note_pages(pdf: Path) -> tuple[dict[int, int], dict[int, list[int]], dict[int, str]]:
    """From the links alone: the folio of each note call, the notes on each notes page, and the
    running head of each page."""
    plumber = pdfplumber.open(str(pdf))
    bodies = [margins(page)[1] for page in plumber.pages]
    first = next(i for i, body in enumerate(bodies) if "startling paradox" in body)
    calls: dict[int, int] = {}
    notes: dict[int, list[int]] = defaultdict(list)
    heads: dict[int, str] = {}
    for index, page in enumerate(plumber.pages[first:], start=first):
        folio = index - first + 1
        heads[folio] = margins(page)[0]
        for annot in page.annots:
            dest = annot["data"].get("Dest", b"").decode()
            if dest.startswith("note-"):
                calls[int(dest[5:])] = folio
            if dest.startswith("noteref-"):
                notes[folio].append(int(dest[8:]))
    return calls, notes, heads


def test_every_note_call_and_note_link_both_ways_and_notes_pages_say_which_pages(pdf: Path) -> None:
    calls, notes, heads = _note_pages(pdf)
    assert sorted(calls) == list(range(1, 20))
    assert sorted(n for page in notes.values() for n in page) == list(range(1, 20))
    for folio, on_page in notes.items():
        if heads[folio] == "":                                    # the first notes page
            continue
        low, high = min(calls[n] for n in on_page), max(calls[n] for n in on_page)
        expected = f"Notes to page {low}" if low == high else f"Notes to pages {low}–{high}"
        assert heads[folio] == expected


def test_no_back_link_glyph_and_no_underlines(pages: list) -> None:
    text = "".join(c["text"] for page in pages for c in page.chars)
    assert "↩" not in text and "↑" not in text
    assert not [line for page in pages for line in page.lines if line["width"] > 20
                and abs(line["top"] - line["bottom"]) < 1 and line["top"] > 0.1 * page.height]


def test_note_calls_do_not_spread_the_lines(pages: list) -> None:
    checked = 0
    for page in pages:
        lines = sorted({round(c["top"], 1) for c in page.chars if c["size"] > 9.5
                        and 0.1 * page.height < c["top"] < 0.9 * page.height})
        calls = [c for c in page.chars if 7 <= c["size"] < 8 and c["text"].isdigit()]
        if len(lines) < 20 or not calls:
            continue
        gaps = {round(b - a, 1) for a, b in zip(lines, lines[1:], strict=False) if b - a < 20}
        assert len(gaps) == 1, f"uneven line spacing {gaps}"
        checked += 1
    assert checked >= 3


def test_contents_page_numbers_are_where_the_parts_begin(pages: list) -> None:
    bodies = [margins(page)[1] for page in pages]
    first = next(i for i, body in enumerate(bodies) if "startling paradox" in body)
    contents = next(page for page in pages if margins(page)[1].startswith("Contents"))
    listed = dict(re.findall(r"^(.+?)[ .]*?(\d+)$", contents.extract_text(), re.M))
    listed = {title.rstrip(" .").strip(): int(folio) for title, folio in listed.items()}
    starts = {"Revolution Destroyed": first}
    for title in ("Notes", "Bibliography", "Index"):
        starts[title] = next(i for i, body in enumerate(bodies) if body.startswith(title))
    assert listed == {title: index - first + 1 for title, index in starts.items()}


def test_the_essay_passes_the_preflight(pdf: Path) -> None:
    config, _ = load_config(MANUSCRIPT)
    report = preflight(pdf, config)
    assert [f for f in report.findings if f.is_error] == []
    assert report.pdfx == "PDF/X-4" and report.pages % 2 == 0
    assert report.spine == pytest.approx(report.pages * 0.002252)


def test_epub_page_list_starts_each_page_where_the_pdf_does(essay: Path, pdf: Path) -> None:
    documents = epub_documents(essay / f"{SLUG}.epub")
    nav = documents["EPUB/nav.xhtml"]
    entries = nav.xpath("//*[@*[local-name()='type']='page-list']//*[local-name()='a']")
    numbers = [int(a.text) for a in entries]
    assert numbers[0] == 1 and numbers == sorted(set(numbers))
    plumber = pdfplumber.open(str(pdf))
    bodies = [margins(page)[1] for page in plumber.pages]
    first = next(i for i, body in enumerate(bodies) if "startling paradox" in body)
    # Every page from the first folio to the last is listed but a blank one (a part made even).
    for folio in set(range(1, numbers[-1] + 1)) - set(numbers):
        assert not bodies[first + folio - 1].strip(), folio
    openings: set[str] = set()
    for a in entries:
        page, _, anchor = a.get("href").partition("#")
        root = documents[f"EPUB/{page}"]
        (marker,) = root.xpath(f"//*[@id='{anchor}']")
        # The PDF page with that folio begins with the words after the marker (after a heading,
        # at most; its first word may have been hyphenated across the break). A page that
        # begins with a part's heading is marked before it: "Notes", "Index". Figures are left
        # out: the PDF prints the numbers of a list's items, the EPUB's list numbers them.
        following = _letters(" ".join(_text_after(root, marker).split()[1:6]))
        pdf_page = _letters(bodies[first + int(a.text) - 1])
        assert following and following in pdf_page[:200], a.text
        body = bodies[first + int(a.text) - 1]
        opening = next((part for part in ("Notes", "Bibliography", "Index")
                        if body.startswith(part)), None)
        if opening is not None:
            assert _text_after(root, marker).split()[0] == opening, a.text
            openings.add(opening)
    assert openings == {"Notes", "Bibliography", "Index"}     # the essay has the three parts


def _letters(text: str) -> str:
    return re.sub(r"\d+", "", norm(text))


def _text_after(root: etree._Element, marker: etree._Element) -> str:
    """The text that follows `marker` in reading order, note calls left out, whatever element
    the marker stands in (a page may begin inside an index mark's span)."""
    copy = etree.fromstring(etree.tostring(root))
    (mark,) = copy.xpath("//*[@id=$id]", id=marker.get("id"))
    for call in copy.xpath("//*[@class='noteref' or @role='doc-noteref']"):
        for inner in call.iter():
            inner.text = ""
    mark.text = "\ue000"
    return "".join(copy.itertext()).split("\ue000", 1)[1][:400]


def test_bleed_and_proof_variants(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: Bleed\npdf:\n  trim: 6x9in\n  bleed: true\n",
                      {"01.md": "# One\n\n" + "Words of a paragraph. " * 400 + "\n"})
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out", "--format", "pdf,proof")
    assert result.code == 0, result.stderr
    reader = PdfReader(str(tmp_path / "out" / "bleed.pdf"))
    for number, page in enumerate(reader.pages, start=1):
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        assert trim[2] - trim[0] == pytest.approx(432) and trim[3] - trim[1] == pytest.approx(648)
        spine_side, outside = (trim[0] - bleed[0], bleed[2] - trim[2]) if number % 2 else \
            (bleed[2] - trim[2], trim[0] - bleed[0])
        assert spine_side == pytest.approx(0) and outside == pytest.approx(9)
        assert trim[1] - bleed[1] == pytest.approx(9) and bleed[3] - trim[3] == pytest.approx(9)
    proof = pdfplumber.open(str(tmp_path / "out" / "bleed-proof.pdf"))
    page = proof.pages[0]
    trim_box = [float(v) for v in PdfReader(str(tmp_path / "out" / "bleed-proof.pdf")).pages[0].trimbox]
    outside = [line for line in page.lines
               if line["x1"] < trim_box[0] or line["x0"] > trim_box[2]]
    assert len(outside) >= 4, "a proof has crop marks outside the trim"
    pod = pdfplumber.open(str(tmp_path / "out" / "bleed.pdf"))
    assert not any(line["x1"] < 0 for p in pod.pages for line in p.lines)


def test_preflight_catches_what_printers_reject(tmp_path: Path) -> None:
    """A PDF made without our print stylesheet: A4, RGB, a small and a foreign font, odd pages."""
    from weasyprint import HTML
    path = tmp_path / "bad.pdf"
    HTML(string="<p style='font: 6pt DejaVu Sans; color: rgb(200,0,0)'>Tiny</p>").write_pdf(str(path))
    config, _ = load_config(MANUSCRIPT)
    report = preflight(path, config)
    codes = {f.code for f in report.findings}
    assert {"pdf-trim", "pdf-not-pdfx", "pdf-small-text", "pdf-foreign-font", "pdf-rgb-colour",
            "pdf-odd-pages"} <= codes
    assert report.min_text == pytest.approx(6, abs=0.05)
    # A page count is a print-on-demand printer's rule: held only to a book delivered there.
    from bookbuild.delivery.printed import check_print
    from bookbuild.preflight import print_facts
    book = load(MANUSCRIPT, Progress(quiet=True))
    assert check_print(book, print_facts(report)) == []
    book.config = dataclasses.replace(config, delivery=("kdp-print",))
    kdp = check_print(book, print_facts(report))
    assert [f.code for f in kdp] == ["print-pages", "print-type-size"]     # KDP takes any PDF/X
    assert all(f.is_error for f in kdp)
    assert "1 page: Amazon KDP Print" in kdp[0].message and "kdp.amazon.com" in kdp[0].message


def test_ten_days_passes_the_preflight(ten_days_preflight: PreflightReport) -> None:
    report = ten_days_preflight         # `preflight` of Ten Days' PDF, read once (conftest.py)
    assert [f.to_text() for f in report.findings if f.is_error] == []
    assert report.pages > 400


def test_ten_days_epub_carries_the_print_pages(ten_days: Path) -> None:
    with zipfile.ZipFile(ten_days / "ten-days-that-shook-the-world.epub") as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
        opf = archive.read("EPUB/content.opf").decode()
    labels = nav.xpath("//*[@*[local-name()='type']='page-list']//*[local-name()='a']/text()")
    numbers = [int(label) for label in labels]
    assert len(numbers) > 400 and numbers[0] == 1 and numbers == sorted(set(numbers))
    assert "pageNavigation" in opf and "pageBreakMarkers" in opf and "source-of" in opf


def test_preflight_command(essay: Path, tmp_path: Path) -> None:
    result = bookbuild("preflight", "--manuscript", MANUSCRIPT, "--out", essay)
    assert result.code == 0, result.stdout + result.stderr
    assert "PDF/X-4" in result.stdout and "spine width" in result.stdout
    assert result.stdout.strip().endswith("preflight passed")
    from weasyprint import HTML
    HTML(string="<p>Not a book</p>").write_pdf(str(tmp_path / "plain.pdf"))
    result = bookbuild("preflight", "--manuscript", MANUSCRIPT, tmp_path / "plain.pdf")
    assert result.code == 1 and "pdf-not-pdfx" in result.stdout
    missing = bookbuild("preflight", "--manuscript", MANUSCRIPT, "--out", tmp_path / "nowhere")
    assert missing.code == 2 and "build it first" in missing.stderr


def test_bibliography_entries_have_a_hanging_indent(pdf: Path) -> None:
    """Chicago 14.64: each entry's first line at the margin, its turnovers indented (1.5 em)."""
    entries: list[str] = []
    turnovers: list[float] = []
    with pdfplumber.open(str(pdf)) as document:
        start = next(i for i, p in enumerate(document.pages)
                     if "Brinton, Maurice" in (p.extract_text() or ""))
        for page in document.pages[start:]:
            if page is not document.pages[start] and margins(page)[0] != "Bibliography":
                break
            lines: dict[int, list[dict]] = defaultdict(list)
            for word in page.extract_words():
                if 0.075 * page.height < word["top"] < 0.905 * page.height:   # not head or folio
                    lines[round(word["top"])].append(word)
            firsts = [min(words, key=lambda w: w["x0"]) for _, words in sorted(lines.items())]
            margin = min(w["x0"] for w in firsts)
            body = [w for w in firsts if w["x0"] < margin + 30]            # not the heading
            entries += [w["text"] for w in body if abs(w["x0"] - margin) < 0.5]
            turnovers += [w["x0"] - margin for w in body if abs(w["x0"] - margin) >= 0.5]
    assert {"Brinton,", "Lewin,", "Twiss,", "———."} <= set(entries)
    assert len(turnovers) >= 5 and all(12 < x < 16 for x in turnovers), turnovers


# -- the page as a press sets it (issue 14) ----------------------------------------------------


def _lines(page: pdfplumber.page.Page) -> list[list[dict]]:
    """The words of a page by printed line (by baseline), each line from left to right."""
    lines: dict[int, list[dict]] = defaultdict(list)
    for word in page.extract_words(extra_attrs=["size"]):
        lines[round(word["bottom"])].append(word)
    return [sorted(words, key=lambda w: w["x0"]) for _, words in sorted(lines.items())]


def _baseline(char: dict, page: pdfplumber.page.Page) -> float:
    """A character's baseline, in points below the top of the page."""
    return float(page.height) - char["matrix"][5]


def test_margins_outside_wider_than_inside_and_the_head_half_an_inch_down(pdf: Path, pages: list) -> None:
    """The text block's outside margin is wider than the inside one less what the binding takes;
    the running head's baseline is about 0.5 in below the trim, the folio's as far above it."""
    allowance = binding_allowance(len(pages)) * 72
    checked = 0
    for number, page in enumerate(pages, start=1):
        head, body, folio = margins(page)
        if not (folio.isdigit() and head and len(body) > 1500):
            continue
        width = float(page.width)
        lines = [line for line in _lines(page) if 0.1 * page.height < line[0]["top"] < 0.9 * page.height]
        left = min(line[0]["x0"] for line in lines)
        right = width - sorted(line[-1]["x1"] for line in lines)[len(lines) // 2]   # justified
        inside, outside = (left, right) if number % 2 else (right, left)
        # 2 : 4 (geometry.py), as a reader of the bound book sees them.
        assert 0.4 * outside < inside - allowance < 0.6 * outside, (number, inside / 72, outside / 72)
        heads = [c for c in page.chars if c["top"] < 0.075 * page.height]
        folios = [c for c in page.chars if c["top"] > 0.905 * page.height]
        assert 0.45 * 72 <= min(_baseline(c, page) for c in heads) <= 0.55 * 72
        assert 0.45 * 72 <= page.height - max(_baseline(c, page) for c in folios) <= 0.55 * 72
        checked += 1
    assert checked >= 4


def test_page_labels_roman_in_the_front_matter_then_arabic(pdf: Path, pages: list) -> None:
    labels = PdfReader(str(pdf)).page_labels
    bodies = [margins(page)[1] for page in pages]
    text_start = next(i for i, body in enumerate(bodies) if "startling paradox" in body)
    roman = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"]
    assert labels == roman[:text_start] + [str(n) for n in range(1, len(pages) - text_start + 1)]
    for label, (_, _, folio) in zip(labels, (margins(page) for page in pages), strict=True):
        assert folio in ("", label)


def _outline(pdf: Path) -> list[tuple[str, int]]:
    reader = PdfReader(str(pdf))
    found: list[tuple[str, int]] = []

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((str(item.title), depth))
    walk(reader.outline, 0)
    return found


def test_outline_holds_each_part_of_the_book_once(pdf: Path) -> None:
    assert _outline(pdf) == [("Contents", 0), ("Revolution Destroyed", 0), ("Notes", 0),
                             ("Bibliography", 0), ("Index", 0)]


def test_title_page_balanced_and_copyright_at_the_foot(pages: list) -> None:
    title_page = next(page for page in pages if "centenary" in margins(page)[1])
    lines = _lines(title_page)
    assert " ".join(w["text"] for w in lines[0]) == "Revolution Destroyed"
    assert lines[0][0]["top"] < title_page.height / 3
    subtitle = [len(line) for line in lines if 10.5 < line[0]["size"] < 12]
    assert len(subtitle) == 3 and min(subtitle) > max(subtitle) / 2, subtitle     # no runt
    copyright_page = next(page for page in pages if "All rights reserved" in margins(page)[1])
    words = copyright_page.extract_words()
    assert min(w["top"] for w in words) > 2 / 3 * copyright_page.height


def test_headings_of_one_rank_share_size_and_place(pages: list) -> None:
    openings = {}
    for page in pages:
        lines = _lines(page)
        if lines and lines[0][0]["text"] in ("Contents", "Notes", "Bibliography", "Revolution") \
                and page.chars and not margins(page)[0]:
            first = lines[0][0]
            openings[first["text"]] = (round(first["size"], 2), round(first["bottom"], 1))
    assert set(openings) == {"Contents", "Notes", "Bibliography", "Revolution"}, openings
    assert len(set(openings.values())) == 1, openings


def _note_starts(page: pdfplumber.page.Page) -> dict[int, tuple[float, float]]:
    """Each note that begins on the page: (x of its number's right edge, x of its text)."""
    starts = {}
    for line in _lines(page):
        if len(line) > 1 and re.fullmatch(r"\d+\.", line[0]["text"]):
            starts[int(line[0]["text"][:-1])] = (line[0]["x1"], line[1]["x0"])
    return starts


def test_endnote_numbers_hang_and_the_text_starts_at_one_indent(pages: list) -> None:
    """Each note's text, 1-9 and 10-19 alike, starts at one x on the rectos and one on the
    versos, its number right-aligned before it. (Within 0.3 pt, 0.1 mm: the line breaker may
    track the letters of a justified first line, the number's included, a little.)"""
    starts: dict[int, tuple[float, float]] = {}
    parity: dict[int, int] = {}
    for index, page in enumerate(pages):
        if "Notes" in margins(page)[1][:40] or margins(page)[0].startswith("Notes to"):
            found = _note_starts(page)
            starts.update(found)
            parity.update({n: index % 2 for n in found})
    assert sorted(starts) == list(range(1, 20))
    for side in (0, 1):
        ends = [starts[n][0] for n in starts if parity[n] == side]
        texts = [starts[n][1] for n in starts if parity[n] == side]
        assert max(ends) - min(ends) < 0.3 and max(texts) - min(texts) < 0.3, (ends, texts)
    page = next(p for p in pages if "Notes" in margins(p)[1][:40])
    assert abs(_note_starts(page)[9][1] - _note_starts(page)[10][1]) < 0.3


@pytest.fixture(scope="module")
def two_chapters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small book of two chapters laid out in two parts: the first titled as the book, with
    twelve notes at its end and verse with a line too long for the measure; a subtitle, a
    publisher and a long copyright page."""
    root = tmp_path_factory.mktemp("two-chapters")
    prose = "The tide came in over the flats and the birds went up before it. " * 9
    notes = "".join(f"Paragraph {n} of the shore.[^n{n}] {prose}\n\n" for n in range(1, 13))
    verse = ("| A short line of verse\n"
             "| A very long line of verse that runs on past the measure of the page, so that it "
             "must be turned over at least once before it ends\n"
             "| Another short line\n\n")
    defs = "".join(f"[^n{n}]: Note {n} on the shore, with a little more to say about it.\n"
                   for n in range(1, 13))
    rights = " ".join(f"Sentence {n} of a long copyright notice, as a press may print one."
                      for n in range(1, 30))
    book = write_book(root / "m", (
        "title: The Long Shore\nsubtitle: Essays on the sea, the rivers that run down to it, and "
        "the people who live by them\nauthor: A. Writer\npublisher: A Small Press\n"
        f"rights: {rights}\nnotes:\n  placement: chapter\n"),
        {"01.md": f"# The Long Shore\n\n{notes}{verse}{prose}\n\n{defs}",
         "02.md": f"# Rivers\n\n{prose}[^r]\n\n" + f"{prose}\n\n" * 7 + "[^r]: A river note.\n"})
    result = bookbuild("build", "--manuscript", book, "--out", root / "out", "--format", "pdf",
                       "--jobs", "2")
    assert result.code == 0, result.stderr
    return root / "out" / "the-long-shore.pdf"


def test_a_book_of_two_chapters_in_parts(two_chapters: Path) -> None:
    """Heads: the author over a chapter titled as the book is, else the book's title, on versos;
    page labels and the outline of a book joined from parts; notes at the chapter's end hung
    like the endnotes; a long copyright page still at the foot; the publisher at the foot."""
    document = pdfplumber.open(str(two_chapters))
    pages = document.pages
    labels = PdfReader(str(two_chapters)).page_labels
    first = next(i for i, page in enumerate(pages) if "Paragraph 1 of" in margins(page)[1])
    assert labels[:first] == ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"][:first]
    assert labels[first:] == [str(n) for n in range(1, len(pages) - first + 1)]
    assert [title for title, _ in _outline(two_chapters)] == ["Contents", "The Long Shore", "Rivers"]

    second = next(i for i, page in enumerate(pages) if margins(page)[1].startswith("Rivers"))
    heads: dict[tuple[str, str], set[str]] = defaultdict(set)
    for index, page in enumerate(pages[first:], start=first):
        head, _, folio = margins(page)
        if head and folio:
            chapter = "Rivers" if index > second else "The Long Shore"
            heads[(chapter, "recto" if int(folio) % 2 else "verso")].add(head)
    assert heads == {("The Long Shore", "verso"): {"A. Writer"},
                     ("The Long Shore", "recto"): {"The Long Shore"},
                     ("Rivers", "verso"): {"The Long Shore"}, ("Rivers", "recto"): {"Rivers"}}

    starts: dict[int, tuple[float, float]] = {}
    by_page = {}
    for index, page in enumerate(pages):
        found = _note_starts(page)
        starts.update(found)
        by_page.update({n: index for n in found})
    assert set(range(1, 13)) <= set(starts)
    for n in range(2, 13):
        if by_page[n] % 2 == by_page[1] % 2:
            assert abs(starts[n][1] - starts[1][1]) < 0.3, (n, starts[n], starts[1])
            assert abs(starts[n][0] - starts[1][0]) < 0.3, (n, starts[n], starts[1])

    verse = next(page for page in pages if "A very long line" in page.extract_text())
    lines = _lines(verse)
    at = next(i for i, line in enumerate(lines) if line[0]["text"] == "A" and line[1]["text"] == "very")
    size = lines[at][0]["size"]
    assert lines[at - 1][0]["x0"] == pytest.approx(lines[at][0]["x0"], abs=0.1)
    assert lines[at + 1][0]["x0"] - lines[at][0]["x0"] == pytest.approx(2 * size, abs=0.5)
    after = next(line for line in lines[at + 1:] if line[0]["text"] == "Another")
    assert after[0]["x0"] == pytest.approx(lines[at][0]["x0"], abs=0.1)

    copyright_page = next(page for page in pages if "Sentence 1 of" in page.extract_text())
    words = copyright_page.extract_words()
    assert max(w["bottom"] for w in words) > 0.8 * copyright_page.height
    assert min(w["top"] for w in words) > 0.075 * copyright_page.height
    title_page = next(page for page in pages if "A Small Press" in page.extract_text())
    press = next(w for w in title_page.extract_words() if w["text"] == "Small")
    assert press["top"] > 0.8 * title_page.height
