"""Checks stage: internal links against the book's anchors, and the anchors themselves."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from bookbuild.checks.codes import finding
from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book


def check_links(book: Book) -> Iterator[Diagnostic]:
    chapters = {chapter.file for chapter in book.chapters}
    for link in book.links:
        if link.target in book.anchors:
            continue
        file = link.url.split("#")[0]
        if file and file not in chapters:
            yield finding("broken-link", f"{link.url} points into {file}, which is not a chapter of "
                          "this book; link to one of its chapters or to an #id", link.place)
            continue
        close = difflib.get_close_matches(link.target, list(book.anchors), n=1, cutoff=0.7)
        hint = f"did you mean '#{close[0]}'?" if close else \
            "add {#" + link.target + "} to the heading or passage it should point to"
        yield finding("broken-link", f"no anchor '{link.target}' exists in the book; {hint}", link.place)


def check_anchors(book: Book) -> Iterator[Diagnostic]:
    for first, second in book.id_clashes:
        yield finding("duplicate-anchor", f"the id '{second.id}' is already given at {first.place}; "
                      "ids must be unique in the whole book, so rename one", second.place,
                      (first.place,))
    for anchor in book.reserved_ids:
        yield finding("reserved-anchor", f"the id '{anchor.id}' is used by the editions themselves "
                      "(notes, contents, bibliography); choose another id", anchor.place)
