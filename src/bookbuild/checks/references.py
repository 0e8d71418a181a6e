"""Checks stage: citations against the bibliography."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from bookbuild.checks.codes import finding
from bookbuild.diagnostics import Diagnostic, Place
from bookbuild.model import Book


def check_citations(book: Book) -> Iterator[Diagnostic]:
    entries = book.bibliography.entries if book.bibliography else {}
    for citation in book.citations:
        if citation.key in entries:
            continue
        if book.bibliography is None:
            hint = "the book has no bibliography: add 'bibliography: references.bib' to book.yaml"
        else:
            close = difflib.get_close_matches(citation.key, list(entries), n=1)
            hint = f"did you mean '@{close[0]}'?" if close else \
                "add an entry with this key to the bibliography"
        yield finding("unknown-citation", f"@{citation.key} is not in the bibliography; {hint}",
                      citation.place)


def check_bibliography(book: Book) -> Iterator[Diagnostic]:
    if book.bibliography is None:
        return
    for first, second in book.bibliography.duplicates:
        yield finding("duplicate-reference", f"the key '{second.key}' is defined twice (first at "
                      f"{first.place}); give one of the entries another key or delete it",
                      second.place, (first.place,))
    cited = {citation.key for citation in book.citations}
    for entry in book.bibliography.entries.values():
        if entry.key not in cited:
            yield finding("unused-reference", f"nothing cites '{entry.key}'; cite it with "
                          f"[@{entry.key}] or remove the entry", Place(entry.place.file, entry.place.line))
