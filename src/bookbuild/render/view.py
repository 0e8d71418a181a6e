"""Render stage: one edition's view of the book, the object every template reads.

It renders the model through `HtmlRenderer` with the edition's `Links`, so the chapters, the
endnotes (grouped by chapter, numbered once in the model) and the bibliography come out the
same in every edition, differing only in how they link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from markupsafe import Markup

from bookbuild.ast import heading_text
from bookbuild.model import Book, Chapter, Note, block_key
from bookbuild.render.crossrefs import CrossRefTexts
from bookbuild.render.html import HtmlRenderer, Links
from bookbuild.render.index import EntryView, index_view, place_breaks

BACKLINK_GLYPH = "↑"


@dataclass
class NoteView:
    seq: int
    number: int
    html: Markup


@dataclass
class NoteGroup:
    chapter: Chapter
    title: Markup
    notes: list[NoteView]


@dataclass
class ContentsEntry:
    title: Markup
    href: str
    children: list[ContentsEntry] = field(default_factory=list)


class EditionView:
    """The book as one edition shows it. `backlink` is 'end' (a link after the note's text,
    for screens) or 'number' (the note's number is the link, for print)."""

    def __init__(self, book: Book, links: Links, epub: bool = False, backlink: str = "end",
                 keyed: bool = False, web: bool = False,
                 page_guesses: Mapping[str, str] | None = None) -> None:
        self.book = book
        self.config = book.config
        self.links = links
        self.epub = epub
        self.backlink = backlink
        self.keyed = keyed          # mark blocks with their keys, for the print layout to read back
        breaks: dict[str, list[tuple[int, str]]] = {}
        if book.print_pages is not None and not keyed:
            for folio, key, words in book.print_pages.breaks:
                breaks.setdefault(key, []).append((words, folio))
        self.leading = _leading(book, breaks)
        self.renderer = HtmlRenderer(links, book.config.lang,
                                     {note.seq: note.number for note in book.notes}, epub=epub,
                                     page_breaks=breaks, scroll_tables=web, bookmarks=keyed,
                                     crossrefs=CrossRefTexts(book, keyed, page_guesses))

    def epub_type(self, value: str) -> Markup:
        return Markup(self.renderer.epub_type(value))

    def leading_markers(self, key: str) -> Markup:
        """The markers of the print pages that begin with the heading(s) above the first item
        of a part (`_leading`), to stand before them."""
        return Markup("".join(self.renderer.page_marker(folio)
                              for folio in self.leading.get(key, ())))

    def inlines(self, inlines: list[dict[str, object]]) -> Markup:
        return Markup(self.renderer.inlines(inlines))

    def title(self, inlines: list[dict[str, object]]) -> Markup:
        """A heading as contents and note groups show it: no links, no note calls."""
        return Markup(self.renderer.inlines(heading_text(inlines)))

    def chapter_html(self, chapter: Chapter) -> Markup:
        return Markup("".join(self.renderer.block(block.node, block_key(chapter.index, i), self.keyed)
                              for i, block in enumerate(chapter.blocks)))

    def note_html(self, note: Note) -> Markup:
        self.renderer.begin(f"n{note.seq}")
        body = self.renderer.blocks(note.blocks) + self.renderer.end()
        href = self.links.noteref(note.seq)
        if self.backlink == "number":
            number = f'<a class="note-number" href="{href}">{note.number}.</a> '
            return Markup(_insert_first(body, number))
        link = (f' <a class="backlink" href="{href}" role="doc-backlink"'
                f'{self.renderer.epub_type("backlink")} aria-label="Back to note {note.number}">'
                f"{BACKLINK_GLYPH}</a>")
        return Markup(_insert_last(body, link))

    @property
    def notes_at_chapter_end(self) -> bool:
        return self.config.note_placement == "chapter"

    def notes_of(self, chapter: Chapter) -> NoteGroup | None:
        """The chapter's notes, when notes go at the end of each chapter."""
        if not self.notes_at_chapter_end:
            return None
        return next((g for g in self.note_groups if g.chapter is chapter), None)

    @cached_property
    def note_groups(self) -> list[NoteGroup]:
        groups: list[NoteGroup] = []
        for note in self.book.notes:
            chapter = self.book.chapters[note.chapter]
            if not groups or groups[-1].chapter is not chapter:
                groups.append(NoteGroup(chapter, self.title(chapter.title), []))
            groups[-1].notes.append(NoteView(note.seq, note.number, self.note_html(note)))
        return groups

    @cached_property
    def bibliography_html(self) -> Markup:
        """The entries of the formatted bibliography, each a block with its key (r1, r2...)."""
        parts = []
        for refs in self.book.bibliography_blocks:
            entries = refs["c"][1]
            inner = "".join(self.renderer.block(entry, f"r{i + 1}", self.keyed)
                            for i, entry in enumerate(entries))
            parts.append(f"<div{self.renderer.attributes(refs['c'][0])}>\n{inner}</div>\n")
        return Markup("".join(parts))

    def index_entries(self, folios: Mapping[str, str] | None = None) -> list[EntryView]:
        """The index (see `render.index`): with the print folios given, else those of the print
        edition laid out in this build, if any."""
        if folios is None and self.book.print_pages is not None:
            folios = self.book.print_pages.anchors
        entries = index_view(self.book, self.links, folios)
        if not self.keyed:
            place_breaks(entries, self.renderer.page_breaks)
        return entries

    def page_markers(self, entry: EntryView, place: int) -> Markup:
        """The markers of the print pages that begin at `place` in an index entry."""
        return Markup("".join(self.renderer.page_marker(folio) for folio in entry.markers_at(place)))

    def contents(self) -> list[ContentsEntry]:
        """The chapters with their sections, then the notes and the bibliography."""
        entries = []
        for chapter in self.book.chapters:
            children = [ContentsEntry(self.title(s.title), self.links.anchor(s.id) or "")
                        for s in chapter.sections]
            entries.append(ContentsEntry(self.title(chapter.title), self.links.anchor(chapter.id) or "",
                                         children))
        if self.book.notes and not self.notes_at_chapter_end:
            entries.append(ContentsEntry(Markup("Notes"), self.links.section("endnotes")))
        if self.book.bibliography_blocks:
            entries.append(ContentsEntry(Markup("Bibliography"), self.links.section("bibliography")))
        if self.book.index_marks:
            entries.append(ContentsEntry(Markup("Index"), self.links.section("book-index")))
        return entries


def _leading(book: Book, breaks: dict[str, list[tuple[int, str]]]) -> dict[str, list[str]]:
    """Take out of `breaks` the print pages that begin at the first words of the first note
    of a chapter's notes, the bibliography's first entry or the index's first entry: in print
    those pages begin with the heading above it ("Notes", the chapter's title, "Index"), so
    the screen editions mark them before the heading, not inside the item."""
    firsts = ["r1", "x1"]
    chapter: int | None = None
    for note in book.notes:
        if note.chapter != chapter:
            firsts.append(f"n{note.seq}")
            chapter = note.chapter
    leading: dict[str, list[str]] = {}
    for key in firsts:
        found = breaks.get(key, [])
        if any(words == 0 for words, _ in found):
            leading[key] = [folio for words, folio in found if words == 0]
            breaks[key] = [(words, folio) for words, folio in found if words != 0]
    return leading


def _insert_first(body: str, html: str) -> str:
    """Put `html` at the start of the first paragraph, or before everything."""
    if body.startswith("<p>"):
        return "<p>" + html + body[3:]
    return html + body


def _insert_last(body: str, html: str) -> str:
    """Put `html` at the end of the last paragraph, or after everything."""
    stripped = body.rstrip()
    if stripped.endswith("</p>"):
        return stripped[:-4] + html + "</p>\n"
    return body + f"<p>{html.strip()}</p>\n"
