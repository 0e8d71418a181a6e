"""Preflight stage: read the finished print PDF back and check what printers require.

It trusts nothing the writer meant to do: page boxes, trim and bleed, crop marks, the PDF/X
output intent and its one CMYK profile, fonts (embedded, subset, the book's own, one program per
subset tag), the smallest text, glyphs missing from their font, device RGB colour, the margins
against the gutter the page count needs, and drawn objects (images, rules, borders) that cross the
trim or leave the text block. It also reports the page count and the spine width for the cover.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import signal
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from bookbuild.config import BookConfig
from bookbuild.delivery.printed import Measured, PrintFacts
from bookbuild.diagnostics import Diagnostic, Place, Severity
from bookbuild.preflight.content import (
    BOOK_FACES,
    Box,
    Drawn,
    Font,
    PageReader,
    PageText,
    is_book_face,
)
from bookbuild.preflight.flat import flat_problems
from bookbuild.preflight.recall import PageRecall
from bookbuild.preflight.resources import (
    embedded,
    pdfx_intent,
    profile_problems,
    read_resources,
    subset_problems,
)
from bookbuild.printspec import (
    MIN_OUTSIDE,
    MIN_OUTSIDE_BLEED,
    MIN_TEXT,
    PAPERS,
    minimum_gutter,
    points,
)
from bookbuild.writers.pdf.geometry import geometry

log = logging.getLogger("bookbuild.preflight")
TOLERANCE = 0.75                # points
DRAWN_TOLERANCE = 1.5           # points an image or rule may stray (antialiasing, rounding)
__all__ = ["BOOK_FACES", "CODES", "Report", "preflight"]

CODES = {
    "pdf-unreadable": Severity.ERROR, "pdf-boxes": Severity.ERROR, "pdf-trim": Severity.ERROR,
    "pdf-bleed": Severity.ERROR, "pdf-crop-marks": Severity.ERROR, "pdf-not-pdfx": Severity.ERROR,
    "pdf-font-not-embedded": Severity.ERROR, "pdf-font-not-subset": Severity.ERROR,
    "pdf-foreign-font": Severity.ERROR, "pdf-small-text": Severity.ERROR,
    "pdf-missing-glyph": Severity.ERROR, "pdf-rgb-colour": Severity.ERROR,
    "pdf-gutter": Severity.ERROR, "pdf-margin": Severity.ERROR, "pdf-odd-pages": Severity.ERROR,
    "pdf-subset-tag": Severity.ERROR,
    "pdf-output-profile": Severity.ERROR, "pdf-object-outside": Severity.ERROR,
    "pdf-object-margin": Severity.ERROR, "pdf-not-flat": Severity.ERROR,
}
# One character set in a machine font, and the pages it is on.
Foreign = tuple[str, str, list[int]]


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
    min_text: float | None = None               # pt: the smallest type on any page
    min_image_ppi: Measured | None = None       # the coarsest image, at its placed size
    min_line: Measured | None = None            # pt: the thinnest line in the trim
    min_tint: Measured | None = None            # %: the lightest grey fill in the trim

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
              crop_marks: bool = False,
              locate: Callable[[str], Place | None] | None = None, flat: bool = False) -> Report:
    """Check the PDF at `path` against book.yaml (trim, bleed, paper). `locate`, given a
    character, returns where the manuscript has it: findings about it are placed there.
    `flat`: the file must be PDF/X-1a:2001 (`flat.flat_problems`)."""
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
    shape = geometry(config, report.pages, bleed, crop_marks)
    job = _PageJob(path, config, report.file, report.pages, (width, height), bleed, crop_marks,
                   (shape.inside, shape.outside, shape.top, shape.bottom))
    if report.pages < _PARALLEL_PAGES:
        findings, foreign, measures = job.run(0, report.pages, reader)
        report.findings += findings
    else:
        # Half the pages are read by a second process: the other core is free by now.
        middle = report.pages // 2
        with multiprocessing.get_context("fork").Pool(1, initializer=_default_signals) as pool:
            second = pool.apply_async(job.run, (middle, report.pages))
            findings, foreign, measures = job.run(0, middle, reader)
            later, more, other = second.get()
            report.findings += findings + later
            foreign += more
            measures = measures.merged(other)
    report.min_text, report.min_image_ppi = measures.min_text, measures.min_image_ppi
    report.min_line, report.min_tint = measures.min_line, measures.min_tint
    reported = _foreign_characters(report, foreign, locate)
    _font_checks(report, reader, reported)
    _resource_checks(report, reader)
    if flat:
        for problem in list(flat_problems(reader))[:20]:
            report.add("pdf-not-flat", problem)
    if report.pages % 2:
        report.add("pdf-odd-pages", f"{report.pages} pages: a printed book has an even page count")
    return report


def print_facts(report: Report, min_margin: float | None = None) -> PrintFacts:
    """What a printer's rules are held against (`delivery.printed.check_print`); `min_margin`
    from `text_margin` when a printer has a rule for it."""
    return PrintFacts(pages=report.pages, trim=report.trim, bleed=report.bleed, pdfx=report.pdfx,
                      fonts_embedded=not any(f.code == "pdf-font-not-embedded" for f in report.findings),
                      min_text=report.min_text, min_line=report.min_line, min_tint=report.min_tint,
                      min_image_ppi=report.min_image_ppi,
                      file=report.file, min_margin=min_margin)


def text_margin(path: Path) -> float | None:
    """The least distance (inches) of any text on any page from its TrimBox: running heads and
    folios included, glyph boxes as pdfium places them. None: no text."""
    import pypdfium2
    document = pypdfium2.PdfDocument(str(path))
    least: float | None = None
    try:
        for page in document:
            x0, y0, x1, y1 = page.get_trimbox()
            text = page.get_textpage()
            for index in range(text.count_rects()):
                left, bottom, right, top = text.get_rect(index)
                if right - left < 0.5 or top - bottom < 0.5:
                    continue                # a space's empty box
                distance = min(left - x0, x1 - right, bottom - y0, y1 - top) / 72
                least = distance if least is None else min(least, distance)
    finally:
        document.close()
    return least


@dataclass
class _Measures:
    """The smallest type, the coarsest image and the thinnest line of some pages."""

    min_text: float | None = None
    min_image_ppi: Measured | None = None
    min_line: Measured | None = None
    min_tint: Measured | None = None            # percent

    def add(self, text: PageText, page: int) -> None:
        self.min_text = _least(self.min_text, text.min_size)
        for item in text.drawn:
            ppi = _image_ppi(item)
            if ppi is not None:
                self.min_image_ppi = _least(self.min_image_ppi, Measured(ppi, page, item.detail))
        if text.min_line is not None:
            self.min_line = _least(self.min_line, Measured(text.min_line, page))
        if text.min_tint is not None:
            self.min_tint = _least(self.min_tint, Measured(text.min_tint * 100, page))

    def merged(self, other: _Measures) -> _Measures:
        return _Measures(_least(self.min_text, other.min_text),
                         _least(self.min_image_ppi, other.min_image_ppi),
                         _least(self.min_line, other.min_line), _least(self.min_tint, other.min_tint))


_Least = TypeVar("_Least", float, Measured)


def _least(*values: _Least | None) -> _Least | None:
    """The least of the values given, None when none is."""
    present = [value for value in values if value is not None]
    return min(present) if present else None


def _image_ppi(item: Drawn) -> float | None:
    """An image's pixels per inch at the size it is drawn (the lower of its two directions)."""
    match = re.fullmatch(r"(\d+) x (\d+) px", item.detail)
    width, height = item.box[2] - item.box[0], item.box[3] - item.box[1]
    if not item.kind.endswith("image") or match is None or width < 1 or height < 1:
        return None
    return min(int(match.group(1)) / (width / 72), int(match.group(2)) / (height / 72))


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
    margins: tuple[float, float, float, float]      # inside, outside, top, bottom (points)

    def run(self, start: int, stop: int, reader: PdfReader | None = None
            ) -> tuple[list[Diagnostic], list[tuple[int, str, list[str]]], _Measures]:
        """The findings on pages start+1..stop, the characters set in machine fonts, and the
        smallest type and coarsest image."""
        reader = reader or PdfReader(str(self.path))
        report = Report(file=self.file, pages=self.pages)
        foreign: list[tuple[int, str, list[str]]] = []
        fonts: dict[int, Font] = {}
        gutter = minimum_gutter(self.pages) * 72
        recall = PageRecall()
        measures = _Measures()
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
            result = _read_page(page, trim, fonts, reader, recall)
            measures.add(result, number)
            _text_checks(report, result, number, trim, gutter, outside_minimum, self.crop_marks)
            _drawn_checks(report, result.drawn, number, trim, self.margins,
                          self.bleed_width(), self.crop_marks)
            foreign += [(number, font, list(chars)) for font, chars in result.foreign.items()]
        log.debug("preflight of pages %d-%d: %d read, %d from the build cache", start + 1, stop,
                  recall.read, recall.recalled)
        return report.findings, foreign, measures

    def bleed_width(self) -> float:
        return geometry(self.config, self.pages, self.bleed, self.crop_marks).bleed


def _read_page(page: Any, trim: Box, fonts: dict[int, Font], reader: PdfReader,
               recall: PageRecall) -> PageText:
    """What the page's content stream holds: read, or recalled from the build cache."""
    resources = page.get("/Resources")
    contents = page.get_contents()
    if contents is None or resources is None:
        return PageText()
    key = recall.key(contents, resources, trim)
    cached = recall.get(key)
    if cached is not None:
        return cached
    text = PageReader(fonts, trim)
    text.read(contents, resources.get_object(), reader)
    recall.put(key, text.result)
    return text.result


def _default_signals() -> None:
    """A helper process is simply ended when its pool closes."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _document_checks(report: Report, reader: PdfReader) -> None:
    catalog: Any = reader.trailer["/Root"]
    metadata = catalog.get("/Metadata")
    xmp = metadata.get_object().get_data().decode("utf-8", "replace") if metadata else ""
    version = re.search(r"GTS_PDFXVersion(?:>|=\")([^<\"]+)", xmp)
    report.pdfx = version.group(1) if version else None
    if not pdfx_intent(catalog) or report.pdfx is None:
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
    for chars, context in text.missing[:3]:
        report.add("pdf-missing-glyph", f"{_character(chars)} has no glyph in its font (in "
                   f"“{context}”); it would print as a blank box: add a font that has it to "
                   "book.yaml ('fonts:' then '  fallback: [file.ttf]') or replace the character",
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


def _drawn_checks(report: Report, drawn: list[Drawn], number: int, trim: Box,
                  margins: tuple[float, float, float, float], bleed: float, crop_marks: bool) -> None:
    """Images and rules belong inside the text block; nothing drawn may cross the trim. (Only the
    running heads and folios, which are text, live in the margins; a proof's crop marks live in
    the slug, beyond the bleed.)"""
    inside, outside, top, bottom = margins
    left, right = (inside, outside) if number % 2 == 1 else (outside, inside)
    block = (trim[0] + left, trim[1] + bottom, trim[2] - right, trim[3] - top)
    outside_trim: list[str] = []
    outside_block: list[str] = []
    for item in drawn:
        box = item.box
        if crop_marks and _beyond(box, trim, bleed):
            continue                                # a crop mark in the slug
        over_trim = _overflow(box, trim)
        if over_trim:
            outside_trim.append(f"{_describe(item, trim)} crosses the trim by {over_trim}")
            continue
        over_block = _overflow(box, block)
        if over_block:
            outside_block.append(f"{_describe(item, trim)} leaves the text block by {over_block}")
    for text in outside_trim[:3]:
        report.add("pdf-object-outside", f"{text}: it would be cut off. Scale the image down or "
                   "give it a width (and a height) that fits the text block; for a rule or a "
                   "table, make it narrower", number)
    for text in outside_block[:3]:
        report.add("pdf-object-margin", f"{text}: images and rules belong inside the text "
                   "block (the trim less the margins). Make it smaller or narrower so that it "
                   "fits", number)


def _beyond(box: Box, trim: Box, bleed: float) -> bool:
    """Wholly outside the bleed box: in the slug."""
    x0, y0, x1, y1 = trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed
    return (box[2] <= x0 + TOLERANCE or box[0] >= x1 - TOLERANCE or box[3] <= y0 + TOLERANCE
            or box[1] >= y1 - TOLERANCE)


def _overflow(box: Box, frame: Box) -> str:
    """By how much, and at which edges, `box` passes `frame` ("" when it does not)."""
    edges = {"left": frame[0] - box[0], "bottom": frame[1] - box[1],
             "right": box[2] - frame[2], "top": box[3] - frame[3]}
    over = [(amount, edge) for edge, amount in edges.items() if amount > DRAWN_TOLERANCE]
    return ", ".join(f"{amount:.1f} pt at the {edge}" for amount, edge in sorted(over, reverse=True))


def _describe(item: Drawn, trim: Box) -> str:
    """The object and its box in points from the trim's top left corner."""
    what = {"image": "an image", "inline image": "an inline image", "rule": "a rule (a border "
            "or a line)", "path": "a filled or stroked shape"}.get(item.kind, item.kind)
    if item.detail:
        what += f" ({item.detail})"
    x0, x1 = item.box[0] - trim[0], item.box[2] - trim[0]
    y0, y1 = trim[3] - item.box[3], trim[3] - item.box[1]
    return f"{what} at x {x0:.1f}–{x1:.1f} pt, y {y0:.1f}–{y1:.1f} pt (from the trim's top left)"


def _foreign_characters(report: Report, found: list[tuple[int, str, list[str]]],
                        locate: Callable[[str], Place | None] | None) -> set[str]:
    """One finding per character set in a font that is not the book's: which character, which
    font, on which pages, and where the manuscript has it when `locate` can tell."""
    pages: dict[tuple[str, str], list[int]] = {}
    for number, font, chars in sorted(found):
        # A space pango set in the fallback font beside the real culprit says nothing more.
        shown = [c for c in chars if not c.isspace()] or chars
        for char in shown:
            pages.setdefault((font, char), []).append(number)
    for (font, char), numbers in sorted(pages.items(), key=lambda item: (item[1][0], item[0])):
        also = ""
        if len(numbers) > 1:
            listed = ", ".join(map(str, numbers[1:6])) + ("..." if len(numbers) > 6 else "")
            also = f" (also on page{'s' if len(numbers) > 2 else ''} {listed})"
        place = locate(char) if locate is not None and not char.startswith("glyph ") else None
        report.add("pdf-foreign-font", f"{_character(char)} is set in {font}, a font of this "
                   f"machine, because the book's faces lack it{also}; add a font that has it to "
                   "book.yaml ('fonts:' then '  fallback: [file.ttf]') or replace the character",
                   numbers[0], place)
    return {font for font, _ in pages}


def _character(text: str) -> str:
    """“港” (U+6E2F CJK UNIFIED IDEOGRAPH-6E2F); a glyph with no text is named by its id."""
    if text.startswith("glyph "):
        return f"a {text} (no Unicode text in the font)"
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" for c in text)
    return f"“{text}” ({names})"


def _resource_checks(report: Report, reader: PdfReader) -> None:
    found = read_resources(reader)
    for problem in subset_problems(found):
        report.add("pdf-subset-tag", problem)
    for problem in profile_problems(found):
        report.add("pdf-output-profile", problem)


def _font_checks(report: Report, reader: PdfReader, reported: set[str] | None = None) -> None:
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
            if not embedded(font):
                report.add("pdf-font-not-embedded", f"the font {name} is not embedded")
            tag, plus, family = name.partition("+")
            if not plus or len(tag) != 6 or not tag.isupper():
                report.add("pdf-font-not-subset", f"the font {name} is embedded whole, not subset")
            if not is_book_face(name) and (family or name) not in (reported or set()):
                report.add("pdf-foreign-font", f"some text is set in {family or name}, a font of "
                           "this machine, because the book's faces lack a character; add the "
                           "character to the book's fonts or replace it")
