"""A printer's minimum line weight (KDP Print: 0.75 pt): measured in the PDF, met by our own rules.

The preflight's measure (`preflight.lines`, through the content reader) is held against PDFs that
WeasyPrint really drew, borders as fills and rules as strokes; a book delivered to KDP is built
and its lines read back by pdfium, independently of the preflight.
"""

from __future__ import annotations

import ctypes
import dataclasses
import io
import random
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest
import weasyprint
from pypdf import PdfReader

from bookbuild.delivery.printed import Measured, PrintFacts, check_print
from bookbuild.diagnostics import Diagnostic, Severity
from bookbuild.pipeline import build, load
from bookbuild.preflight.content import PageReader, PageText
from bookbuild.preflight.lines import band_weight
from bookbuild.progress import Progress
from test_cli import write_book


@pytest.mark.parametrize(("rects", "weight"), [
    ([(0, 0, 100, 0.5)], 0.5),                                  # a rule drawn as one rectangle
    ([(0, 0, 100, 20), (0, 0.3, 100, 20)], 0.3),                # a border on one side only
    ([(0, 0, 100, 20), (1, 1, 99, 19)], 1.0),                   # a box, 1 pt all round
    ([(0, 0, 90, 30), (1, 1, 89, 29), (2, 2, 88, 28), (3, 3, 87, 27)], 1.0),   # double
    ([(0, 0, 0.9, 50), (2, 0, 4, 50), (5, 0, 5.6, 50)], 0.6),  # bars side by side (a barcode)
    ([(0, 0, 1, 1), (5, 5, 6, 6)], None),                       # dots are not lines
])
def test_band_weight(rects: list[tuple[float, float, float, float]], weight: float | None) -> None:
    assert band_weight(rects) == (pytest.approx(weight) if weight is not None else None)


def _pages(pdf: bytes | Path) -> list[PageText]:
    """What the preflight's reader finds on each page."""
    reader = PdfReader(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))
    found: list[PageText] = []
    for page in reader.pages:
        box = page.trimbox
        page_reader = PageReader({}, (float(box.left), float(box.bottom), float(box.right),
                                      float(box.top)))
        page_reader.read(page.get_contents(), page["/Resources"], reader)
        found.append(page_reader.result)
    return found


def _thinnest(pdf: bytes | Path) -> list[float | None]:
    """The preflight reader's thinnest line on each page."""
    return [page.min_line for page in _pages(pdf)]


def _page(body: str, css: str = "") -> bytes:
    html = (f"<style>@page {{ size: 200pt 200pt; margin: 20pt }} {css}</style>"
            f"<body>{body}</body>")
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def test_borders_drawn_as_fills_and_rules_drawn_as_strokes_are_measured() -> None:
    # A solid border is a filled band; a collapsed table's rules are strokes; a dotted border is
    # dots, not a line; a white rule prints nothing.
    assert _thinnest(_page("<p style='border-left: 0.3pt solid black'>Text</p>")) == \
        [pytest.approx(0.3, abs=0.01)]
    assert _thinnest(_page("<table><tr><td>a</td><td>b</td></tr></table>",
                           "table { border-collapse: collapse } td { border-bottom: 0.4pt solid"
                           " black }")) == [pytest.approx(0.4, abs=0.01)]
    assert _thinnest(_page("<p style='border: 1.2pt double black'>Text</p>")) == \
        [pytest.approx(0.4, abs=0.01)]
    assert _thinnest(_page("<p style='border-top: 0.2pt solid white'>Text</p>")) == [None]
    assert _thinnest(_page("<p>Text without lines</p>")) == [None]


def test_the_lightest_grey_fill_is_measured_and_held_to_kdps_ten_percent(tmp_path: Path) -> None:
    def lightest(background: str) -> float | None:
        (page,) = _pages(_page(f"<div style='height: 40pt; background: {background}'></div>"))
        return page.min_tint
    assert lightest("device-cmyk(0 0 0 0.05)") == pytest.approx(0.05, abs=0.001)
    assert lightest("rgb(245, 245, 245)") == pytest.approx(10 / 255, abs=0.002)
    assert lightest("device-cmyk(0 0 0 0.2)") == pytest.approx(0.2, abs=0.001)
    assert lightest("device-cmyk(0.1 0 0 0)") is None         # a colour, not a grey
    assert lightest("white") is None                          # prints nothing
    kdp = load(write_book(tmp_path / "m", "title: T\ndelivery: [kdp-print]\n",
                          {"01.md": "# One\n"}), Progress(quiet=True))
    facts = PrintFacts(pages=200, trim=(5.5, 8.5), bleed=False, pdfx="PDF/X-4",
                       fonts_embedded=True, min_text=9.0, min_line=None, min_image_ppi=None,
                       file="t.pdf", min_tint=Measured(5.0, 12))
    (found,) = check_print(kdp, facts)
    assert (found.code, found.severity) == ("print-tint", Severity.WARNING)
    assert found.message.startswith("a grey fill of 5 % on page 12 of the PDF: Amazon KDP Print "
                                    "(paperback): grey fills are at least 10 %")
    assert check_print(kdp, dataclasses.replace(facts, min_tint=Measured(9.8, 12))) == []


def _pdfium_lines(pdf: Path) -> dict[int, list[float]]:
    """Every stroked line's printed width (pt) by page number, as pdfium reads the file."""
    document = pypdfium2.PdfDocument(str(pdf))
    lines: dict[int, list[float]] = {}
    try:
        for number, page in enumerate(document, 1):
            for item in page.get_objects(max_depth=8):
                if item.type != pdfium_raw.FPDF_PAGEOBJ_PATH:
                    continue
                width, fill, stroke = ctypes.c_float(), ctypes.c_int(), ctypes.c_int()
                pdfium_raw.FPDFPageObj_GetStrokeWidth(item, width)
                pdfium_raw.FPDFPath_GetDrawMode(item, fill, stroke)
                a, b, c, d, _, _ = item.get_matrix().get()
                if stroke.value:
                    lines.setdefault(number, []).append(width.value * abs(a * d - b * c) ** 0.5)
    finally:
        document.close()
    return lines


def test_a_book_for_kdp_draws_rules_underlines_and_strike_outs_at_its_weight(
        tmp_path: Path) -> None:
    words = "the of and to in a is that for it as was with be by on not this are or".split()
    rng = random.Random(1)
    filler = "\n\n".join(" ".join(rng.choice(words) for _ in range(90)).capitalize() + "."
                         for _ in range(170))        # enough for KDP's 24 pages
    book = write_book(tmp_path / "m", "title: Lines\nauthor: A. Writer\nlang: en\nisbn: "
                      "9781402894626\ndelivery: [kdp-print]\npdf:\n  trim: 6x9in\n", {
                          "01-one.md": "# One\n\n| Year | Wages |\n|------|-------|\n"
                                       "| 1914 | 100 |\n| 1917 | 180 |\n\nSome ~~struck~~ "
                                       "text and [underlined]{.underline} words.\n",
                          "02-two.md": "# Two\n\n" + filler + "\n"})
    result = build(book, tmp_path / "out", ["pdf"], Progress(quiet=True))
    codes = [f.code for f in result.findings if isinstance(f, Diagnostic)]
    assert not result.errors and not {"print-line-weight", "print-tint"} & set(codes), codes
    pdf = tmp_path / "out" / "lines.pdf"
    lines = _pdfium_lines(pdf)
    # Six rules in the table (under the head and each row, two cells each) and the two text
    # lines, on the first chapter's page; none thinner than KDP's 0.75 pt anywhere.
    chapter_page = next(n for n, found in lines.items() if len(found) >= 8)
    assert len(lines[chapter_page]) == 8
    assert min(min(found) for found in lines.values()) == pytest.approx(0.75, abs=0.005)
    assert min(v for v in _thinnest(pdf) if v is not None) == pytest.approx(0.75, abs=0.005)
