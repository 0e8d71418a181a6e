"""Parse stage: a line scan of a chapter's Markdown for what pandoc's AST forgets.

pandoc's markdown reader keeps no source positions and drops footnote labels, so we classify each
line (text, fenced code, footnote definition, link definition, HTML comment, blank) and record
footnote references and definitions, inline notes and explicit `{#id}` attributes with their
lines. A comment that opens a block (`<!--` at the start of a line after a blank one) runs to the
line holding `-->`: pandoc keeps it as raw HTML that no edition shows, so nothing in it is a
note, an id, a fence or a word of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    BLANK = 0
    TEXT = 1
    FENCE = 2        # a fenced code block, fences included
    NOTE = 3         # a footnote definition and its indented continuation
    LINK_DEF = 4     # a reference link definition: [id]: url
    COMMENT = 5      # an HTML comment block, from the line of <!-- to the line of -->


@dataclass(frozen=True)
class FootnoteRef:
    """A call of an author's note: `[^label]`, or an inline note `^[...]` (label None)."""

    label: str | None
    line: int        # 1-based
    column: int


@dataclass(frozen=True)
class FootnoteDef:
    label: str
    line: int        # 1-based, the line of "[^label]:"
    end_line: int


@dataclass
class Scan:
    """What the line scan found in one chapter file."""

    kinds: list[Kind]
    refs: list[FootnoteRef] = field(default_factory=list)      # in reading order
    defs: list[FootnoteDef] = field(default_factory=list)
    explicit_ids: list[tuple[str, int]] = field(default_factory=list)

    def defined_labels(self) -> set[str]:
        return {d.label for d in self.defs}


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_COMMENT_OPEN = re.compile(r"^ {0,3}<!--")
_NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
_LINK_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*\S")
_NOTE_REF = re.compile(r"(?<!\\)\[\^([^\]\s]+)\](?!:)")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
_EXPLICIT_ID = re.compile(r"\{[^{}\n]*?(?<![\w])#([^\s}#.]+)[^{}\n]*\}")
_INLINE_NOTE = re.compile(r"(?<!\\)\^\[")


def _indent(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def classify(lines: list[str]) -> list[Kind]:
    kinds: list[Kind] = []
    fence: tuple[str, int] | None = None
    in_note = False
    in_comment = False
    for line in lines:
        if in_comment:
            kinds.append(Kind.COMMENT)
            in_comment = "-->" not in line
            continue
        if fence:
            kinds.append(Kind.FENCE)
            match = _FENCE.match(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= fence[1] \
                    and not line.strip()[len(match.group(1)):].strip():
                fence = None
            continue
        if not line.strip():
            kinds.append(Kind.BLANK)
            continue
        if in_note and not _NOTE_DEF.match(line):
            lazy = kinds and kinds[-1] is Kind.NOTE
            if lazy or _indent(line) >= 4:
                kinds.append(Kind.NOTE)
                continue
            in_note = False
        if _COMMENT_OPEN.match(line) and (not kinds or kinds[-1] in (Kind.BLANK, Kind.COMMENT)):
            kinds.append(Kind.COMMENT)
            in_comment = "-->" not in line[line.index("<!--") + 4:]
        elif _NOTE_DEF.match(line):
            in_note = True
            kinds.append(Kind.NOTE)
        elif (match := _FENCE.match(line)):
            fence = (match.group(1)[0], len(match.group(1)))
            kinds.append(Kind.FENCE)
        elif _LINK_DEF.match(line):
            kinds.append(Kind.LINK_DEF)
        else:
            kinds.append(Kind.TEXT)
    return kinds


def scan(text: str) -> Scan:
    lines = text.split("\n")
    result = Scan(kinds=classify(lines))
    kinds = result.kinds
    in_comment = False
    for number, (line, kind) in enumerate(zip(lines, kinds, strict=True), start=1):
        if kind in (Kind.BLANK, Kind.FENCE, Kind.LINK_DEF, Kind.COMMENT):
            continue
        code_free = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        code_free, in_comment = without_comments(code_free, in_comment)
        if kind is Kind.NOTE and (definition := _NOTE_DEF.match(code_free)):
            result.defs.append(FootnoteDef(definition.group(1), number, number))
            code_free = code_free[definition.end():]
        elif kind is Kind.NOTE and result.defs:
            last = result.defs[-1]
            result.defs[-1] = FootnoteDef(last.label, last.line, number)
        if kind is Kind.TEXT:
            calls = [FootnoteRef(m.group(1), number, m.start()) for m in _NOTE_REF.finditer(code_free)]
            calls += [FootnoteRef(None, number, m.start()) for m in _INLINE_NOTE.finditer(code_free)
                      if _is_inline_note(lines, number - 1, m.end())]
            result.refs.extend(sorted(calls, key=lambda call: call.column))
        result.explicit_ids.extend((m.group(1), number) for m in _EXPLICIT_ID.finditer(code_free))
    return result


def without_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """`line` with its HTML comments blanked out (columns kept), and whether a comment is
    still open at its end: a comment inside a paragraph holds no note call and no id."""
    out: list[str] = []
    position = 0
    while position < len(line):
        if in_comment:
            end = line.find("-->", position)
            stop = len(line) if end < 0 else end + 3
            out.append(" " * (stop - position))
            position, in_comment = stop, end < 0
        else:
            start = line.find("<!--", position)
            if start < 0:
                out.append(line[position:])
                break
            out.append(line[position:start])
            position, in_comment = start, True
    return "".join(out), in_comment


def _is_inline_note(lines: list[str], index: int, start: int) -> bool:
    """`^[...]` is an inline note unless the brackets are a link's text: `^[text](url)`."""
    depth = 1
    for row in range(index, min(index + 20, len(lines))):
        line = lines[row]
        column = start if row == index else 0
        while column < len(line):
            char = line[column]
            if char == "\\":
                column += 2
                continue
            if char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    after = line[column + 1: column + 2]
                    return after not in ("(", "[")
            column += 1
    return False
