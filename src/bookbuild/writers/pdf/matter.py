"""Write stage, PDF: the front and back matter of a book laid out in gatherings, laid out again
only when what they show changed.

The back matter (the notes with their running heads "Notes to pages 12-18", the bibliography)
depends on the notes' text and on the folio of every note call; the front matter (the contents)
on the chapters' titles and first folios. Each is keyed by the HTML it is laid out from (for the
back matter: before the running heads, with the call folios and its first folio, from which the
heads follow) and taken from the build cache when that key is there (`reuse`). Each piece laid
out here has a renderer of its own, so that it is laid out the same way whatever else was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from weasyprint import Document

from bookbuild.model import Book
from bookbuild.writers.pdf.layout import (
    contents_entries,
    folio_of,
    front_folios,
    front_html,
    has_back_matter,
    index_folios,
    lay_out_back,
    lay_out_front,
    note_calls,
)
from bookbuild.writers.pdf.pages import PartPages, read_pages
from bookbuild.writers.pdf.parts import PartRenderer
from bookbuild.writers.pdf.retype import retype_page_refs
from bookbuild.writers.pdf.reuse import Laid, LayoutCache

# Writes a piece's document to a path (a pad page after an odd count); the names it stands in for.
WritePiece = Callable[[Document, PartRenderer, Path], set[str]]


@dataclass
class Piece:
    """The front or the back matter: laid out in this build, or its pages and PDF cached."""

    key: str
    first_folio: int
    laid: Laid = field(default_factory=lambda: Laid(PartPages(count=0)))
    document: Document | None = None           # laid out in this build
    renderer: PartRenderer | None = None       # the one it was laid out with
    data: bytes | None = None                  # its PDF, from the cache
    unresolved: set[str] = field(default_factory=set)   # page references it prints wrong

    @property
    def reused(self) -> bool:
        return self.document is None

    @property
    def stand_ins(self) -> set[str]:
        return self.laid.stand_ins

    def write(self, path: Path, layouts: LayoutCache, write: WritePiece) -> None:
        if self.data is not None:
            path.write_bytes(self.data)
            return
        if self.document is None or self.renderer is None:
            return                              # no such matter in this book
        try:
            self.laid.stand_ins = write(self.document, self.renderer, path)
        finally:
            self.renderer.release()
        if path.exists():
            layouts.keep_laid(self.key, self.laid)
            if not self.unresolved:             # what the cache serves is set right
                layouts.keep_written(self.key, self.first_folio, path)


@dataclass
class Matter:
    front: Piece
    back: Piece
    back_folios: list[str]

    @property
    def front_folios(self) -> list[str]:
        return front_folios(self.front.laid.pages.count)

    @property
    def count(self) -> int:
        """The book's page count, a blank page closing an odd back matter."""
        back = len(self.back_folios)
        return len(self.front_folios) + self.back.first_folio - 1 + back + back % 2

    def folios(self, text_folios: list[str]) -> list[str]:
        back = self.back_folios
        return self.front_folios + text_folios + back + ([""] if back and len(back) % 2 else [])

    def write(self, front: Path, back: Path, layouts: LayoutCache, write: WritePiece) -> None:
        self.front.write(front, layouts, write)
        self.back.write(back, layouts, write)


def matter_pieces(book: Book, renderer: PartRenderer, layouts: LayoutCache,
                  text_pages: PartPages, text_folios: list[str]) -> Matter:
    """The back matter, then the front matter, each from the cache or laid out."""
    back = _back(book, renderer, layouts, text_pages, text_folios)
    back_folios = [str(back.first_folio + i) for i in range(back.laid.pages.count)]
    entries = contents_entries(book, renderer.view, text_pages, text_folios, back.laid.pages,
                               back_folios)
    html = front_html(book, renderer, entries, copyright_flows=False)
    front = _cached(layouts, layouts.key(html, book.config.root), 1)
    if front is None:
        own = _fresh(renderer)
        document = lay_out_front(own, html, entries)
        front = Piece(layouts.key(html, book.config.root), 1, Laid(read_pages(document)),
                      document, own)
    return Matter(front, back, back_folios)


def _back(book: Book, renderer: PartRenderer, layouts: LayoutCache, text_pages: PartPages,
          text_folios: list[str]) -> Piece:
    start = len(text_folios) + 1
    if not has_back_matter(book, renderer.view):
        return Piece("", start)
    calls = note_calls(book, text_pages, text_folios)
    folios = index_folios(book, text_pages, text_folios)
    # The notes' page references: to the text (set again in their boxes once laid out).
    shown = {target: folio for target in sorted({ref.target for ref in book.crossrefs if ref.page})
             if (folio := folio_of(text_pages, target, text_folios))}
    draft = renderer.html("pdf/back.html", heads={}, folios=folios)
    key = layouts.key(draft, book.config.root, str(start), repr(sorted(calls.items())),
                      repr(shown))
    cached = _cached(layouts, key, start)
    if cached is not None:
        return cached
    own = _fresh(renderer)
    document = lay_out_back(own, draft, book, calls, start, folios)
    unresolved = retype_page_refs(document.pages, shown) if book.has_page_refs else set()
    return Piece(key, start, Laid(read_pages(document)), document, own, unresolved=unresolved)


def _cached(layouts: LayoutCache, key: str, first_folio: int) -> Piece | None:
    laid = layouts.laid(key)
    data = layouts.written(key, first_folio) if laid is not None else None
    if laid is None or data is None:
        return None
    return Piece(key, first_folio, laid, data=data)


def _fresh(renderer: PartRenderer) -> PartRenderer:
    return PartRenderer(renderer.book, renderer.view, renderer.geometry, renderer.crop_marks,
                        renderer.timestamp, renderer.progress)
