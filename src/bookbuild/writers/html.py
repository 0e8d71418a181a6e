"""Write stage: the HTML edition, a folder with an index page, a page per chapter, the notes and
the bibliography, and every asset it needs (nothing is fetched from elsewhere)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book
from bookbuild.render.templates import render
from bookbuild.render.view import EditionView
from bookbuild.resources import style_file
from bookbuild.writers.base import WriteContext
from bookbuild.writers.links import PageLinks, copy_images

STYLESHEETS = ("fonts.css", "book.css", "html.css")


class HtmlWriter:
    name = "html"
    description = "web edition (a folder of pages)"

    def target(self, book: Book, out: Path) -> Path:
        return out / "html"

    def verify(self, book: Book, path: Path) -> list[Diagnostic]:
        return []

    def write(self, book: Book, path: Path, context: WriteContext) -> None:
        links = PageLinks(book, ".html")
        view = EditionView(book, links)
        path.mkdir(parents=True)
        entries = view.contents()
        _write(path / "index.html", render("html/index.html", view=view, entries=entries))
        for chapter in book.chapters:
            previous = entries[chapter.index - 1] if chapter.index > 0 else None
            following = entries[chapter.index + 1] if chapter.index + 1 < len(entries) else None
            _write(path / links.page(chapter.page), render(
                "html/chapter.html", view=view, chapter=chapter, body=view.chapter_html(chapter),
                previous=previous, next=following))
        if book.notes and not view.notes_at_chapter_end:
            _write(path / links.page("notes"), render("html/notes.html", view=view))
        if book.bibliography_blocks:
            _write(path / links.page("bibliography"), render("html/bibliography.html", view=view))
        copy_assets(path, STYLESHEETS)
        copy_images(book, links.images, path)


def copy_assets(root: Path, stylesheets: tuple[str, ...]) -> None:
    """The stylesheets and the fonts they use, under css/ and fonts/."""
    (root / "css").mkdir(exist_ok=True)
    for name in stylesheets:
        shutil.copyfile(style_file("css", name), root / "css" / name)
    (root / "fonts").mkdir(exist_ok=True)
    for font in sorted(style_file("fonts").glob("*.ttf")):
        shutil.copyfile(font, root / "fonts" / font.name)


def _write(path: Path, content: str) -> None:
    path.write_text(content, encoding="utf-8")
