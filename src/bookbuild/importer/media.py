"""Import, writing stage: the document's images go to images/, named from their descriptions.

Each image's bytes come from the document (the .docx or .odt package, or files beside a web
page); nothing is fetched from the web. The description (alt text) is kept; the file is named
from it. What every edition can show (PNG, JPEG, GIF, WebP, safe SVG) is written as it is; TIFF
and BMP are converted to PNG; anything else (a Word drawing in EMF or WMF, an image on the web)
leaves the text and is reported at its place, with what to do.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from bookbuild.ast import Node
from bookbuild.importer.document import Media
from bookbuild.importer.report import Collector
from bookbuild.importer.tree import map_lists, plain, slug
from bookbuild.model.imagefiles import image_problem

IMAGES = "images"
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF8", "gif"),
          (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"BM", "bmp"),
          (b"\x01\x00\x00\x00", "emf"), (b"\xd7\xcd\xc6\x9a", "wmf"), (b"%PDF", "pdf"))
_CONVERTIBLE = frozenset({"tiff", "bmp"})


def sniff(data: bytes) -> str:
    """The file's kind by its first bytes: png, jpg, gif, webp, svg, tiff, bmp, emf, wmf, pdf
    or bin."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] in (b"<?xml", b"<svg ", b"<svg>", b"<!--"):
        return "svg"
    return "bin"


def write_images(blocks: list[Node], media: Media, folder: Path, collector: Collector) -> list[Node]:
    """`blocks` with every image written to folder/images and pointing there (or taken out and
    reported)."""
    written: dict[str, str] = {}        # hash of the bytes -> name in the manuscript

    def place(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for inline in items:
            if inline["t"] != "Image":
                out.append(inline)
                continue
            name = _image(inline, media, folder, written, collector)
            if isinstance(name, str):
                inline["c"][2] = [name, inline["c"][2][1]]
                out.append(inline)
            else:
                out.append(name)        # the marker of the report item that says why
        return out

    result: list[Node] = map_lists(blocks, inlines=place)
    return result


def _image(image: Node, media: Media, folder: Path, written: dict[str, str],
           collector: Collector) -> str | Node:
    """The image's name in the manuscript, or a report marker where it was."""
    address, description = image["c"][2][0], plain(image["c"][1])
    shown = f"“{description}”" if description else "(no description)"
    data = media(address)
    if data is None:
        where = "on the web" if re.match(r"^(?:https?:)?//", address) else "not in the document"
        return collector.mark("image-missing", f"the image {shown} is {where} ({address[:120]}) "
                              "and was not fetched: save it into images/ and put "
                              f"![{description}](images/NAME) back here")
    kind = sniff(data)
    if kind in _CONVERTIBLE:
        converted = _to_png(data)
        if converted is not None:
            collector.count(f"{kind.upper()} image converted to PNG")
            data, kind = converted, "png"
    digest = hashlib.sha256(data).hexdigest()
    if digest in written:
        return written[digest]
    name = _unique_name(slug(description, 5) or "image", kind, folder)
    path = folder / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    problem = image_problem(path, name)
    if problem is not None:
        return collector.mark("image-format", f"the image {shown} could not go into the text: "
                              f"{problem.message}; the original is saved as {name}")
    written[digest] = name
    return name


def _unique_name(base: str, kind: str, folder: Path) -> str:
    name, count = f"{IMAGES}/{base}.{kind}", 1
    while (folder / name).exists():
        count += 1
        name = f"{IMAGES}/{base}-{count}.{kind}"
    return name


def _to_png(data: bytes) -> bytes | None:
    try:
        from PIL import Image  # WeasyPrint's own dependency
        with Image.open(io.BytesIO(data)) as picture:
            out = io.BytesIO()
            picture.save(out, "PNG")
            return out.getvalue()
    except Exception:           # any failure leaves the file as it was, reported
        return None
