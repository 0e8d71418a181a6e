"""Parse stage: the words of a chapter's source lines, each with its line.

Markup that is not text (note calls, citations, link targets, attributes, HTML tags and comments)
is left out, so the words are those a reader sees, in the order the author wrote them. The
source map aligns pandoc's blocks with these words, and the duplicate check compares them; where
a citation or note call stood is remembered as a marker.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator

from bookbuild.ast import WORD
from bookbuild.parse.scan import Kind, without_comments

_MARKUP = re.compile(r"""
    (?P<comment><!--.*?(?:-->|$))                       # an HTML comment, maybe left open
  | (?P<noteref>\[\^[^\]\s]+\](?!:))                    # a note call: a marker
  | (?P<notedef>^\s{0,3}\[\^[^\]\s]+\]:)                # a note definition's label
  | (?P<cite>\[[^\[\]]*?(?<!\w)-?@[^\[\]]*\])           # a bracketed citation: a marker
  | (?P<intext>(?<![\w@])-?@\w[\w:.#$%&+?<>~/-]*)       # an author-in-text citation: a marker
  | (?P<target>\]\([^()\s]*(?:\s+"[^"]*")?\))           # a link or image target
  | (?P<attr>\{[#.-][^{}]*\}|\{[^{}]*=[^{}]*\})         # attributes
  | (?P<tag></?[A-Za-z][^<>]*>)                         # an HTML tag
""", re.VERBOSE)
_MARKERS = {"noteref", "cite", "intext"}
_EMPHASIS = re.compile(r"(?<!\w)[*_^~]+|[*_^~]+(?!\w)")     # emphasis, super- and subscript


def line_words(line: str) -> Iterator[tuple[str | None, int, int]]:
    """(word, start, end) for each word of `line`, and (None, at, at) where a marker stands."""
    position = 0
    for match in _MARKUP.finditer(line):
        for word in WORD.finditer(line, position, match.start()):
            yield word.group(), word.start(), word.end()
        if match.lastgroup in _MARKERS:
            yield None, match.start(), match.start()
        position = match.end()
    for word in WORD.finditer(line, position):
        yield word.group(), word.start(), word.end()


class WordIndex:
    """The words of some source lines (case-folded), with their lines, searchable by value."""

    def __init__(self, lines: list[str], kinds: list[Kind], keep: tuple[Kind, ...]) -> None:
        self.source = lines
        self.words: list[str] = []
        self.lines: list[int] = []
        self.markers: set[int] = set()          # a citation or note call stands before word i
        in_comment = False                      # a comment runs on from an earlier line
        for number, (line, kind) in enumerate(zip(lines, kinds, strict=True), start=1):
            if kind not in keep:
                continue
            text, in_comment = without_comments(line, in_comment)
            for word, _, _ in line_words(text):
                if word is None:
                    self.markers.add(len(self.words))
                else:
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

    def text(self, start: int, end: int) -> str:
        """The text from word `start` to word `end - 1` as written, less markup and emphasis."""
        first_line, last_line = self.lines[start], self.lines[end - 1]
        begin = self._column(start)[0]
        finish = self._column(end - 1)[1]
        if first_line == last_line:
            text = self.source[first_line - 1][begin:finish]
        else:
            text = "\n".join([self.source[first_line - 1][begin:],
                              *self.source[first_line:last_line - 1],
                              self.source[last_line - 1][:finish]])
        text = _MARKUP.sub(lambda m: "]" if m.lastgroup == "target" else "", text)
        return " ".join(_EMPHASIS.sub("", text).split())

    def _column(self, position: int) -> tuple[int, int]:
        line = self.lines[position]
        ordinal = position - self.position_at_line(line)
        spans = [(start, end) for word, start, end in line_words(self.source[line - 1]) if word]
        return spans[min(ordinal, len(spans) - 1)]
