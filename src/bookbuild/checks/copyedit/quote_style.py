"""Checks stage (copy-editing): `quote-style`, quotation marks that disagree with the book's.

- Straight quotes (' ") in a book that types curly ones: bookbuild would set them, but in a book
  whose author sets every mark by hand a straight one is a slip, and its guess may differ.
- A prime (′ ″, for feet and inches) used as a quotation mark, and the wrong mark of a pair
  (” where a quotation opens, “ where it closes, ‘ for an apostrophe).
- A closing mark with no opening one in its paragraph, and an opening one never closed (unless
  the next paragraph opens with the same mark: a quotation of several paragraphs).
- Outer quotations of both kinds in one book (‘…’ and “…”): the book's commoner kind is its
  style; the other belongs inside a quotation. Block quotes are left out: they carry their
  source's marks.

One finding per line and kind of fault.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from bookbuild.checks.copyedit.findings import Fault, Finding, excerpt, once_per_line
from bookbuild.checks.copyedit.prose import Role
from bookbuild.checks.copyedit.quotations import ChapterQuotes, Mark
from bookbuild.diagnostics import Place


def check_quote_style(quotes: list[ChapterQuotes], lang: str) -> Iterator[Finding]:
    straight = sum(len(q.straight) for q in quotes)
    curly = sum(q.text.text.count(c) for q in quotes for c in "“”‘’")
    for chapter in quotes:
        faults: dict[tuple[int, str], list[Mark]] = defaultdict(list)
        if straight and curly > straight:
            for mark in chapter.straight:
                faults[(chapter.text.line_of(mark.offset), "straight")].append(mark)
        for mark in chapter.primes:
            faults[(chapter.text.line_of(mark.offset), "prime")].append(mark)
        for mark in chapter.misused:
            faults[(chapter.text.line_of(mark.offset), "misused")].append(mark)
        for mark in chapter.stray_closers:
            faults[(chapter.text.line_of(mark.offset), "stray")].append(mark)
        for mark in chapter.unclosed:
            faults[(chapter.text.line_of(mark.offset), "unclosed")].append(mark)
        for (line, kind), marks in sorted(faults.items()):
            yield _finding(chapter, line, kind, marks, (curly, straight))
    yield from _outer_kinds(quotes, lang)


def _finding(chapter: ChapterQuotes, line: int, kind: str, marks: list[Mark],
             counts: tuple[int, int]) -> Finding:
    first = marks[0]
    times = f" ({len(marks)} on this line)" if len(marks) > 1 else ""
    near = excerpt(chapter.text.text, first.offset)
    if kind == "straight":
        message = (f"straight quote{'s' * (len(marks) > 1)} {' '.join(m.char for m in marks)}{times} "
                   f"in a book that types curly ones ({counts[0]} curly, {counts[1]} straight): "
                   f"type ‘ ’ “ ” (’ for an apostrophe) — {near}")
    elif kind == "prime":
        message = (f"a prime {first.char} (feet, inches, minutes) used as a quotation mark{times}: "
                   f"type {'“ or ”' if first.double else '‘ or ’'} — {near}")
    elif kind == "misused":
        message = f"{first.char} typed where {first.wrong} belongs{times} — {near}"
    elif kind == "stray":
        message = (f"a closing {first.char} with no opening mark in its paragraph{times}: add the "
                   f"opening mark or delete this one — {near}")
    else:
        message = (f"an opening {first.char} that nothing closes in its paragraph{times}: add the "
                   f"closing mark (a quotation that runs on opens the next paragraph with "
                   f"{first.char} again) — {near}")
    return Finding("quote-style", message, Place(chapter.text.file, line),
                   context=chapter.text.text[first.offset - 60: first.offset + 60])


def _outer_kinds(quotes: list[ChapterQuotes], lang: str) -> Iterator[Finding]:
    """Outer quotations of both kinds: the rarer kind is reported, line by line."""
    outer = [(chapter, quotation) for chapter in quotes for quotation in chapter.quotations
             if quotation.depth == 0 and quotation.close is not None
             and not quotation.paragraph.role & Role.QUOTE]
    doubles = sum(q.double for _, q in outer)
    singles = len(outer) - doubles
    if not doubles or not singles:
        return
    # On a tie, the style of the book's language: single quotes in British English.
    minority_double = doubles < singles or doubles == singles and lang.lower() == "en-gb"
    style = "‘…’" if minority_double else "“…”"
    other = "“…”" if minority_double else "‘…’"
    yield from once_per_line("quote-style", (
        Fault(chapter.text, quotation.open.offset,
             f"{other} as outer quotation marks in a book that quotes with {style} "
             f"({max(doubles, singles)} against {min(doubles, singles)}): use {other} only "
             "inside a quotation", chapter.text.text[quotation.open.offset: quotation.end])
        for chapter, quotation in outer if quotation.double == minority_double))
