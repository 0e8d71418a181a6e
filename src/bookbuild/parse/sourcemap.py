"""Parse stage: map pandoc's blocks and words back to manuscript lines.

pandoc's markdown reader keeps no positions, so we align: the words of each top-level block are
looked up, in order, among the words of the source lines (`words.WordIndex`; what markup is left
there only adds words, never removes one). This gives each block its line range, in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bookbuild.ast import Node, words
from bookbuild.parse.scan import Kind, Scan
from bookbuild.parse.words import WordIndex

_RULE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")


@dataclass(frozen=True)
class BlockSpan:
    start: int      # 1-based, inclusive
    end: int



def block_spans(blocks: list[Node], lines: list[str], scan: Scan, index: WordIndex) -> list[BlockSpan]:
    """The line range of each top-level block."""
    kinds = scan.kinds
    anchors: list[int] = []
    cursor = 0
    last_line = 0
    for block in blocks:
        anchor: int | None = None
        block_words = _source_words(block)
        if block_words:
            found = index.find(block_words[:3], cursor)
            if found is None:
                found = index.find(block_words[:1], cursor)
            if found is not None:
                anchor = index.lines[found]
                # Every word pandoc kept is in the source; markup only adds words.
                cursor = found + len(block_words)
        elif block["t"] == "RawBlock":         # a tag alone: the line that has it
            first = str(block["c"][1]).strip().split("\n")[0]
            anchor = next((n for n in range(max(last_line, 1), len(lines) + 1)
                           if first and first in lines[n - 1]), None)
        elif block["t"] == "HorizontalRule":
            anchor = next((n for n in range(last_line + 1, len(lines) + 1)
                           if kinds[n - 1] is Kind.TEXT and _RULE.match(lines[n - 1])), None)
        if anchor is None:
            anchor = _next_paragraph(kinds, last_line)
        anchors.append(anchor)
        last_line = anchor
    starts = [_walk_back(kinds, anchor, previous)
              for anchor, previous in zip(anchors, [0, *anchors][:len(anchors)], strict=True)]
    spans = []
    for i, start in enumerate(starts):
        limit = starts[i + 1] - 1 if i + 1 < len(starts) else len(lines)
        end = max((n for n in range(start, limit + 1)
                   if kinds[n - 1] in (Kind.TEXT, Kind.FENCE, Kind.COMMENT)), default=start)
        spans.append(BlockSpan(start, end))
    return spans


def _source_words(block: Node) -> list[str]:
    """The block's words in the order the source has them.

    A table's caption may sit below it, and a figure's caption is also its image's alt text,
    written once: both are left out, so no word is counted that is not in the source.
    """
    if block["t"] == "Table":
        return words(block["c"][3:])
    if block["t"] == "Figure":
        return words(block["c"][2])
    return words(block)


def _next_paragraph(kinds: list[Kind], after: int) -> int:
    """The first text line after `after` that follows a blank line (or the file start)."""
    for n in range(after + 1, len(kinds) + 1):
        if kinds[n - 1] in (Kind.TEXT, Kind.FENCE) and (n == 1 or kinds[n - 2] is Kind.BLANK):
            return n
    return min(after + 1, len(kinds))


def _walk_back(kinds: list[Kind], anchor: int, previous: int) -> int:
    """Extend a block upwards over the markup lines (table rules, div fences) just above it."""
    start = anchor
    while start - 1 > previous and kinds[start - 2] in (Kind.TEXT, Kind.FENCE):
        start -= 1
    return start
