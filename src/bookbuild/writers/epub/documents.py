"""Write stage, EPUB: the XHTML documents, in reading order, and the navigation documents.

The documents come from the same view and templates as the web edition; only the page wrapper
and the file names (.xhtml) differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from bookbuild.model import Book
from bookbuild.render.templates import render
from bookbuild.render.view import ContentsEntry, EditionView
from bookbuild.writers.cover import Cover
from bookbuild.writers.links import PageLinks


@dataclass(frozen=True)
class Document:
    """A content document of the spine."""

    uid: str
    name: str
    title: str
    xhtml: str


@dataclass(frozen=True)
class Landmark:
    type: str
    title: str
    href: str


@dataclass
class NavPoint:
    order: int
    label: str
    href: str
    children: list[NavPoint] = field(default_factory=list)


def documents(book: Book, view: EditionView, links: PageLinks, cover: Cover) -> list[Document]:
    """Cover, title page, copyright page, contents, chapters, notes, bibliography, index."""
    config = book.config
    byline = f", by {', '.join(config.authors)}" if config.authors else ""
    parts = [
        ("cover", "cover.xhtml", "Cover",
         render("epub/cover.xhtml", cover=cover, alt=f"The cover: {config.title}{byline}")),
        ("titlepage", "titlepage.xhtml", config.title, render("epub/titlepage.xhtml", view=view)),
        ("copyright", "copyright.xhtml", "Copyright", render("epub/copyright.xhtml", view=view)),
    ]
    for chapter in book.chapters:
        parts.append((f"chapter-{chapter.index + 1}", links.page(chapter.page), chapter.title_text,
                      render("epub/chapter.xhtml", view=view, chapter=chapter,
                             body=view.chapter_html(chapter))))
    if book.notes and not view.notes_at_chapter_end:
        parts.append(("endnotes", links.section("endnotes"), "Notes",
                      render("epub/notes.xhtml", view=view)))
    if book.bibliography_blocks:
        parts.append(("bibliography", links.section("bibliography"), "Bibliography",
                      render("epub/bibliography.xhtml", view=view)))
    if book.index_marks:
        parts.append(("book-index", links.section("book-index"), "Index",
                      render("epub/index.xhtml", view=view)))
    return [Document(uid, name, title, render("epub/page.xhtml", view=view, title=title,
                                              body=Markup(body)))
            for uid, name, title, body in parts]


def landmarks(book: Book, links: PageLinks) -> list[Landmark]:
    marks = [Landmark("cover", "Cover", "cover.xhtml"),
             Landmark("titlepage", "Title page", "titlepage.xhtml"),
             Landmark("toc", "Contents", "nav.xhtml#toc")]
    if book.chapters:
        marks.append(Landmark("bodymatter", "Start of the text", links.page(book.chapters[0].page)))
    if book.notes:
        marks.append(Landmark("endnotes", "Notes", links.section("endnotes")))
    if book.bibliography_blocks:
        marks.append(Landmark("bibliography", "Bibliography", links.section("bibliography")))
    if book.index_marks:
        marks.append(Landmark("index", "Index", links.section("book-index")))
    return marks


@dataclass(frozen=True)
class PageEntry:
    label: str
    href: str


def page_list(book: Book, links: PageLinks) -> list[PageEntry]:
    """Where each print page begins, when the print edition was laid out in this build."""
    if book.print_pages is None:
        return []
    entries = []
    for folio, key, _ in book.print_pages.breaks:
        if key.startswith("c"):
            page = links.page(book.chapters[int(key[1:].split("-")[0])].page)
        elif key.startswith("n"):
            page = links.note(int(key[1:])).split("#")[0]
        elif key.startswith("x"):
            page = links.section("book-index")
        else:
            page = links.section("bibliography")
        entries.append(PageEntry(folio, f"{page}#page-{folio}"))
    return entries


def nav_document(view: EditionView, entries: list[ContentsEntry], marks: list[Landmark],
                 pages: list[PageEntry]) -> str:
    return render("epub/nav.xhtml", view=view, entries=entries, landmarks=marks, pages=pages)


def ncx_document(view: EditionView, entries: list[ContentsEntry], identifier: str) -> str:
    points = _nav_points(entries)
    return render("epub/toc.ncx", view=view, identifier=identifier, points=points,
                  depth=_depth(points))


def _nav_points(entries: list[ContentsEntry]) -> list[NavPoint]:
    order = 0

    def convert(entry: ContentsEntry) -> NavPoint:
        nonlocal order
        order += 1
        point = NavPoint(order, Markup(entry.title).striptags(), entry.href)
        point.children = [convert(child) for child in entry.children]
        return point

    return [convert(entry) for entry in entries]


def _depth(points: list[NavPoint]) -> int:
    return 1 + max((_depth(point.children) for point in points if point.children), default=0)
