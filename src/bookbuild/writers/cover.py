"""Write stage: the covers. The print cover wrap (`cover`, and `cover-proof` with its guides)
is a writer of its own; the ebook's cover is the manuscript's image or the same design's front,
rendered at 1600 x 2560 pixels (`bookbuild.cover`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book
from bookbuild.writers.base import WriteContext


@dataclass(frozen=True)
class Cover:
    data: bytes
    media_type: str
    name: str                   # its path inside the EPUB
    width: int
    height: int


def book_cover(book: Book) -> Cover:
    """The ebook's cover: the manuscript's image as it is, or the designed front."""
    path = book.config.cover_image
    if path is not None:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        media_type = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
        return Cover(data, media_type, f"images/cover{path.suffix.lower()}", width, height)
    from bookbuild.cover.write import EBOOK_PIXELS, ebook_cover_png
    return Cover(ebook_cover_png(book.config, ""), "image/png", "images/cover.png", *EBOOK_PIXELS)


class CoverWriter:
    """The print cover wrap: back, spine and front on one sheet with its bleed, PDF/X-4, sized
    from the interior's page count, the trim and the paper; `proof` adds the trim, folds, safe
    zones and barcode box in magenta, for checking by eye."""

    lays_out_pages = True       # a print edition: it runs beside the interior and after it

    def __init__(self, proof: bool = False) -> None:
        self.proof = proof
        self.name = "cover-proof" if proof else "cover"
        self.description = ("the cover wrap with its trim, folds and safe zones drawn" if proof
                            else "the print cover wrap (back, spine, front), PDF/X-4")
        self._written: dict[Path, object] = {}

    def target(self, book: Book, out: Path) -> Path:
        return out / f"{book.config.slug}-{self.name}.pdf"

    def write(self, book: Book, path: Path, context: WriteContext) -> None:
        from bookbuild.cover.write import write_cover
        self._written[path] = write_cover(book, path, context, self.proof)

    def verify(self, book: Book, path: Path) -> list[Diagnostic]:
        """The wrap read back: sheet and boxes, PDF/X, fonts, safe zones, the barcode decoded."""
        from bookbuild.cover.geometry import CoverGeometry
        from bookbuild.cover.readback import read_back_cover
        from bookbuild.cover.write import print_isbn
        shape = self._written.get(path)
        assert isinstance(shape, CoverGeometry)
        return read_back_cover(path, shape, print_isbn(book.config))
