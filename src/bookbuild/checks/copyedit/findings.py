"""Checks stage (copy-editing): what a copy-edit check reports, before it becomes a Diagnostic.

A finding names what an `accepted-variants` entry must match to accept it: its `subjects` (the
words or forms it is about, matched whole, ignoring case) or, for a mark of punctuation, the
`context` it stands in (the entry must occur in it, as `accepted-duplicates` entries do).
"""

from __future__ import annotations

from dataclasses import dataclass

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
