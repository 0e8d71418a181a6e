"""Parse stage: map pandoc's blocks and words back to manuscript lines.

pandoc's markdown reader keeps no positions, so we align: the words of each top-level block are
looked up, in order, among the words of the source lines (markup contributes extra source words,
never fewer). This gives each block its line range and each word its line, in linear time.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from bookbuild.ast import WORD, Node, words
from bookbuild.parse.scan import Kind, Scan

_RULE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")


class WordIndex:
    """The words of some source lines, each with its 1-based line, searchable by value."""

    def __init__(self, lines: list[str], kinds: list[Kind], keep: tuple[Kind, ...]) -> None:
        self.words: list[str] = []
        self.lines: list[int] = []
        for number, (line, kind) in enumerate(zip(lines, kinds, strict=True), start=1):
            if kind in keep:
                for word in WORD.findall(line):
                    self.words.append(word.casefold())
                    self.lines.append(number)
        self._positions: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(self.words):
            self._positions[word].append(position)

    def find(self, probe: list[str], start: int) -> int | None:
        """The first position >= start where the words of `probe` occur in a row."""
        if not probe:
            return None
        candidates = self._positions.get(probe[0], [])
        for position in candidates[bisect.bisect_left(candidates, start):]:
            if self.words[position: position + len(probe)] == probe:
                return position
        return None

    def position_at_line(self, line: int) -> int:
        return bisect.bisect_left(self.lines, line)

    def locate(self, wanted: list[str], start: int, last_line: int) -> list[int]:
        """A line for each of `wanted`, matched in order from position `start`.

        A word not found before `last_line` takes the line of the word before it.
        """
        result: list[int] = []
        position = start
        line = self.lines[start] if start < len(self.lines) else last_line
        for word in wanted:
            found = self.find([word], position)
            if found is not None and self.lines[found] <= last_line:
                position = found + 1
                line = self.lines[found]
            result.append(line)
        return result


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
        elif block["t"] == "HorizontalRule":
            anchor = next((n for n in range(last_line + 1, len(lines) + 1)
                           if kinds[n - 1] is Kind.TEXT and _RULE.match(lines[n - 1])), None)
        if anchor is None:
            anchor = _next_paragraph(kinds, last_line)
        anchors.append(anchor)
        last_line = anchor
    starts = [_walk_back(kinds, anchor, previous)
              for anchor, previous in zip(anchors, [0] + anchors[:-1], strict=True)]
    spans = []
    for i, start in enumerate(starts):
        limit = starts[i + 1] - 1 if i + 1 < len(starts) else len(lines)
        end = max((n for n in range(start, limit + 1) if kinds[n - 1] in (Kind.TEXT, Kind.FENCE)),
                  default=start)
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
