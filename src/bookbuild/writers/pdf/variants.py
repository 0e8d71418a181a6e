"""Write stage, PDF: the PDF variants, one table (WeasyPrint's habit for PDF variants).

`pdf` is for print on demand (KDP Print, Lulu): PDF/X-4, bleed only if the book asks for it, no
marks. `pdf-x1a` is the same pages as PDF/X-1a:2001 (PDF 1.3, CMYK only, nothing transparent),
which IngramSpark's File Creation Guide asks for. `proof` is for an offset printer: the same
pages with a bleed all round and crop marks in a slug around them. `reader-pdf` is for
readers, on a screen or through a screen reader: the same pages without bleed or marks, tagged
(PDF/UA-1 as WeasyPrint writes it, its running heads and folios artifacts) and in sRGB, since
no printer will see it.
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
    reader: bool = False        # for readers: tagged, sRGB, never a bleed, laid out in one pass
    pdf_version: str | None = None      # the PDF version written (None: the variant's own)
    flat: bool = False          # PDF/X-1a: CMYK images, nothing transparent (`flatten`)

    def bleed(self, asked: bool) -> bool:
        """Whether the pages have a bleed, when book.yaml asks for one or not (`asked`)."""
        return not self.reader and (self.always_bleed or asked)


VARIANTS: dict[str, Variant] = {
    "pdf": Variant("pdf", "", "print-ready PDF (PDF/X-4) for print on demand", False, False),
    "proof": Variant("proof", "-proof", "PDF with bleed and crop marks for offset printers", True, True),
    "reader-pdf": Variant("reader-pdf", "-reader", "tagged PDF (PDF/UA-1) in sRGB for readers",
                          False, False, pdf_variant="pdf/ua-1", reader=True),
    "pdf-x1a": Variant("pdf-x1a", "-x1a", "print-ready PDF/X-1a:2001 for IngramSpark", False,
                       False, pdf_variant="pdf/x-1a", pdf_version="1.3", flat=True),
}
