"""Index stage, step 1: the marks of the book gathered into entries.

Marks with the same levels (`term="Soviets!and factory committees"`, compared as typed, once
the book's typography is applied) make one entry, whose locators are the marks in reading order;
a level's first `sort="..."` is its sort key. `see` and `see-also` are gathered per entry, in
the order first given. An entry with no locator of its own (a heading over its sub-entries, or
one that only says "see ...") is made for every level a mark names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bookbuild.diagnostics import Place
from bookbuild.index.collation import Collator, collator
from bookbuild.index.terms import plain
from bookbuild.model import Book, IndexMark
from bookbuild.parse.typography import smarten

MAX_LEVELS = 3


@dataclass(frozen=True)
class Locator:
    """One place an entry points to: a mark, or a range from its start to its end."""

    id: str                     # the anchor at the mark (or the range's start)
    end_id: str | None          # the range's end anchor
    chapter: int
    place: Place
    note: int | None = None     # the note it stands in (its sequence number), if any


@dataclass
class Entry:
    term: str                   # as printed (the book's typography applied; titles in *...*)
    sort: str                   # what it sorts by: `sort="..."`, else the term's plain words
    level: int                  # 1 to 3
    locators: list[Locator] = field(default_factory=list)
    see: list[str] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)
    children: list[Entry] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)   # every mark that names it
    by_term: dict[str, Entry] = field(default_factory=dict, repr=False)   # sub-entries, unsorted

    def walk(self) -> list[Entry]:
        """This entry and its sub-entries, in the index's order."""
        return [self, *(entry for child in self.children for entry in child.walk())]


def build_index(book: Book, order: Collator | None = None) -> list[Entry]:
    """The index's main entries, sorted, each with its sub-entries sorted under it."""
    order = order or collator(book.config.lang)
    roots: dict[str, Entry] = {}
    for mark in book.index_marks:
        _add(roots, mark, book.config.lang)
    return _sorted(list(roots.values()), order)


def _add(roots: dict[str, Entry], mark: IndexMark, lang: str) -> None:
    levels = [smarten(level, lang) for level in mark.levels[:MAX_LEVELS] if level]
    if not levels:
        return
    siblings, entry = roots, None
    for depth, term in enumerate(levels, start=1):
        entry = siblings.get(term)
        if entry is None:
            entry = siblings[term] = Entry(term, plain(term), depth)
        siblings = entry.by_term
    assert entry is not None
    entry.places.append(mark.place)
    if mark.sort and entry.sort == plain(entry.term):
        entry.sort = smarten(plain(mark.sort), lang)
    if mark.see:
        _once(entry.see, smarten(mark.see, lang))
    if mark.see_also:
        _once(entry.see_also, smarten(mark.see_also, lang))
    if not mark.see:                        # "see" is instead of a page (Chicago 16.15)
        entry.locators.append(Locator(mark.id, mark.end_id, mark.chapter, mark.place, mark.note))


def _once(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _sorted(entries: list[Entry], order: Collator) -> list[Entry]:
    for entry in entries:
        entry.children = _sorted(list(entry.by_term.values()), order)
    return sorted(entries, key=lambda e: (order.key(e.sort), order.key(plain(e.term))))
