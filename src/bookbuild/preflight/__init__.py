"""Preflight stage: read the finished print PDF back and check what printers require.

It trusts nothing the writer meant to do: page boxes, trim and bleed, crop marks, the PDF/X
output intent, fonts (embedded, subset, the book's own), the smallest text, glyphs missing from
their font, device RGB colour, and the margins against the gutter the page count needs. It also
reports the page count and the spine width for the cover.
"""

from __future__ import annotations

import multiprocessing
import re
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from bookbuild.config import BookConfig
from bookbuild.diagnostics import Diagnostic, Place, Severity
from bookbuild.preflight.content import Font, PageReader, PageText
from bookbuild.printspec import (
    MIN_OUTSIDE,
    MIN_OUTSIDE_BLEED,
    MIN_PAGES,
    MIN_TEXT,
    PAPERS,
    minimum_gutter,
    points,
)

TOLERANCE = 0.75                # points
BOOK_FACES = ("Gentium", "BookbuildSymbols")

CODES = {
    "pdf-unreadable": Severity.ERROR, "pdf-boxes": Severity.ERROR, "pdf-trim": Severity.ERROR,
    "pdf-bleed": Severity.ERROR, "pdf-crop-marks": Severity.ERROR, "pdf-not-pdfx": Severity.ERROR,
    "pdf-font-not-embedded": Severity.ERROR, "pdf-font-not-subset": Severity.ERROR,
    "pdf-foreign-font": Severity.ERROR, "pdf-small-text": Severity.ERROR,
    "pdf-missing-glyph": Severity.ERROR, "pdf-rgb-colour": Severity.ERROR,
    "pdf-gutter": Severity.ERROR, "pdf-margin": Severity.ERROR, "pdf-odd-pages": Severity.ERROR,
    "pdf-few-pages": Severity.WARNING,
}


@dataclass
class Report:
    """The preflight's findings and the facts a printer asks for."""

    file: str
    pages: int = 0
    trim: tuple[float, float] = (0.0, 0.0)        # inches
    bleed: bool = False
    pdfx: str | None = None
    fonts: list[str] = field(default_factory=list)
    paper: str = "white"
    findings: list[Diagnostic] = field(default_factory=list)

    @property
    def spine(self) -> float:
        """Spine width in inches for the cover, at the paper's thickness."""
        return self.pages * PAPERS[self.paper]

    @property
    def passed(self) -> bool:
        return not any(f.is_error for f in self.findings)

    def facts(self) -> list[str]:
        return [
            f"{self.file}: {self.pages} pages, trim {self.trim[0]:g} x {self.trim[1]:g} in, "
            f"{'with' if self.bleed else 'no'} bleed, {self.pdfx or 'not PDF/X'}",
            f"spine width for the cover: {self.spine:.3f} in ({self.spine * 25.4:.1f} mm) on "
            f"{self.paper} paper ({PAPERS[self.paper]} in per page)",
            "fonts: " + ", ".join(self.fonts),
        ]

    def add(self, code: str, message: str, page: int | None = None, place: Place | None = None) -> None:
        where = place or Place(self.file, None)
        text = f"page {page}: {message}" if page is not None else message
        self.findings.append(Diagnostic(code, CODES[code], text, where))


def preflight(path: Path, config: BookConfig, expect_bleed: bool | None = None,
              crop_marks: bool = False) -> Report:
    """Check the PDF at `path` against book.yaml (trim, bleed, paper)."""
    report = Report(file=path.name, paper=config.paper)
    try:
        reader = PdfReader(str(path))
        pages = reader.pages
        report.pages = len(pages)
    except (PdfReadError, OSError, ValueError) as exc:
        report.add("pdf-unreadable", f"the PDF cannot be read ({exc}); build it again")
        return report
    bleed = config.bleed if expect_bleed is None else expect_bleed
    report.bleed = bleed
    _document_checks(report, reader)
    width, height = (points(length) for length in config.trim)
    report.trim = (round(width / 72, 3), round(height / 72, 3))
    job = _PageJob(path, config, report.file, report.pages, (width, height), bleed, crop_marks)
    if report.pages < _PARALLEL_PAGES:
        report.findings += job.run(0, report.pages, reader)
    else:
        # Half the pages are read by a second process: the other core is free by now.
        middle = report.pages // 2
        with multiprocessing.get_context("fork").Pool(1, initializer=_default_signals) as pool:
            second = pool.apply_async(job.run, (middle, report.pages))
            report.findings += job.run(0, middle, reader)
            report.findings += second.get()
    _font_checks(report, reader)
    if report.pages % 2:
        report.add("pdf-odd-pages", f"{report.pages} pages: a printed book has an even page count")
    if report.pages < MIN_PAGES:
        report.add("pdf-few-pages", f"{report.pages} pages: print on demand (KDP Print) needs at "
                   f"least {MIN_PAGES}; printers add blank pages or refuse the file")
    return report


_PARALLEL_PAGES = 300


@dataclass
class _PageJob:
    """The page checks of one file, for a range of its pages (run in this or another process)."""

    path: Path
    config: BookConfig
    file: str
    pages: int
    size: tuple[float, float]
    bleed: bool
    crop_marks: bool

    def run(self, start: int, stop: int, reader: PdfReader | None = None) -> list[Diagnostic]:
        reader = reader or PdfReader(str(self.path))
        report = Report(file=self.file, pages=self.pages)
        fonts: dict[int, Font] = {}
        gutter = minimum_gutter(self.pages) * 72
        outside_minimum = (MIN_OUTSIDE_BLEED if self.bleed else MIN_OUTSIDE) * 72
        for number in range(start + 1, stop + 1):
            page = reader.pages[number - 1]
            trim = _box(page, "/TrimBox")
            if trim is None or _box(page, "/BleedBox") is None:
                report.add("pdf-boxes", "no TrimBox or BleedBox; printers need both on every page",
                           number)
                continue
            _trim_and_bleed(report, self.config, page, number, trim, self.size, self.bleed,
                            self.crop_marks)
            text = PageReader(fonts, trim)
            resources = page.get("/Resources")
            if page.get_contents() is not None and resources is not None:
                text.read(page.get_contents(), resources.get_object(), reader)
            _text_checks(report, text.result, number, trim, gutter, outside_minimum, self.crop_marks)
        return report.findings


def _default_signals() -> None:
    """A helper process is simply ended when its pool closes."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _document_checks(report: Report, reader: PdfReader) -> None:
    catalog: Any = reader.trailer["/Root"]
    intents = [i.get_object() for i in catalog.get("/OutputIntents", [])]
    pdfx = [i for i in intents if i.get("/S") == "/GTS_PDFX" and i.get("/DestOutputProfile")]
    metadata = catalog.get("/Metadata")
    xmp = metadata.get_object().get_data().decode("utf-8", "replace") if metadata else ""
    version = re.search(r"GTS_PDFXVersion(?:>|=\")([^<\"]+)", xmp)
    report.pdfx = version.group(1) if version else None
    if not pdfx or report.pdfx is None:
        report.add("pdf-not-pdfx", "no PDF/X output intent with a CMYK profile; printers "
                   "expect PDF/X-4 or PDF/X-1a")


def _box(page: object, name: str) -> tuple[float, float, float, float] | None:
    box = page.get(name)  # type: ignore[attr-defined]
    if box is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in box)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _trim_and_bleed(report: Report, config: BookConfig, page: object, number: int,
                    trim: tuple[float, float, float, float], size: tuple[float, float],
                    bleed: bool, crop_marks: bool) -> None:
    width, height = trim[2] - trim[0], trim[3] - trim[1]
    if abs(width - size[0]) > TOLERANCE or abs(height - size[1]) > TOLERANCE:
        report.add("pdf-trim", f"the trim is {width / 72:.3f} x {height / 72:.3f} in, but book.yaml "
                   f"asks for {size[0] / 72:.3f} x {size[1] / 72:.3f} in", number,
                   config.place_of("pdf", "trim"))
    box = _box(page, "/BleedBox")
    media = _box(page, "/MediaBox")
    assert box is not None and media is not None
    recto = number % 2 == 1
    spine = trim[0] - box[0] if recto else box[2] - trim[2]
    outside = box[2] - trim[2] if recto else trim[0] - box[0]
    top, bottom = box[3] - trim[3], trim[1] - box[1]
    if bleed:
        if min(outside, top, bottom) < 8.5 - TOLERANCE:
            report.add("pdf-bleed", "the bleed is less than 0.125 in on the outside, top or bottom "
                       "edge", number)
        if not crop_marks and spine > TOLERANCE:
            report.add("pdf-bleed", "print-on-demand pages have no bleed on the spine side", number)
    elif max(spine, outside, top, bottom) > TOLERANCE or media != trim:
        report.add("pdf-bleed", "the page has a bleed that book.yaml does not ask for "
                   "(set pdf.bleed: true if the book needs one)", number)


def _text_checks(report: Report, text: PageText, number: int, trim: tuple[float, float, float, float],
                 gutter: float, outside_minimum: float, crop_marks: bool) -> None:
    if text.min_size is not None and text.min_size < MIN_TEXT - 0.05:
        report.add("pdf-small-text", f"“{text.smallest.strip()}” is set at {text.min_size:.1f} pt; "
                   f"printers need at least {MIN_TEXT:g} pt", number)
    for context in text.missing[:3]:
        report.add("pdf-missing-glyph", f"a glyph is missing from its font in “{context}”; the "
                   "character would print as a blank box: use a character the book's fonts have",
                   number)
    if text.rgb:
        report.add("pdf-rgb-colour", "device RGB colour in a PDF/X file; use CMYK "
                   "(device-cmyk()) in print stylesheets", number)
    if text.outside_strokes and not crop_marks:
        report.add("pdf-crop-marks", "lines drawn outside the trim (crop marks?) in a file for "
                   "print on demand", number)
    if text.min_x is None or text.max_x is None:
        return
    left, right = text.min_x - trim[0], trim[2] - text.max_x
    inside, outside = (left, right) if number % 2 == 1 else (right, left)
    if inside < gutter - TOLERANCE:
        report.add("pdf-gutter", f"the inside margin is {inside / 72:.3f} in; a book of "
                   f"{report.pages} pages needs at least {gutter / 72:.3f} in", number)
    if outside < outside_minimum - TOLERANCE:
        report.add("pdf-margin", f"the outside margin is {outside / 72:.3f} in; printers need at "
                   f"least {outside_minimum / 72:.3f} in", number)


def _font_checks(report: Report, reader: PdfReader) -> None:
    seen: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources is not None else None
        if font_dict is None:
            continue
        for reference in font_dict.get_object().values():
            font = reference.get_object()
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            if name in seen:
                continue
            seen.add(name)
            report.fonts.append(name)
            descriptor = font.get("/FontDescriptor") or \
                font.get("/DescendantFonts", [None])[0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                report.add("pdf-font-not-embedded", f"the font {name} is not embedded")
            tag, plus, family = name.partition("+")
            if not plus or len(tag) != 6 or not tag.isupper():
                report.add("pdf-font-not-subset", f"the font {name} is embedded whole, not subset")
            if not any(face in family.replace("-", "").replace(" ", "") for face in BOOK_FACES):
                report.add("pdf-foreign-font", f"some text is set in {family or name}, a font of "
                           "this machine, because the book's faces lack a character; add the "
                           "character to the book's fonts or replace it")
