"""Write stage: the HTML edition, a folder a publisher can put on any web server.

An index page (title, contents, the edition's details), a page per chapter, the notes and the
bibliography, a search page, and every asset they need: nothing is fetched from elsewhere. The
pages read in order (previous/next), and each chapter page carries the text of its notes so that a
reader can open a note in place; without JavaScript a note call is a plain link to the note.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book, Chapter
from bookbuild.render.templates import render
from bookbuild.render.view import EditionView, NoteView
from bookbuild.writers.base import WriteContext
from bookbuild.writers.html.assets import copy_assets
from bookbuild.writers.html.describe import book_description, chapter_description, section_description
from bookbuild.writers.html.search import search_index
from bookbuild.writers.links import PageLinks, copy_images


@dataclass(frozen=True)
class Neighbour:
    href: str
    title: Markup


@dataclass(frozen=True)
class Page:
    """One page of the edition: its file name, its place in the reading order, its markup."""

    name: str
    title: Markup
    html: str = ""


class HtmlWriter:
    name = "html"
    description = "web edition (a folder of pages)"
    lays_out_pages = False

    def target(self, book: Book, out: Path) -> Path:
        return out / "html"

    def verify(self, book: Book, path: Path) -> list[Diagnostic]:
        """Read the edition back as `bookbuild verify` does: notes, calls, links, files, ids."""
        from bookbuild.verify import check_edition
        return check_edition(book, "HTML", path)

    def write(self, book: Book, path: Path, context: WriteContext) -> None:
        links = PageLinks(book, ".html")
        view = EditionView(book, links, web=True)
        path.mkdir(parents=True)
        pages = _reading_order(book, view, links)
        for index, page in enumerate(pages):
            previous = pages[index - 1] if index > 0 else None
            following = pages[index + 1] if index + 1 < len(pages) else None
            html = _render_page(view, links, page, _neighbour(previous), _neighbour(following))
            pages[index] = Page(page.name, page.title, html)
            (path / page.name).write_text(html, encoding="utf-8")
        search = render("html/search.html", view=view, previous=None, next=None,
                        description=section_description(book.config, "Search the text of"))
        (path / "search.html").write_text(search, encoding="utf-8")
        texts = [page.html for page in pages] + [search]
        copy_assets(path, "".join(texts), book.config)
        (path / "js" / "search-index.js").write_text(
            search_index([(page.name, page.title, page.html) for page in pages[1:]]),
            encoding="utf-8")
        copy_images(book, links.images, path)


def _reading_order(book: Book, view: EditionView, links: PageLinks) -> list[Page]:
    """The title page, the chapters, then the notes, the bibliography and the index (as the
    contents)."""
    pages = [Page("index.html", Markup("Title page and contents"))]
    pages += [Page(links.page(chapter.page), view.title(chapter.title)) for chapter in book.chapters]
    if book.notes and not view.notes_at_chapter_end:
        pages.append(Page(links.page("notes"), Markup("Notes")))
    if book.bibliography_blocks:
        pages.append(Page(links.page("bibliography"), Markup("Bibliography")))
    if book.index_marks:
        pages.append(Page(links.page("book-index"), Markup("Index")))
    return pages


def _neighbour(page: Page | None) -> Neighbour | None:
    return None if page is None else Neighbour(page.name, page.title)


def _render_page(view: EditionView, links: PageLinks, page: Page, previous: Neighbour | None,
                 following: Neighbour | None) -> str:
    config = view.config
    common = {"view": view, "previous": previous, "next": following}
    if page.name == "index.html":
        return render("html/index.html", entries=view.contents(),
                      description=book_description(config), **common)
    if page.name == links.page("notes"):
        return render("html/notes.html", description=section_description(config, "The notes to"),
                      **common)
    if page.name == links.page("bibliography"):
        return render("html/bibliography.html",
                      description=section_description(config, "The works cited in"), **common)
    if page.name == links.page("book-index"):
        return render("html/book-index.html",
                      description=section_description(config, "The index of"), **common)
    chapter = _chapter_of(view.book, page.name, links)
    return render("html/chapter.html", chapter=chapter, body=view.chapter_html(chapter),
                  previews=_previews(view, chapter),
                  description=chapter_description(config, chapter), **common)


def _chapter_of(book: Book, name: str, links: PageLinks) -> Chapter:
    return next(chapter for chapter in book.chapters if links.page(chapter.page) == name)


def _previews(view: EditionView, chapter: Chapter) -> list[NoteView]:
    """The chapter's notes, for reading in place, when they are printed on another page."""
    if view.notes_at_chapter_end:
        return []
    group = next((g for g in view.note_groups if g.chapter is chapter), None)
    return group.notes if group else []
