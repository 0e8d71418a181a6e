"""Write stage, PDF: lay out one part of the book (front matter, the text, the back matter) with
WeasyPrint, confined to the manuscript and the project's styles.

The parts are laid out separately and joined: the text first, so that the contents, the note
running heads ("Notes to pages 12-18") and the print page of every element are known exactly
before the parts that show them are laid out.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from bookbuild.fontset import fallback_faces_css, fallbacks, with_fallbacks
from bookbuild.model import Book
from bookbuild.progress import Progress
from bookbuild.render.templates import render
from bookbuild.render.view import EditionView
from bookbuild.resources import style_file, styles_dir
from bookbuild.typeset import STATS, optimal_line_breaking
from bookbuild.writers.pdf.geometry import Geometry
from bookbuild.writers.pdf.tagging import spaces_at_line_ends

log = logging.getLogger("bookbuild.pdf")


class _WeasyLog(logging.Handler):
    """WeasyPrint's messages go to our debug log; missing glyphs are kept for the preflight."""

    def __init__(self) -> None:
        super().__init__()
        self.missing_glyphs = 0
        self.on_page: Callable[[], None] | None = None     # told of every page laid out

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "weasyprint.progress":
            if self.on_page is not None and record.msg.startswith("Step 5 - Creating layout - Page"):
                self.on_page()
            return
        message = record.getMessage()
        if ".notdef" in message:
            self.missing_glyphs += 1
        log.debug("weasyprint: %s", message)


WEASY_LOG = _WeasyLog()
for _name in ("weasyprint", "weasyprint.progress"):
    logging.getLogger(_name).addHandler(WEASY_LOG)
    logging.getLogger(_name).propagate = False
logging.getLogger("weasyprint.progress").setLevel(logging.INFO)


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


def css_string(text: str) -> str:
    """`text` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


@dataclass
class PartRenderer:
    """Lays out the parts of one book with one geometry."""

    book: Book
    view: EditionView
    geometry: Geometry
    crop_marks: bool
    timestamp: str
    progress: Progress | None = None
    reader: bool = False        # the reader PDF: in sRGB (reader.css), not in CMYK

    def __post_init__(self) -> None:
        self.fetcher = ConfinedFetcher([styles_dir(), self.book.config.root])
        self.fonts = FontConfiguration()
        self.colour_profiles: dict[str, object] = {}     # filled by print.css's @color-profile
        # The running heads are strings each chapter sets (print.css, layout.running_heads).
        self.base_css = self.geometry.page_css()
        # book.yaml's fallback fonts follow the style's faces in every font-family list.
        sheet = style_file("css", "print.css")
        config = self.book.config
        faces = fallback_faces_css(config, {f.file_name: f'url("{f.path.as_uri()}")'
                                            for f in fallbacks(config)})
        # The reader PDF's colours are sRGB (reader.css, after print.css): print.css's CMYK
        # profile is read into a table of its own, so that it is neither embedded nor the
        # output intent.
        profiles: dict[str, object] = {} if self.reader else self.colour_profiles
        # What the stylesheets say besides the styles' files, for the layout cache's keys.
        self.css_text = with_fallbacks(sheet.read_text(encoding="utf-8"), config) + faces
        self.print_css = CSS(string=self.css_text,
                             base_url=sheet.as_uri(), font_config=self.fonts,
                             url_fetcher=self.fetcher, color_profiles=profiles)
        self.stylesheets = [self.print_css]
        if self.reader:
            screen = style_file("css", "reader.css")
            self.stylesheets.append(CSS(filename=str(screen), font_config=self.fonts,
                                        url_fetcher=self.fetcher))

    def release(self) -> None:
        """Remove the folder where WeasyPrint keeps the fonts of @font-face rules (3-8 MB a
        layout): WeasyPrint removes it when its font configuration is collected, which never
        happens in a forked process that ends with os._exit."""
        folder = getattr(self.fonts, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def render(self, template: str, first_folio: int = 1, **context: object) -> Document:
        return self.lay_out(self.html(template, **context), first_folio)

    def html(self, template: str, **context: object) -> str:
        """The page WeasyPrint reads for `template`: what a piece's layout is keyed by."""
        return render(template, view=self.view, timestamp=self.timestamp, **context)

    def lay_out(self, html: str, first_folio: int = 1) -> Document:
        extra = self.base_css + f"@page :first {{ counter-reset: page {first_folio}; }}\n"
        stylesheets = [*self.stylesheets, CSS(string=extra, font_config=self.fonts)]
        document = HTML(string=html, base_url=self.book.config.root.as_uri() + "/",
                        url_fetcher=self.fetcher)
        WEASY_LOG.on_page = self.progress.page_laid_out if self.progress else None
        try:
            with optimal_line_breaking(), spaces_at_line_ends() if self.reader else nullcontext():
                return document.render(stylesheets=stylesheets, font_config=self.fonts,
                                       color_profiles=self.colour_profiles)
        finally:
            WEASY_LOG.on_page = None
            log.debug("line breaking: %s", dict(sorted(STATS.items())))
