"""Delivery checks on the print PDF, for each printer in book.yaml's `delivery:`: the page
count, the PDF/X flavour, embedded fonts, the smallest type, the thinnest line and the
coarsest image, each against the printer's rule.

The preflight reads the PDF and hands its facts here as a `PrintFacts`; this module reads no
PDF. Its codes are found after writing, so they are listed here with their severities, in
`PRINT_CODES`. A bleed is not checked here: the interior's bleed is book.yaml's choice (the
preflight checks the PDF has it as asked), and no printer requires one on an interior.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from bookbuild.delivery import Profile, Rule, print_profiles
from bookbuild.diagnostics import Diagnostic, Place, Severity, plural
from bookbuild.model import Book

ERROR, WARNING = Severity.ERROR, Severity.WARNING

PRINT_CODES: dict[str, Severity] = {
    "print-pages": ERROR,           # fewer or more pages than the printer binds
    "print-pdfx": ERROR,            # a PDF/X flavour (or none) the printer does not take
    "print-fonts": ERROR,           # a font not embedded
    "print-type-size": ERROR,       # type smaller than the printer prints legibly
    "print-line-weight": WARNING,   # a line thinner than the printer prints reliably
    "print-tint": WARNING,          # a grey fill lighter than the printer prints reliably
    "print-image-ppi": WARNING,     # an image of fewer pixels per inch than the printer asks
    "print-margin": ERROR,          # text nearer the trim than the printer allows
}
# How far a measured value may fall short of a rule before it is reported (the PDF's
# rounding): type and lines in points, images as a share of the rule.
TYPE_TOLERANCE = 0.05
LINE_TOLERANCE = 0.01
TINT_TOLERANCE = 0.5            # percent: a grey written as 0.9 g is 10 %
PPI_TOLERANCE = 0.01
MARGIN_TOLERANCE = 0.005            # inches
# The edition that makes a PDF/X-1a (`bookbuild build --format pdf-x1a`).
PDFX1A_FORMAT = "pdf-x1a"


@dataclass(frozen=True, order=True)
class Measured:
    """A measure taken on one page of the PDF: the thinnest line (pt), the coarsest image
    (ppi, with its size in pixels as `detail`, "1200 x 800 px")."""

    value: float
    page: int                           # 1-based, in the PDF
    detail: str = ""


@dataclass(frozen=True)
class PrintFacts:
    """What the preflight read in the print PDF."""

    pages: int
    trim: tuple[float, float]           # inches
    bleed: bool
    pdfx: str | None                    # the PDF's GTS_PDFXVersion, e.g. "PDF/X-4"; None: not PDF/X
    fonts_embedded: bool
    min_text: float | None              # points: the smallest type; None: unknown (no text)
    min_line: Measured | None           # points: the thinnest line; None: none drawn
    min_image_ppi: Measured | None      # the coarsest image's pixels per inch; None: no images
    file: str | None = None             # the PDF's name, where findings are placed
    min_margin: float | None = None     # inches: the least distance of any text from the trim
    min_tint: Measured | None = None    # percent: the lightest grey fill; None: none


def check_print(book: Book, facts: PrintFacts,
                printers: list[Profile] | None = None) -> list[Diagnostic]:
    """The print PDF's facts against `printers` (default: each printer the book is delivered
    to)."""
    pdf = Place(facts.file or f"{book.config.slug}.pdf")

    @functools.cache
    def image() -> tuple[Place, str] | None:    # the images are opened only for a finding
        return _image_place(book, facts.min_image_ppi)

    findings: list[Diagnostic] = []
    for printer in print_profiles(book.config) if printers is None else printers:
        def add(code: str, rule: Rule, fact: str, cure: str, printer: Profile = printer) -> None:
            coarse = image() if code == "print-image-ppi" else None
            findings.append(Diagnostic(code, PRINT_CODES[code],
                                       f"{fact}: {printer.title}: {rule.cited()}; {cure}",
                                       coarse[0] if coarse is not None else pdf))
        _pages(facts, printer, book.config.paper, add)
        _pdfx(facts, printer, add)
        _fonts(facts, printer, add)
        _measures(facts, printer, add, image)
        _margin(facts, printer, add)
    return findings


Add = Callable[[str, Rule, str, str], None]


def most_pages(printer: Profile, paper: str, width: float) -> Rule | None:
    """The rule that limits the page count of a book of `width` inches on `paper`: the
    printer's table by trim width when it has one, else its maximum for the paper."""
    table = printer.rule("max-pages-by-width")
    if table is not None and isinstance(table.value, dict):
        rows = table.value.get(paper) or table.value.get("white")
        if isinstance(rows, list):
            for up_to, pages in rows:
                if width <= float(up_to) + 0.005:
                    return Rule(int(pages), table.says, table.source, table.read, table.note)
    if paper == "cream" and printer.rule("max-pages-cream") is not None:
        return printer.rule("max-pages-cream")
    return printer.rule("max-pages")


def _pages(facts: PrintFacts, printer: Profile, paper: str, add: Add) -> None:
    pages = plural(facts.pages, "page")
    fewest = printer.rule("min-pages")
    if fewest is not None and isinstance(fewest.value, int) and facts.pages < fewest.value:
        add("print-pages", fewest, pages, "add pages or choose a smaller trim")
        return
    most = most_pages(printer, paper, facts.trim[0])
    if most is not None and isinstance(most.value, int) and facts.pages > most.value:
        add("print-pages", most, pages, f"at most {most.value} here: choose a larger trim or "
            "split the book")


def takes(printer: Profile, pdfx: str | None) -> bool:
    """Whether the printer takes a PDF of this PDF/X flavour (it says which, or takes any)."""
    rule = printer.rule("pdfx")
    return rule is None or not isinstance(rule.value, list) or pdfx in rule.value


def _pdfx(facts: PrintFacts, printer: Profile, add: Add) -> None:
    rule = printer.rule("pdfx")
    if rule is None or not isinstance(rule.value, list) or facts.pdfx in rule.value:
        return
    shown = facts.pdfx or "not PDF/X"
    add("print-pdfx", rule, f"the PDF is {shown}",
        f"build it with --format {PDFX1A_FORMAT} (a PDF/X-1a:2001 for this printer)")


def _margin(facts: PrintFacts, printer: Profile, add: Add) -> None:
    rule = printer.rule("min-margin")
    if rule is not None and isinstance(rule.value, (int, float)) and facts.min_margin is not None \
            and facts.min_margin < rule.value - MARGIN_TOLERANCE:
        add("print-margin", rule, f"text stands {facts.min_margin:.3f} in from the trim",
            "build with this printer in book.yaml's delivery, which sets the running heads and "
            "margins at its distance")


def _fonts(facts: PrintFacts, printer: Profile, add: Add) -> None:
    rule = printer.rule("fonts-embedded")
    if rule is not None and rule.value is True and not facts.fonts_embedded:
        add("print-fonts", rule, "a font is not embedded",
            "build the PDF again with bookbuild, which embeds every font it uses")


def _image_place(book: Book, coarsest: Measured | None) -> tuple[Place, str] | None:
    """The manuscript's image drawn at `coarsest` (the first of its size in pixels), with
    its place; None when none of the book's images has that size (the PDF keeps their pixels)."""
    if coarsest is None:
        return None
    for use in book.images:
        if use.path is None:
            continue
        try:
            with Image.open(use.path) as picture:
                size = f"{picture.width} x {picture.height} px"
        except (OSError, ValueError):       # an SVG, or a file the image checks report
            continue
        if size == coarsest.detail:
            return use.place, use.src
    return None


def _measures(facts: PrintFacts, printer: Profile, add: Add,
              image: Callable[[], tuple[Place, str] | None]) -> None:
    rule = printer.rule("min-type")
    if rule is not None and isinstance(rule.value, (int, float)) and facts.min_text is not None \
            and facts.min_text < rule.value - TYPE_TOLERANCE:
        add("print-type-size", rule, f"the smallest type is {facts.min_text:g} pt",
            f"set nothing smaller than {rule.value:g} pt (notes, captions, tables, superscripts)")
    rule = printer.rule("min-line")
    if rule is not None and isinstance(rule.value, (int, float)) and facts.min_line is not None \
            and facts.min_line.value < rule.value - LINE_TOLERANCE:
        line = facts.min_line
        add("print-line-weight", rule, f"a line {line.value:.2f} pt thick on page {line.page} of "
            "the PDF",
            f"draw rules and borders at least {rule.value:g} pt thick (a style's own rules; "
            "bookbuild's are drawn at the printer's weight when it is in book.yaml's delivery)")
    rule = printer.rule("min-tint")
    if rule is not None and isinstance(rule.value, (int, float)) and facts.min_tint is not None \
            and facts.min_tint.value < rule.value - TINT_TOLERANCE:
        tint = facts.min_tint
        add("print-tint", rule, f"a grey fill of {tint.value:.0f} % on page {tint.page} of the PDF",
            f"make grey fills at least {rule.value:g} % (lighter ones may not print at all), "
            "or white")
    rule = printer.rule("image-ppi")
    if rule is not None and isinstance(rule.value, (int, float)) \
            and facts.min_image_ppi is not None \
            and facts.min_image_ppi.value < rule.value * (1 - PPI_TOLERANCE):
        coarse, found = facts.min_image_ppi, image()
        what = f"{found[1]} ({coarse.detail})" if found else f"an image of {coarse.detail}"
        add("print-image-ppi", rule, f"{what} is printed at {coarse.value:.0f} ppi on page "
            f"{coarse.page} of the PDF",
            f"use an image of more pixels, or print it smaller: {rule.value:g} ppi at its size "
            "on the page")


__all__ = ["PDFX1A_FORMAT", "PRINT_CODES", "PrintFacts", "check_print", "most_pages"]
