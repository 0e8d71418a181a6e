"""Language server (positions): where a finding or a word is, in a file's lines.

A finding names a file and 1-based lines (`Place`); an editor wants 0-based lines and columns.
Columns here are Python string indices (code points); the server converts them to the client's
position encoding (UTF-16 by default) with pygls's `PositionCodec` just before sending. The same
module reads the manuscript syntax under the cursor: a citation key (`@smith1983`, `@{key}`) and
the anchor of an internal link (`[text](#anchor)`, `[text](02-two.md#anchor)`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bookbuild.diagnostics import Diagnostic, Place

# pandoc's citation key: begins with a letter, digit or _, may hold internal punctuation; a
# key in braces may hold anything but braces. The look-behind keeps e-mail addresses out.
_KEY_CHARS = r"[\w:.#$%&\-+?<>~/]"
CITATION = re.compile(r"(?<![\w@])@(?:\{(?P<braced>[^{}\s]+)\}|(?P<key>\w(?:" + _KEY_CHARS +
                      r"*\w)?))")
# An internal link's target: `](file.md#anchor` or `](#anchor`, up to `)`, a space or a title.
LINK = re.compile(r"\]\((?P<file>[^()\s#]*)#(?P<anchor>[^()\s\"']+)")
LINK_TO_FILE = re.compile(r"\]\((?P<file>[^()\s#:]+\.md)\)")
# What completion looks for just before the cursor.
CITATION_PREFIX = re.compile(r"(?<![\w@])@\{?(?P<prefix>" + _KEY_CHARS + r"*)$")
ANCHOR_PREFIX = re.compile(r"\]\((?P<file>[^()\s#]*)#(?P<prefix>[^()\s\"'#]*)$")


@dataclass(frozen=True)
class Span:
    """A stretch of text: 0-based lines, columns as string indices, the end exclusive."""

    line: int
    start: int
    end_line: int
    end: int


@dataclass(frozen=True)
class Token:
    """The citation key or link anchor under the cursor, and where it is written."""

    kind: str               # "citation", "anchor", or "chapter" (a link to a chapter file)
    text: str               # the key, the anchor id, or the chapter's file name
    file: str               # for an anchor, the chapter file written before '#' ("" if none)
    span: Span


def split_lines(text: str) -> list[str]:
    """The lines of a text as an editor counts them (LF, CRLF or CR), without line ends."""
    return text.splitlines() or [""]


def line_span(lines: Sequence[str], place: Place) -> Span:
    """The lines of `place`, from the first non-blank character to the end of the last line;
    a place without a line is the file's first line."""
    if not lines:
        return Span(0, 0, 0, 0)
    first = min(max((place.line or 1) - 1, 0), len(lines) - 1)
    last = min(max((place.end_line or place.line or 1) - 1, first), len(lines) - 1)
    text = lines[first]
    indent = len(text) - len(text.lstrip())
    return Span(first, indent if indent < len(text) else 0, last, len(lines[last]))


def finding_span(lines: Sequence[str], finding: Diagnostic) -> Span:
    """Where a finding is: the key of an unknown citation, the target of a broken link, else
    its lines (`line_span`)."""
    whole = line_span(lines, finding.place)
    wanted = _subject(finding)
    if wanted is None:
        return whole
    kind, text = wanted
    for number in range(whole.line, whole.end_line + 1):
        for token in tokens_on_line(lines[number], number):
            if token.kind == kind and token.text == text:
                return token.span
    return whole


def _subject(finding: Diagnostic) -> tuple[str, str] | None:
    """The word a finding is about, when its message names it in a known form."""
    if finding.code == "unknown-citation":
        match = re.match(r"@(\S+) is not in the bibliography", finding.message)
        return ("citation", match.group(1)) if match else None
    if finding.code == "broken-link":
        match = re.match(r"no anchor '([^']+)' exists", finding.message)
        return ("anchor", match.group(1)) if match else None
    return None


def tokens_on_line(text: str, number: int) -> list[Token]:
    """Every citation key and link target written on one line."""
    found = [Token("citation", m.group("braced") or m.group("key"), "",
                   _group_span(m, "braced" if m.group("braced") else "key", number))
             for m in CITATION.finditer(text)]
    found += [Token("anchor", m.group("anchor"), m.group("file"), _group_span(m, "anchor", number))
              for m in LINK.finditer(text)]
    found += [Token("chapter", m.group("file"), m.group("file"), _group_span(m, "file", number))
              for m in LINK_TO_FILE.finditer(text)]
    return found


def token_at(lines: Sequence[str], line: int, column: int) -> Token | None:
    """The citation key or link target at (0-based line, column), the column just past the
    last character counting as on it (where the cursor is after typing a key)."""
    if not 0 <= line < len(lines):
        return None
    for token in tokens_on_line(lines[line], line):
        if token.span.start <= column <= token.span.end:
            return token
    return None


def _group_span(match: re.Match[str], group: str, number: int) -> Span:
    return Span(number, match.start(group), number, match.end(group))


# -- the client's columns ----------------------------------------------------------------------
# LSP columns count UTF-16 code units unless the client chose UTF-8 or UTF-32. pygls converts
# character by character in Python, seconds on Gibbon's paragraph-long lines; these count by
# encoding the line's head at once.

def client_column(line: str, column: int, encoding: str) -> int:
    """A column in code points as the client counts it."""
    head = line[:column]
    if encoding == "utf-32" or head.isascii():
        return len(head)
    if encoding == "utf-8":
        return len(head.encode("utf-8"))
    return len(head.encode("utf-16-le")) // 2


def server_column(line: str, column: int, encoding: str) -> int:
    """A client's column in code points (the inverse of `client_column`)."""
    if encoding == "utf-32" or line.isascii():
        return min(column, len(line))
    units = 0
    for index, char in enumerate(line):
        if units >= column:
            return index
        units += len(char.encode("utf-8")) if encoding == "utf-8" else 2 if ord(char) > 0xFFFF else 1
    return len(line)
