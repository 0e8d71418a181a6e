"""Write stage, PDF: the print variants, one table (WeasyPrint's habit for PDF variants).

`pdf` is for print on demand (KDP Print, IngramSpark, Lulu): PDF/X-4, bleed only if the book
asks for it, no marks. `proof` is for an offset printer: the same pages with a bleed all round and
crop marks in a slug around them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    name: str                   # the edition name, as given to --format
    suffix: str                 # added to the file name: <slug><suffix>.pdf
    description: str
    crop_marks: bool
    always_bleed: bool          # a bleed whatever book.yaml says
    pdf_variant: str = "pdf/x-4"


VARIANTS: dict[str, Variant] = {
    "pdf": Variant("pdf", "", "print-ready PDF (PDF/X-4) for print on demand", False, False),
    "proof": Variant("proof", "-proof", "PDF with bleed and crop marks for offset printers", True, True),
}
