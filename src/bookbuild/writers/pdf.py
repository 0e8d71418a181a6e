"""Write stage: the print edition, one HTML document laid out by WeasyPrint.

WeasyPrint may only read the project's styles and the manuscript folder: its URL fetcher refuses
everything else, so no edition can pull in an outside file or make a network request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit
from urllib.request import url2pathname

from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from bookbuild.model import Book
from bookbuild.render.templates import render
from bookbuild.render.view import EditionView
from bookbuild.resources import style_file, styles_dir
from bookbuild.writers.base import WriteContext
from bookbuild.writers.links import DocumentLinks

log = logging.getLogger("bookbuild.pdf")


class _WeasyLog(logging.Handler):
    """WeasyPrint's messages go to our debug log instead of the terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        log.debug("weasyprint: %s", record.getMessage())


for _name in ("weasyprint", "weasyprint.progress"):
    logging.getLogger(_name).addHandler(_WeasyLog())
    logging.getLogger(_name).propagate = False


class ConfinedFetcher(URLFetcher):
    """Fetches data: URLs and files under the given folders; refuses everything else."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"refused to read {path}: outside the manuscript and styles")
        elif not url.startswith("data:"):
            raise ValueError(f"refused to fetch {url}: editions never use the network")
        return super().fetch(url, headers)


@dataclass
class _ChapterHtml:
    title_text: str
    html: Markup


class PdfWriter:
    name: ClassVar[str] = "pdf"
    description: ClassVar[str] = "print-ready PDF"

    def target(self, book: Book, out: Path) -> Path:
        return out / f"{book.config.slug}.pdf"

    def write(self, book: Book, path: Path, context: WriteContext) -> None:
        view = EditionView(book, DocumentLinks(book), backlink="number")
        chapters = [_ChapterHtml(c.title_text, view.chapter_html(c)) for c in book.chapters]
        html = render("pdf/book.html", view=view, entries=view.contents(), chapters=chapters,
                      timestamp=context.iso)
        fetcher = ConfinedFetcher([styles_dir(), book.config.root])
        fonts = FontConfiguration()
        width, height = book.config.trim
        stylesheets = [
            CSS(filename=str(style_file("css", "print.css")), font_config=fonts, url_fetcher=fetcher),
            CSS(string=f"@page {{ size: {width} {height}; }}", font_config=fonts),
        ]
        document = HTML(string=html, base_url=book.config.root.as_uri() + "/", url_fetcher=fetcher)
        document.write_pdf(str(path), stylesheets=stylesheets, font_config=fonts)
