"""Write stage, PDF: the print edition (PDF/X for printers), its proof variant, and the reader
PDF (tagged, PDF/UA-1, in sRGB).

The writer is a thin front: the layout (`layout`) and the preflight load WeasyPrint and pypdf
only when a PDF is actually written or checked, so that `check`, `serve` and the screen editions
start quickly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book
from bookbuild.writers.base import WriteContext
from bookbuild.writers.pdf.variants import VARIANTS, Variant

if TYPE_CHECKING:
    from bookbuild.preflight import Report as PreflightReport


class PdfWriter:
    lays_out_pages = True

    def __init__(self, variant: Variant = VARIANTS["pdf"]) -> None:
        self.variant = variant
        self.name = variant.name
        self.description = variant.description

    def target(self, book: Book, out: Path) -> Path:
        return out / f"{book.config.slug}{self.variant.suffix}.pdf"

    def write(self, book: Book, path: Path, context: WriteContext) -> None:
        from bookbuild.writers.pdf.layout import write_pdf
        write_pdf(book, path, context, self.variant)

    def verify(self, book: Book, path: Path) -> list[Diagnostic]:
        """The preflight (the finished file read back as a printer would), then the notes read
        back as `bookbuild verify` does: every note, its number, text and links both ways. The
        reader PDF's structure tree is read back instead of the preflight."""
        from bookbuild.checks.glyphs import place_of_character
        from bookbuild.preflight import preflight
        from bookbuild.verify import check_edition
        if self.variant.reader:
            # Not for a printer: no preflight. Read as a screen reader reads it instead.
            from bookbuild.verify import READER_PDF
            from bookbuild.verify.tagged import check_reader_pdf
            return check_reader_pdf(book, path) + check_edition(book, READER_PDF, path)
        report = preflight(path, book.config, expect_bleed=self.variant.always_bleed or None,
                           crop_marks=self.variant.crop_marks,
                           locate=lambda char: place_of_character(book, char),
                           flat=self.variant.flat)
        return (report.findings + self._delivery(book, path, report)
                + check_edition(book, "PDF", path, links=not self.variant.flat))

    def _delivery(self, book: Book, path: Path, report: PreflightReport) -> list[Diagnostic]:
        """The printers' rules (book.yaml's `delivery`), for the printers this file is for: the
        print-on-demand file (not the offset proof), held to each printer that takes its PDF/X
        flavour; a printer that takes only PDF/X-1a gets the `pdf-x1a` edition, built for it
        by default (`editions.formats_for`)."""
        from bookbuild.delivery import print_profiles
        from bookbuild.delivery.printed import check_print, takes
        from bookbuild.preflight import print_facts, text_margin
        if self.variant.crop_marks:
            return []
        printers = [p for p in print_profiles(book.config) if takes(p, report.pdfx)]
        margin = text_margin(path) if any(p.rule("min-margin") for p in printers) else None
        return check_print(book, print_facts(report, margin), printers)
