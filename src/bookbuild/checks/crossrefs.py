"""Checks stage: cross-references (@fig-map, [-@tbl-wages], @sec-terror, @page-terror) against
the figures, tables, sections and anchors of the book.

A cross-reference names its target's kind by its prefix, as in Quarto: fig- a figure, tbl- a
table, sec- a section heading; page- any id, whose print page it prints.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from bookbuild.checks.codes import finding
from bookbuild.diagnostics import Diagnostic
from bookbuild.model import CROSSREF_KINDS, Book, CrossRef

_NAMES = {"Figure": "a figure", "Table": "a table", "Header": "a section heading"}


def check_crossrefs(book: Book) -> Iterator[Diagnostic]:
    for ref in book.crossrefs:
        anchor = book.anchors.get(ref.target)
        if anchor is None:
            yield finding("unknown-crossref", _unknown(book, ref), ref.place)
            continue
        wanted = None if ref.page else CROSSREF_KINDS[ref.key.split("-", 1)[0]]
        if wanted is not None and anchor.kind != wanted:
            yield finding(
                "crossref-kind",
                f"@{ref.key} names {_NAMES[wanted]}, but '{ref.target}' is the id of "
                f"{_NAMES.get(anchor.kind, 'a passage')} ({anchor.place}); a figure's id starts "
                "with fig-, a table's with tbl-, a section heading's with sec-: rename the id or "
                "the reference", ref.place, (anchor.place,))


def _unknown(book: Book, ref: CrossRef) -> str:
    """The message for a reference to no id, with the closest id of the kind it names."""
    if ref.page:
        candidates = list(book.anchors)
        what = "no element"
    else:
        kind = CROSSREF_KINDS[ref.key.split("-", 1)[0]]
        candidates = [i for i, a in book.anchors.items() if a.kind == kind]
        what = f"no {_NAMES[kind].split(' ', 1)[1]}"
    prefix = "page-" if ref.page else ""
    close = difflib.get_close_matches(ref.target, candidates, n=1, cutoff=0.6)
    hint = f"did you mean @{prefix}{close[0]}?" if close else \
        f"give the element it points to the id {{#{ref.target}}}"
    return f"@{ref.key} points to {what} with the id '{ref.target}'; {hint}"
