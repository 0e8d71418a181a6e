"""Write stage, EPUB: the HTML pages plus packaging (Sphinx's rule), assembled with ebooklib.

`documents` renders the content and navigation documents, `metadata` describes the book (EPUB
Accessibility 1.1 included), `package` makes the zip reproducible. Fonts are subset to what the
book uses; the cover is the manuscript's own or one made from the title.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ebooklib import epub

from bookbuild.diagnostics import Diagnostic
from bookbuild.fontset import fallback_faces_css, fallbacks, with_fallbacks
from bookbuild.model import Book
from bookbuild.render.view import EditionView
from bookbuild.resources import style_file
from bookbuild.writers.base import WriteContext
from bookbuild.writers.cover import book_cover
from bookbuild.writers.epub.documents import documents, landmarks, nav_document, ncx_document, page_list
from bookbuild.writers.epub.metadata import book_identifier, describe
from bookbuild.writers.epub.package import reproducible_zip
from bookbuild.writers.fonts import code_text, font_faces_css, subset_fonts
from bookbuild.writers.links import PageLinks

XHTML = "application/xhtml+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STYLESHEETS = ("fonts.css", "book.css")
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


class EpubWriter:
    name = "epub"
    description = "EPUB 3 for reading systems"
    lays_out_pages = False

    def target(self, book: Book, out: Path) -> Path:
        return out / f"{book.config.slug}.epub"

    def verify(self, book: Book, path: Path) -> list[Diagnostic]:
        """Read the edition back as `bookbuild verify` does: notes, calls, links, files, ids;
        then as each store the book is delivered to reads it (`delivery.ebook`)."""
        from bookbuild.delivery.ebook import check_epub
        from bookbuild.verify import check_edition
        return check_edition(book, "EPUB", path) + check_epub(book, path)

    def write(self, book: Book, path: Path, context: WriteContext) -> None:
        links = PageLinks(book, ".xhtml")
        view = EditionView(book, links, epub=True)
        cover = book_cover(book)
        package = epub.EpubBook()
        pages = page_list(book, links)
        describe(package, book, cover_id="cover-image", has_page_list=bool(pages))

        spine: list[epub.EpubItem] = []
        text: list[str] = []
        for document in documents(book, view, links, cover):
            item = _item(document.uid, document.name, XHTML, document.xhtml.encode())
            package.add_item(item)
            spine.append(item)
            text.append(document.xhtml)
        entries = view.contents()
        nav = _item("nav", "nav.xhtml", XHTML,
                    nav_document(view, entries, landmarks(book, links), pages).encode(), ["nav"])
        package.add_item(nav)
        spine.insert(3, nav)                       # the contents page follows the copyright page
        package.add_item(_item("ncx", "toc.ncx", "application/x-dtbncx+xml",
                               ncx_document(view, entries, book_identifier(book)).encode()))
        package.add_item(_item("cover-image", cover.name, cover.media_type, cover.data, ["cover-image"]))
        self._assets(package, book, links, "".join(text))
        package.spine = spine

        raw = io.BytesIO()
        writer = _Writer(raw, package, {"epub2_guide": False, "epub3_landmark": False,
                                        "mtime": context.datetime.replace(tzinfo=None)})
        writer.process()
        writer.write()
        path.write_bytes(reproducible_zip(raw.getvalue(), context.datetime))

    def _assets(self, package: epub.EpubBook, book: Book, links: PageLinks, text: str) -> None:
        fonts = subset_fonts(text, fallbacks(book.config), code=code_text(text))
        for number, (name, data) in enumerate(sorted(fonts.items()), start=1):
            media_type = "font/otf" if name.endswith(".otf") else "font/ttf"
            package.add_item(_item(f"font-{number}", f"fonts/{name}", media_type, data))
        for name in STYLESHEETS:
            css = with_fallbacks(style_file("css", name).read_text(encoding="utf-8"), book.config)
            if name == "fonts.css":
                css = font_faces_css(css, set(fonts)) + fallback_faces_css(book.config, {
                    name: f'url("../fonts/{name}")' for name in fonts})
            package.add_item(_item(f"css-{Path(name).stem}", f"css/{name}", "text/css", css.encode()))
        added: set[str] = set()
        for number, image in enumerate(book.images, start=1):
            href = links.images.get(image.src)
            if image.path is None or not image.path.is_file() or not href or href in added:
                continue
            added.add(href)
            media_type = IMAGE_TYPES.get(image.path.suffix.lower(), "application/octet-stream")
            package.add_item(_item(f"image-{number}", href, media_type, image.path.read_bytes()))


class _Writer(epub.EpubWriter):
    """ebooklib's writer, with the book's language on the package document: its metadata
    (titles, names, the accessibility summary) is in that language too, and without
    `xml:lang` a reading system cannot know it (EPUB 3.3, 5.4.1.1; Ace's epub-lang)."""

    def _write_opf_file(self, root: Any) -> None:
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)


def _item(uid: str, name: str, media_type: str, content: bytes,
          properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=name, media_type=media_type, content=content)
    if properties:
        item.properties = properties
    return item
