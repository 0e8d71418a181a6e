"""Checks stage (copy-editing): the words of the book's prose, one stream, for the word checks.

Every paragraph of every chapter is split at white space, its markup (NUL) taken out first, so a
word in emphasis or before a note call is one piece and "*very* very" two equal ones. Work that
needs Python per piece is done once per distinct piece, never per piece: a book of 1.5 million
words has about 100,000 distinct pieces. Each piece is reduced to its word (the punctuation at
its edges stripped): `cased` maps a piece to its word as typed, `forms` to its word in lower
case, and `bare` holds the pieces that are only a word (`the`, not `the,` or `“the`).

The pieces of a quotation, a title in italics, a block quote, verse, a table, a heading or a
short paragraph in title case (a synopsis, told when a check first asks) are `protected`: such
words keep their source's spelling and capitals, and the checks that compare spellings leave
them out (a doubled word is still one). A piece's place is found again only when a finding
needs it: the paragraph comes from the stream's position, the offset from splitting that
paragraph again. Each pass over the stream costs the same however few pieces it looks for, so
the word checks say first what they will look for (`expect`) and one pass finds it all.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress, count, islice
from typing import Any, TypeVar, cast

from bookbuild.checks.copyedit.prose import MARK, NUL, ChapterText, Paragraph, protected_role
from bookbuild.checks.copyedit.quotations import ChapterQuotes

_WORD = r"[^\W\d_](?:[\w’'-]*[^\W_])?"
# A line holding one piece: its word, the punctuation at its edges stripped; "" if the rest is
# not a word ("1917", "U.S.", "—").
_PIECE_WORD = re.compile(rf"^(?:[^\w\n]*({_WORD})[^\w\n]*$)?.*$", re.MULTILINE)
_PIECE = re.compile(r"\S*[^\s\0]\S*")          # a piece that is not markup only
T = TypeVar("T")
_LEADING = NUL + MARK + "“‘\"'([«„"
_CLOSING = "’”'\")]"
_ENDS = ".!?:…"


@dataclass(frozen=True)
class Place:
    """Where a piece of the stream stands."""

    chapter: ChapterText
    paragraph: Paragraph
    offset: int

    @property
    def line(self) -> int:
        return self.chapter.line_of(self.offset)


@dataclass
class _Span:
    """A paragraph of the stream: its pieces are `pieces[first:stop]`."""

    first: int
    stop: int
    chapter: int
    paragraph: Paragraph
    title_case: bool | None = None      # found when a check first asks (few paragraphs are)


@dataclass
class Words:
    """The pieces of the book's prose, with what each one's word is."""

    chapters: list[ChapterText]
    quotes: list[ChapterQuotes]
    pieces: list[str] = field(default_factory=list)
    spans: list[_Span] = field(default_factory=list)
    cased: dict[str, str] = field(default_factory=dict)     # piece -> its word as typed ("" if none)
    forms: dict[str, str] = field(default_factory=dict)     # piece -> its word in lower case
    _starts: list[int] = field(default_factory=list)        # the protected ranges of the stream
    _stops: list[int] = field(default_factory=list)
    _places: dict[int, Place] = field(default_factory=dict)
    _derived: dict[Callable[[Words], Any], Any] = field(default_factory=dict)
    _expected: set[str] = field(default_factory=set)        # pieces the checks will look for
    _found: list[int] | None = None                         # ...and where they stand

    @cached_property
    def _span_starts(self) -> list[int]:
        return [span.first for span in self.spans]

    @cached_property
    def bare(self) -> set[str]:
        """The pieces that are a word and nothing else: a piece that is some piece's word is
        its own (a set intersection in C, not a test per piece)."""
        return (self.cased.keys() & self.typed) - {""}

    @cached_property
    def typed(self) -> set[str]:
        """The book's words as typed (capitals kept), each once."""
        return set(self.cased.values()) - {""}

    @cached_property
    def pieces_of(self) -> dict[str, list[str]]:
        """The pieces of each word in lower case: "the" -> the, The, “the, the,…"""
        pieces: dict[str, list[str]] = {}
        for piece, form in self.forms.items():
            if form:
                pieces.setdefault(form, []).append(piece)
        return pieces

    @cached_property
    def lower_typed(self) -> set[str]:
        """The words the book writes with a lower-case first letter."""
        return {word for word in self.typed if word[:1].islower()}

    def protect(self, first: int, stop: int) -> None:
        if stop > first:
            self._starts.append(first)
            self._stops.append(stop)

    def protected(self, position: int) -> bool:
        """The piece stands in a quotation, italics, a block quote, verse, a table, a heading
        or a paragraph in title case."""
        index = bisect.bisect_right(self._starts, position) - 1
        if index >= 0 and position < self._stops[index]:
            return True
        span = self.span_of(position)
        if span.title_case is None:
            span.title_case = _title_case(self.pieces[span.first: span.stop])
        return span.title_case

    def derive(self, compute: Callable[[Words], T]) -> T:
        """`compute(self)`, computed once: what a check derives from the vocabulary, asked for
        first to say what it will look for (`expect`), then to look."""
        if compute not in self._derived:
            self._derived[compute] = compute(self)
        return cast(T, self._derived[compute])

    def expect(self, pieces: set[str]) -> None:
        """Pieces a check will ask `positions` for: found with the others in one pass."""
        self._expected |= pieces
        self._found = None

    def positions(self, pieces: set[str]) -> list[int]:
        """Every position of the stream holding one of `pieces`, in order. Each pass over the
        stream costs the same however few pieces it looks for, so the pieces the checks
        `expect` are found in one pass (in C) and each check's are filtered from it."""
        if not pieces <= self._expected:
            return self._scan(pieces)
        if self._found is None:
            self._found = self._scan(self._expected)
        stream = self.pieces
        return [position for position in self._found if stream[position] in pieces]

    def _scan(self, pieces: set[str]) -> list[int]:
        return list(compress(count(), map(pieces.__contains__, self.pieces)))

    def span_of(self, position: int) -> _Span:
        return self.spans[bisect.bisect_right(self._span_starts, position) - 1]

    def same_paragraph(self, first: int, second: int) -> bool:
        return self.span_of(first) is self.span_of(second)

    def sentence_start(self, position: int) -> bool:
        """The piece opens a sentence: first of its paragraph, after . ! ? : or …, or itself
        opening with a quotation mark, a bracket or a dash."""
        span = self.span_of(position)
        if position == span.first or not self.pieces[position].lstrip(MARK)[:1].isalnum():
            return True
        before = self.pieces[position - 1].rstrip(MARK + _CLOSING)
        last = before[-1:]
        return not last or last in _ENDS or not (last.isalnum() or last in ",;")

    def place(self, position: int) -> Place:
        if position not in self._places:
            self._places[position] = self._find(position)
        return self._places[position]

    def _find(self, position: int) -> Place:
        span = self.span_of(position)
        chapter = self.chapters[span.chapter]
        paragraph = span.paragraph
        found = next(islice(_PIECE.finditer(chapter.text, paragraph.start, paragraph.end),
                            position - span.first, None))
        piece = found.group()
        return Place(chapter, paragraph, found.start() + len(piece) - len(piece.lstrip(_LEADING)))

    @cached_property
    def _protected_spans(self) -> list[list[tuple[int, int]]]:
        """Per chapter, the offsets of its quotations and italics, merged and in order."""
        merged: list[list[tuple[int, int]]] = []
        for chapter, quotes in zip(self.chapters, self.quotes, strict=True):
            spans = sorted([(q.open.offset, q.end) for q in quotes.quotations] + chapter.italics)
            out: list[tuple[int, int]] = []
            for start, end in spans:
                if out and start <= out[-1][1]:
                    out[-1] = (out[-1][0], max(out[-1][1], end))
                else:
                    out.append((start, end))
            merged.append(out)
        return merged


class _PieceCounter:
    """How many of a paragraph's pieces start before an offset, for offsets in rising order:
    each stretch of text is split once (a span's offsets are where its pieces start)."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.at = start
        self.count = 0

    def before(self, offset: int) -> int:
        if offset <= self.at:
            return self.count
        stretch = self.text[self.at: offset].replace(NUL, "")
        pieces = len(stretch.split())
        if pieces and self.at > self.start and not stretch[0].isspace() and self._piece_before():
            pieces -= 1                 # the first is the end of a piece counted already
        self.count += pieces
        self.at = offset
        return self.count

    def _piece_before(self) -> bool:
        """A piece runs up to the current offset (markup aside)."""
        at = self.at - 1
        while at >= self.start and self.text[at] == NUL:
            at -= 1
        return at >= self.start and not self.text[at].isspace()


_LONGER_FIRST = re.compile(r"(?<!\S)(\S)\S{3}")   # the first character of a piece of 4+


def _title_case(pieces: list[str]) -> bool:
    """A short paragraph whose longer words are mostly capitalised: a chapter's synopsis
    ("Reign and Conversion of Clovis.—His Victories Over the Alemanni"), a title, a sign."""
    if len(pieces) < 4 or len(pieces) > 80:
        return False
    firsts = _LONGER_FIRST.findall(" ".join(pieces))
    return len(firsts) >= 3 and sum(map(str.isupper, firsts)) >= 0.7 * len(firsts)


def read_words(chapters: list[ChapterText], quotes: list[ChapterQuotes]) -> Words:
    words = Words(chapters, quotes)
    pieces = words.pieces
    for index, chapter in enumerate(chapters):
        text = chapter.text
        spans = words._protected_spans[index]
        cursor = 0
        for paragraph in chapter.paragraphs:
            base = len(pieces)
            start, end = paragraph.start, paragraph.end
            pieces.extend(text[start:end].replace(NUL, "").split())
            words.spans.append(_Span(base, len(pieces), index, paragraph))
            if protected_role(paragraph):
                words.protect(base, len(pieces))
                continue
            while cursor < len(spans) and spans[cursor][1] <= start:
                cursor += 1
            if cursor == len(spans) or spans[cursor][0] >= end:
                continue
            counter = _PieceCounter(text, start, end)
            ahead = cursor
            while ahead < len(spans) and spans[ahead][0] < end:
                span_start, span_end = spans[ahead]
                words.protect(base + counter.before(max(span_start, start)),
                              base + counter.before(min(span_end, end)))
                ahead += 1
    distinct = list(set(pieces))
    if not distinct:
        return words
    # One regex pass over all distinct pieces at once (a line each), not one call per piece.
    cased = _PIECE_WORD.findall("\n".join(distinct).replace(MARK, ""))
    words.cased = dict(zip(distinct, cased, strict=True))
    # Lower-cased in one call: "\n" stays "\n", so the words line up with their pieces.
    words.forms = dict(zip(distinct, "\n".join(cased).lower().split("\n"), strict=True))
    return words
