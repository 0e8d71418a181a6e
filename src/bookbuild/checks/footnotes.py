"""Checks stage: footnote calls against footnote definitions, file by file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from bookbuild.checks.codes import finding
from bookbuild.diagnostics import Diagnostic, Place
from bookbuild.model import Book


def check_footnotes(book: Book) -> Iterator[Diagnostic]:
    for chapter in book.chapters:
        scan = chapter.scan
        defined = scan.defined_labels()
        called = {ref.label for ref in scan.refs if ref.label is not None}
        for ref in scan.refs:
            if ref.label is not None and ref.label not in defined:
                yield finding("undefined-footnote", f"[^{ref.label}] has no definition in "
                              f"{chapter.file}; add a line '[^{ref.label}]: the note' to this file "
                              "(labels are local to each file)", Place(chapter.file, ref.line))
        counts = Counter(definition.label for definition in scan.defs)
        seen: dict[str, Place] = {}
        for definition in scan.defs:
            place = Place(chapter.file, definition.line, definition.end_line)
            if definition.label not in called:
                yield finding("unused-footnote", f"the note [^{definition.label}] is never called; "
                              f"call it with [^{definition.label}] in the text or delete it", place)
            if counts[definition.label] > 1 and definition.label in seen:
                yield finding("duplicate-footnote", f"[^{definition.label}] is defined twice (first at "
                              f"{seen[definition.label]}); only the last definition would be used, so "
                              "rename or merge them", place, (seen[definition.label],))
            seen.setdefault(definition.label, place)
