"""Write stage, PDF: the PDF/X-1a variant, for printers that take nothing newer (IngramSpark).

PDF/X-1a:2001 (ISO 15930-1) is PDF 1.3 with every colour in CMYK (or grey) and nothing
transparent: so every RGB image is converted to CMYK through the book's own CMYK profile (the
output intent's: `styles/icc`, relative colorimetric, as a RIP would), an image's alpha
channel is flattened onto white paper, and transparency groups and link annotations (a printer
needs no links; PDF/X forbids annotations on the page) are left out. WeasyPrint writes the file
as PDF/X-1a:2003 in PDF 1.4; what it writes is within PDF 1.3 once flattened, so the file is
written as PDF 1.3 and named PDF/X-1a:2001, the version IngramSpark's File Creation Guide asks
for. The preflight reads back every one of these properties (`preflight.flat`).
"""

from __future__ import annotations

import io
import re
import zlib
from functools import cache
from typing import Any

import pydyf
from PIL import Image, ImageCms
from pypdf.filters import FlateDecode
from pypdf.generic import DictionaryObject, NameObject, NumberObject

from bookbuild.resources import style_file

X1A = "PDF/X-1a:2001"
_WEASY_X1A = "PDF/X-1a:2003"


def flatten(pdf: pydyf.PDF) -> None:
    """Make the PDF's content PDF/X-1a: CMYK images without alpha, no transparency groups, no
    annotations, and name it PDF/X-1a:2001."""
    for obj in pdf.objects:
        if not isinstance(obj, (pydyf.Stream, pydyf.Dictionary)):
            continue
        extra = obj.extra if isinstance(obj, pydyf.Stream) else obj
        if isinstance(obj, pydyf.Stream) and extra.get("Subtype") == "/Image":
            _to_cmyk(obj, pdf)
        extra.pop("Group", None)
        if extra.get("Type") == "/Page":
            extra.pop("Annots", None)
    for key in ("GTS_PDFXVersion", "GTS_PDFXConformance"):
        if key in pdf.info:
            pdf.info[key] = pydyf.String(X1A)
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [part.replace(_WEASY_X1A.encode(), X1A.encode()) for part in obj.stream]


def _to_cmyk(image: pydyf.Stream, pdf: pydyf.PDF) -> None:
    """An RGB image (with its soft mask) as CMYK on white; grey and CMYK images stay."""
    if image.extra.get("ColorSpace") != "/DeviceRGB":
        return
    picture = _decode(image, "RGB")
    mask_reference = image.extra.pop("SMask", None)
    if mask_reference is not None:
        mask = _decode(_object(pdf, mask_reference), "L")
        white = Image.new("RGB", picture.size, (255, 255, 255))
        picture = Image.composite(picture, white, mask)
    cmyk = ImageCms.applyTransform(picture, _transform())
    assert cmyk is not None
    image.stream = [zlib.compress(cmyk.tobytes(), 9)]
    for key in ("DecodeParms", "Decode", "Interpolate"):
        image.extra.pop(key, None)
    image.extra.update({"Filter": "/FlateDecode", "ColorSpace": "/DeviceCMYK",
                        "BitsPerComponent": 8, "Length": len(image.stream[0])})


def _decode(stream: pydyf.Stream, mode: str) -> Image.Image:
    """The pixels of an image XObject as WeasyPrint writes them: JPEG (DCTDecode) or
    Flate-compressed samples, perhaps with PNG predictors (read with pypdf's filter)."""
    # WeasyPrint keeps an image's bytes in a lazy object (its `data`) until the file is written.
    data = b"".join(part if isinstance(part, bytes) else part.data for part in stream.stream)
    width, height = int(stream.extra["Width"]), int(stream.extra["Height"])
    if stream.extra.get("Filter") == "/DCTDecode":
        return Image.open(io.BytesIO(data)).convert(mode)
    params = stream.extra.get("DecodeParms")
    raw = FlateDecode.decode(data, _params(params)) if params else zlib.decompress(data)
    return Image.frombytes(mode, (width, height), raw)


def _params(params: Any) -> DictionaryObject:
    return DictionaryObject({NameObject(f"/{key}"): NumberObject(int(value))
                             for key, value in dict(params).items()})


def _object(pdf: pydyf.PDF, reference: Any) -> pydyf.Stream:
    if isinstance(reference, pydyf.Stream):
        return reference
    number = int(re.match(rb"(\d+)", reference if isinstance(reference, bytes)
                          else str(reference).encode()).group(1))      # type: ignore[union-attr]
    found = pdf.objects[number]
    assert isinstance(found, pydyf.Stream)
    return found


@cache
def _transform() -> ImageCms.ImageCmsTransform:
    """sRGB to the book's CMYK (the output intent's profile), relative colorimetric."""
    cmyk = ImageCms.getOpenProfile(str(style_file("icc", "bookbuild-cmyk-tr001.icc")))
    srgb = ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
