"""Checks stage (copy-editing): what a copy-edit check reports, before it becomes a Diagnostic.

A finding names what an `accepted-variants` entry must match to accept it: its `subjects` (the
words or forms it is about, matched whole, ignoring case) or, for a mark of punctuation, the
`context` it stands in (the entry must occur in it, as `accepted-duplicates` entries do).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from bookbuild.checks.copyedit.prose import ChapterText
from bookbuild.diagnostics import Place


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    place: Place
    related: tuple[Place, ...] = ()
    subjects: tuple[str, ...] = ()
    context: str = ""


def excerpt(text: str, at: int, width: int = 30) -> str:
    """The visible text of the line around offset `at` (markup left out), for a message."""
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line_end = len(text) if line_end < 0 else line_end
    start, end = max(line_start, at - width), min(line_end, at + width)
    piece = " ".join(text[start:end].replace("\0", "").replace("\x01", "").split())
    return ("…" if start > line_start else "") + piece + ("…" if end < line_end else "")


class Fault(NamedTuple):
    """A mark of punctuation a check reports: where, what is wrong with it and, when not the
    text about it, the text an `accepted-variants` entry may match."""

    chapter: ChapterText
    at: int                     # offset in the chapter's text
    message: str
    context: str = ""


def at_fault(code: str, mark: Fault) -> Finding:
    """The finding about a mark: its line, the message followed by the text around the mark,
    and as context the mark's own or the 120 characters about it."""
    chapter, at = mark.chapter, mark.at
    return Finding(code, f"{mark.message} — {excerpt(chapter.text, at)}",
                   Place(chapter.file, chapter.line_of(at)),
                   context=mark.context or chapter.text[max(0, at - 60): at + 60])


def once_per_line(code: str, marks: Iterable[Fault]) -> Iterator[Finding]:
    """`at_fault` for the first mark on each manuscript line only: three faults of one kind on
    a line are one thing to mend."""
    seen: set[tuple[str, int]] = set()
    for mark in marks:
        line = (mark.chapter.file, mark.chapter.line_of(mark.at))
        if line not in seen:
            seen.add(line)
            yield at_fault(code, mark)
