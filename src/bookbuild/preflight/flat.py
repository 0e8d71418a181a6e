"""Preflight stage: a PDF/X-1a file read back for what PDF/X-1a:2001 forbids (ISO 15930-1).

PDF 1.3 (its header); every image in DeviceCMYK or DeviceGray, none with a soft mask; no
transparency group, no graphics state that makes anything transparent; no annotation on a page
(links included); the document named PDF/X-1a:2001 in its information dictionary.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader

ALLOWED_IMAGE_SPACES = ("/DeviceCMYK", "/DeviceGray")


def flat_problems(reader: PdfReader) -> Iterator[str]:
    """What in the file is not PDF/X-1a:2001, one sentence each."""
    if not reader.pdf_header.startswith("%PDF-1.3"):
        yield f"the file is {reader.pdf_header[1:]}; PDF/X-1a:2001 is PDF 1.3"
    info: Any = reader.trailer.get("/Info")
    version = info.get_object().get("/GTS_PDFXVersion") if info is not None else None
    if version != "PDF/X-1a:2001":
        yield f"the file names itself {version or 'no PDF/X version'}, not PDF/X-1a:2001"
    seen: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        if "/Annots" in page:
            yield f"page {number} has annotations (links): PDF/X-1a allows none on the page"
        if "/Group" in page:
            yield f"page {number} has a transparency group"
        yield from _resources(page.get("/Resources"), number, seen)


def _resources(resources: Any, number: int, seen: set[int]) -> Iterator[str]:
    if resources is None:
        return
    resources = resources.get_object()
    for state in (resources.get("/ExtGState") or {}).values():
        state = state.get_object()
        if float(state.get("/ca", 1)) < 1 or float(state.get("/CA", 1)) < 1 or \
                state.get("/SMask", "/None") != "/None":
            yield f"page {number} draws something transparent (a graphics state with alpha)"
    for reference in (resources.get("/XObject") or {}).values():
        key = getattr(reference, "idnum", id(reference))
        if key in seen:
            continue
        seen.add(key)
        xobject = reference.get_object()
        if xobject.get("/Subtype") == "/Image":
            space = xobject.get("/ColorSpace")
            if space not in ALLOWED_IMAGE_SPACES:
                yield f"an image on page {number} is in {space}, not CMYK or grey"
            if "/SMask" in xobject:
                yield f"an image on page {number} has a soft mask (transparency)"
        elif xobject.get("/Subtype") == "/Form":
            if "/Group" in xobject:
                yield f"a form on page {number} has a transparency group"
            yield from _resources(xobject.get("/Resources"), number, seen)
