"""Render stage: the index as every edition shows it (the same entries, in the same order).

A locator shows the print page of its mark, or the range of pages of a passage (Chicago's
inclusive numbers, `index.page_range`), or, for a mark in a note, the page of the note and its
number ("142n5", Chicago 16.111), each a link to the place: in the PDF from the print
layout's own page map, in the EPUB and the HTML from the print edition's page map when it was
laid out in the same build; without one, a locator shows the title of the chapter it is in.
Two locators of one entry that show the same words are shown once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup

from bookbuild.index import Entry, build_index, page_range, term_html
from bookbuild.model import Book
from bookbuild.render.html import Links


@dataclass(frozen=True)
class LocatorView:
    href: str
    text: str


@dataclass
class EntryView:
    term: Markup                # titles in <i>
    locators: list[LocatorView]
    see: list[Markup]
    see_also: list[Markup]
    children: list[EntryView] = field(default_factory=list)


def index_view(book: Book, links: Links, folios: Mapping[str, str] | None) -> list[EntryView]:
    """The index's entries with their locators' words; `folios` maps anchors to print folios."""
    return [_entry(book, links, folios, entry) for entry in build_index(book)]


def _entry(book: Book, links: Links, folios: Mapping[str, str] | None, entry: Entry) -> EntryView:
    shown: list[LocatorView] = []
    for locator in entry.locators:
        href = links.anchor(locator.id)
        if href is None:
            continue
        first = folios.get(locator.id) if folios is not None else None
        note = book.notes[locator.note - 1].number if locator.note is not None else None
        if folios is not None and first is not None:
            last = folios.get(locator.end_id, first) if locator.end_id else first
            words = page_range(first, last) if note is None else f"{first}n{note}"
        else:
            title = book.chapters[locator.chapter].title_text
            words = title if note is None else f"{title}, note {note}"
        if all(view.text != words for view in shown):
            shown.append(LocatorView(href, words))
    return EntryView(term_html(entry.term), shown, [term_html(t) for t in entry.see],
                     [term_html(t) for t in entry.see_also],
                     [_entry(book, links, folios, child) for child in entry.children])
