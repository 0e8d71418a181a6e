"""Checks stage: the index marks. A term typed two ways (a likely typo, which would make two
entries), a cross-reference to no entry, a range that never closes, more levels than an index
has (three: Chicago 16.25)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bookbuild.checks.codes import finding
from bookbuild.diagnostics import Diagnostic, Place
from bookbuild.index.entries import MAX_LEVELS
from bookbuild.model import Book

_NOT_LETTERS = re.compile(r"[\W_]+")


def _normal(term: str) -> str:
    """What two terms must share to be the same term typed two ways: letters and digits, in
    lower case, level by level."""
    return "!".join(_NOT_LETTERS.sub("", level.casefold()) for level in term.split("!"))


def check_index(book: Book) -> Iterator[Diagnostic]:
    first: dict[str, tuple[str, Place]] = {}        # normal form -> (term as typed, place)
    terms: set[str] = set()
    for mark in book.index_marks:
        terms.update(_normal("!".join(mark.levels[:depth])) for depth in range(1, len(mark.levels) + 1))
        if len(mark.levels) > MAX_LEVELS:
            yield finding("index-too-deep", f"the index term “{mark.term}” has {len(mark.levels)} "
                          f"levels; an index has {MAX_LEVELS} at most (Chicago 16.25): join two of "
                          "them", mark.place)
        if not mark.closed:
            yield finding("index-range-unclosed", f"the index range “{mark.term}” opened here "
                          "never closes; end it with a line ':::' where the passage ends",
                          mark.place)
        if not mark.levels or not any(mark.levels):
            yield finding("index-term-missing", "this index range names no term; write "
                          "::: {.index term=\"...\"}", mark.place)
            continue
        seen = first.setdefault(_normal(mark.term), (mark.term, mark.place))
        if seen[0] != mark.term:
            yield finding("index-term-variant", f"the index term “{mark.term}” differs from "
                          f"“{seen[0]}” ({seen[1]}) only by case, spacing or punctuation, so the "
                          "index would list both; write them the same", mark.place, (seen[1],))
    for mark in book.index_marks:
        for kind, target in (("see", mark.see), ("see-also", mark.see_also)):
            if target and _normal(target) not in terms:
                yield finding("index-see-unknown", f"{kind}=“{target}” names no entry of the "
                              "index; index that term somewhere, or correct it", mark.place)
