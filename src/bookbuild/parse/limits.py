"""Parse stage: the limits a chapter must keep before it is parsed.

Control characters that XML cannot hold are refused here too, at their line.

A paragraph of millions of characters or lists nested hundreds deep are not prose: they come from
a conversion that lost its line breaks or from a runaway script. They would stall pandoc, the
duplicate check and the PDF layout (WeasyPrint lays a paragraph out as one piece), and nesting
that deep exhausts every tree-walking stage. So they are refused here, at their line, with what
to do, before anything slow runs.
"""

from __future__ import annotations

import re

from bookbuild.diagnostics import Diagnostic, Place, error

# About 35,000 words: longer than any paragraph in the corpus books by a factor of ten.
MAX_PARAGRAPH_CHARS = 200_000
# Block quotes and lists inside one another; a real book rarely goes past four.
MAX_NESTING = 40

# Characters XML (so EPUB and HTML) cannot hold: C0 controls but tab and line feed, and two
# non-characters. They come from conversions and are invisible in most editors.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_MARKERS = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))")


def check_limits(name: str, text: str) -> list[Diagnostic]:
    """Errors for the first over-long paragraph and the first over-deep nesting of `text`."""
    problems: list[Diagnostic] = []
    long_paragraph = deep_line = None
    start, size = 1, 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            start, size = number + 1, 0
            continue
        size += len(line) + 1
        if long_paragraph is None and size > MAX_PARAGRAPH_CHARS:
            long_paragraph = start
        if deep_line is None and _nesting(line) > MAX_NESTING:
            deep_line = number
    if long_paragraph is not None:
        length = _paragraph_length(text, long_paragraph)
        problems.append(error(
            "paragraph-too-long",
            f"this paragraph is {length:,} characters long; bookbuild takes paragraphs of up to "
            f"{MAX_PARAGRAPH_CHARS:,} (about 35,000 words). A paragraph this long usually means the "
            "line breaks were lost in a conversion: separate the paragraphs with blank lines",
            Place(name, long_paragraph)))
    if control := CONTROL_CHARACTERS.search(text):
        count = len(CONTROL_CHARACTERS.findall(text))
        problems.append(error(
            "control-character",
            f"this line holds the invisible control character U+{ord(control.group()):04X}"
            + (f" ({count} in the file)" if count > 1 else "")
            + ", which no edition can contain (it usually comes from a conversion); delete it",
            Place(name, text.count("\n", 0, control.start()) + 1)))
    if deep_line is not None:
        problems.append(error(
            "nesting-too-deep",
            f"lists or block quotes are nested more than {MAX_NESTING} deep here; no edition can "
            "show that: flatten the structure (a book rarely needs more than four levels)",
            Place(name, deep_line)))
    return problems


def _nesting(line: str) -> int:
    """Quote and list markers opening the line, plus its indentation in steps of two."""
    markers = 0
    position = 0
    while match := _MARKERS.match(line, position):
        markers += 1
        position = match.end()
    indent = len(line) - len(line.lstrip(" \t"))
    return markers + indent // 2


def _paragraph_length(text: str, start: int) -> int:
    lines = text.split("\n")[start - 1:]
    length = 0
    for line in lines:
        if not line.strip():
            break
        length += len(line) + 1
    return length
