"""Cover stage, step 5: the written wrap read back as a printer reads it.

Its sheet against the geometry (MediaBox = BleedBox = the whole sheet; TrimBox = the sheet less
the bleed), PDF/X with an output intent, every font embedded, no character within the safe
distance of the trim or of a fold (the spine's text: within the spine, clear of the folds by the
printer's clearance), and the barcode decoded back (zxing-cpp, from the page drawn at 600 ppi)
to the ISBN it was made from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from bookbuild.cover.geometry import CoverGeometry
from bookbuild.diagnostics import Diagnostic, Place, Severity
from bookbuild.preflight.resources import embedded, pdfx_intent

TOLERANCE = 0.5                 # pt
Add = Callable[[str, str], None]     # a finding: its code and message
CODES = {"cover-size": Severity.ERROR, "cover-boxes": Severity.ERROR,
         "cover-not-pdfx": Severity.ERROR, "cover-font": Severity.ERROR,
         "cover-safe-zone": Severity.ERROR, "cover-barcode": Severity.ERROR}


def read_back_cover(path: Path, shape: CoverGeometry, isbn: str | None) -> list[Diagnostic]:
    """What is wrong with the wrap at `path`, made for `shape` and `isbn` (none: no barcode)."""
    found: list[Diagnostic] = []

    def add(code: str, message: str) -> None:
        found.append(Diagnostic(code, CODES[code], message, Place(path.name)))

    reader = PdfReader(str(path))
    if len(reader.pages) != 1:
        add("cover-size", f"the cover has {len(reader.pages)} pages; a wrap is one sheet")
        return found
    page = reader.pages[0]
    width, height = shape.sheet
    media = [float(v) for v in page.mediabox]
    if abs(media[2] - media[0] - width) > TOLERANCE or abs(media[3] - media[1] - height) > TOLERANCE:
        add("cover-size", f"the sheet is {(media[2] - media[0]) / 72:.3f} x "
            f"{(media[3] - media[1]) / 72:.3f} in; bleed + back + spine + front + bleed is "
            f"{width / 72:.3f} x {height / 72:.3f} in")
    trim = [float(v) for v in page.trimbox]
    bleed = [float(v) for v in page.bleedbox]
    expected_trim = [media[0] + shape.bleed, media[1] + shape.bleed, media[2] - shape.bleed,
                     media[3] - shape.bleed]
    if any(abs(a - b) > TOLERANCE for a, b in zip(trim, expected_trim, strict=True)) \
            or any(abs(a - b) > TOLERANCE for a, b in zip(bleed, media, strict=True)):
        add("cover-boxes", "the TrimBox is not the sheet less its bleed, or the BleedBox not "
            "the sheet")
    _pdfx(reader, add)
    _fonts(reader, add)
    _safe_zones(path, shape, media, add)
    if isbn:
        _barcode(path, isbn, add)
    return found


def _pdfx(reader: PdfReader, add: Add) -> None:
    if not pdfx_intent(reader.trailer["/Root"]):
        add("cover-not-pdfx", "no PDF/X output intent with a CMYK profile")


def _fonts(reader: PdfReader, add: Add) -> None:
    resources = reader.pages[0].get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    for reference in (fonts.get_object().values() if fonts is not None else ()):
        font: Any = reference.get_object()
        if not embedded(font):
            add("cover-font", f"the font {font.get('/BaseFont')} is not embedded")


def _safe_zones(path: Path, shape: CoverGeometry, media: list[float], add: Add) -> None:
    """Every character clear of the trim and the folds: by the safe distance on the covers,
    by the clearance on the spine, whose text stays within it."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        text = document[0].get_textpage()
        left_fold, right_fold = shape.folds
        top = media[3] - shape.bleed                      # PDF y grows upward
        bottom = media[1] + shape.bleed
        trim_left, trim_right = media[0] + shape.bleed, media[2] - shape.bleed
        faults: list[str] = []
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if not char.strip():
                continue
            x0, y0, x1, y1 = text.get_charbox(index)
            on_spine = x0 >= left_fold - 0.01 and x1 <= right_fold + 0.01
            side = shape.spine_clearance if on_spine else shape.safety
            edges = [x0 - trim_left, trim_right - x1, y0 - bottom, top - y1]
            if on_spine:
                edges += [x0 - left_fold, right_fold - x1]
            else:
                edges += [abs(x) for x in (x0 - left_fold, x1 - left_fold, x0 - right_fold,
                                            x1 - right_fold)]
                if x0 < left_fold < x1 or x0 < right_fold < x1:
                    edges.append(0.0)                     # across a fold
            limits = [shape.safety, shape.safety, shape.safety, shape.safety] + [side] * (len(edges) - 4)
            if any(edge < limit - TOLERANCE for edge, limit in zip(edges, limits, strict=True)):
                faults.append(char)
        if faults:
            add("cover-safe-zone", f"{len(faults)} characters (“{''.join(faults[:20])}”) stand "
                f"within {shape.safety / 72:.3f} in of the trim or a fold, where the knife or the "
                "fold may cut them: shorten the text or the title")
    finally:
        document.close()


def _barcode(path: Path, isbn: str, add: Add) -> None:
    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[0].render(scale=600 / 72).to_pil().convert("L")
    finally:
        document.close()
    read = [result.text for result in zxingcpp.read_barcodes(image)
            if result.format == zxingcpp.BarcodeFormat.EAN13]
    if read != [isbn]:
        add("cover-barcode", f"the barcode reads {read or 'as nothing'}, not the ISBN {isbn}")
