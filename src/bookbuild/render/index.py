"""Render stage: the index as every edition shows it (the same entries, in the same order).

A locator shows the print page of its mark, or the range of pages of a passage (Chicago's
inclusive numbers, `index.page_range`), or, for a mark in a note, the page of the note and its
number ("142n5", Chicago 16.111), each a link to the place: in the PDF from the print
layout's own page map, in the EPUB and the HTML from the print edition's page map when it was
laid out in the same build; without one, a locator shows the title of the chapter it is in.
Two locators of one entry that show the same words are shown once.

Each entry has a key ("x1", "x2"... in reading order, sub-entries included): the print edition
marks its entries with them, so that the print layout records the entry each index page begins
in, and the screen editions mark that page where it begins (`place_breaks`), before the entry or
before the locator the page begins with.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
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
    key: str = ""               # "x<n>": its place in reading order
    breaks: dict[int, list[str]] = field(default_factory=dict)  # place -> folios beginning there

    def markers_at(self, place: int) -> list[str]:
        """The folios of the print pages that begin at `place`: 0 before the term, n before
        the nth locator, one more than the locators before the cross-references."""
        return self.breaks.get(place, [])


_WORD = re.compile(r"\w")      # as the print layout counts a block's words (writers/pdf/pages)


def index_view(book: Book, links: Links, folios: Mapping[str, str] | None) -> list[EntryView]:
    """The index's entries with their locators' words; `folios` maps anchors to print folios."""
    numbers = itertools.count(1)
    return [_entry(book, links, folios, entry, numbers) for entry in build_index(book)]


def place_breaks(entries: list[EntryView], breaks: Mapping[str, list[tuple[int, str]]]) -> None:
    """Put each print page break that begins in an entry (by key: the word characters of
    the entry before the page, and its folio) at the place in the entry where the page
    begins: before the term, or before the first locator whose words the page begins with."""
    for entry in _all(entries):
        for words, folio in breaks.get(entry.key, ()):
            entry.breaks.setdefault(_place(entry, words), []).append(folio)


def _place(entry: EntryView, words: int) -> int:
    if words <= 0:
        return 0
    before = len(_WORD.findall(entry.term.striptags()))
    for place, locator in enumerate(entry.locators, 1):
        if before >= words:
            return place
        before += len(_WORD.findall(locator.text))
    return len(entry.locators) + 1


def _all(entries: list[EntryView]) -> Iterator[EntryView]:
    for entry in entries:
        yield entry
        yield from _all(entry.children)


def _entry(book: Book, links: Links, folios: Mapping[str, str] | None, entry: Entry,
           numbers: Iterator[int]) -> EntryView:
    key = f"x{next(numbers)}"
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
                     [_entry(book, links, folios, child, numbers) for child in entry.children],
                     key)
