"""Checks stage (copy-editing): the quotation marks of each paragraph as typed, and their pairs.

Curly marks say what they are, except the right single quote, which is also the apostrophe:
between letters it is one (`don’t`), before a letter after a space it elides (`’tis`), after a
punctuation mark it closes. After a letter and before a space (`workers’ control`, `‘notes’ on`)
it may be either: it closes the open single quote only when no unambiguous closing quote follows
in the paragraph. Straight quotes are decided by the typography pass's own rules
(`parse.typography`), so a straight quote means here what it will mean in the editions.

Marks pair within a paragraph. A quotation left open at the end of a paragraph is continued when
the next paragraph opens with the same mark (the convention for quotations of several
paragraphs); otherwise it is unclosed. Primes (′ ″) after a digit are measures, not quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from bookbuild.checks.copyedit.prose import MARK, NUL, ChapterText, Paragraph
from bookbuild.parse.typography import (
    ELISIONS,
    QUOTES,
    Quote,
    after_closing_mark,
    closing,
    elided,
    inside_word,
    language,
    opening,
    spaced_opening,
)

APOSTROPHE = "’"
PRIMES = {"′": "'", "″": '"'}


class Use(Enum):
    OPEN = "open"
    CLOSE = "close"
    MAYBE = "maybe closing"        # a ’ after a letter and before a word: closing or apostrophe
    MAYBE_OPEN = "maybe opening"   # a ’ after a space and before a word: opening or elision
    APOSTROPHE = "apostrophe"


@dataclass
class Mark:
    """A quotation mark (or a straight quote, or a prime used as one) where it was typed."""

    offset: int
    char: str
    double: bool
    use: Use
    strong: bool = True            # for a closing mark: nothing else it could be
    wrong: str | None = None       # the mark that should have been typed (‘ for ’, ” for “)


@dataclass
class Quotation:
    """A pair of marks, or a mark left open to the end of its paragraph."""

    open: Mark
    close: Mark | None              # None: open to the paragraph's end
    end: int                        # offset just after the closing mark, or the paragraph's end
    depth: int                      # 0: outermost
    paragraph: Paragraph

    @property
    def double(self) -> bool:
        return self.open.double


@dataclass
class ChapterQuotes:
    """What the marks of one chapter say."""

    text: ChapterText
    quotations: list[Quotation] = field(default_factory=list)
    stray_closers: list[Mark] = field(default_factory=list)     # closes nothing
    unclosed: list[Mark] = field(default_factory=list)          # opens and never closes
    straight: list[Mark] = field(default_factory=list)          # ' and " as typed (apostrophes too)
    primes: list[Mark] = field(default_factory=list)            # ′ ″ used as quotation marks
    misused: list[Mark] = field(default_factory=list)           # the wrong mark: ‘ for ’, ” for “
    curly: int = 0                                               # curly marks and apostrophes typed


class _Language:
    """The marks of the book's language: which character opens and closes which kind."""

    def __init__(self, lang: str) -> None:
        key = language(lang)
        open_double, close_double, open_single, close_single = (m.strip("\u00a0") for m in QUOTES[key])
        self.uses: dict[str, tuple[bool, Use]] = {
            open_double: (True, Use.OPEN), close_double: (True, Use.CLOSE),
            open_single: (False, Use.OPEN), close_single: (False, Use.CLOSE),
        }
        # In German “ closes; as a language's own closer it is not also an opener.
        self.single_closer_is_apostrophe = close_single == APOSTROPHE
        elisions = ELISIONS.get(key) or ()
        self.elisions = re.compile(
            rf"(?:{'|'.join(sorted(elisions, key=len, reverse=True))})(?![\w'’])|n'(?!\w)",
            re.IGNORECASE) if elisions else None
        self.chars = "".join(self.uses) + "\"'" + "".join(PRIMES)
        self.marks = (open_double, close_double, open_single, close_single)
        self.all_marks = "".join(self.marks) + "\"'"

    def opener(self, double: bool) -> str:
        return self.marks[0 if double else 2]

    def closer(self, double: bool) -> str:
        return self.marks[1 if double else 3]


def _visible_before(text: str, at: int, floor: int) -> str:
    """The character before `at` that is not markup, or a space at the paragraph's start."""
    at -= 1
    while at >= floor and text[at] == NUL:
        at -= 1
    return text[at] if at >= floor else " "


def _visible_after(text: str, at: int, ceiling: int) -> str:
    at += 1
    while at < ceiling and text[at] == NUL:
        at += 1
    return text[at] if at < ceiling else " "


_OPENING_CONTEXT = "([{“‘«„‚‹—–-/"


def _word_char(char: str) -> bool:
    return char.isalnum() or char == MARK


def _after_gap(before: str) -> bool:
    """What comes before a mark that opens: a space, the paragraph's start, a bracket, a dash."""
    return before.isspace() or before in _OPENING_CONTEXT


class _Marks:
    """Reads the marks of one paragraph."""

    def __init__(self, text: str, paragraph: Paragraph, language: _Language,
                 result: ChapterQuotes) -> None:
        self.text = text
        self.paragraph = paragraph
        self.language = language
        self.result = result

    def read(self, offsets: list[int]) -> list[Mark]:
        marks: list[Mark] = []
        previous: Mark | None = None
        for at in offsets:
            mark = self.mark(at, previous)
            if mark is None:
                continue
            previous = mark
            if mark.use is not Use.APOSTROPHE:
                marks.append(mark)
        return marks

    def mark(self, at: int, previous: Mark | None) -> Mark | None:
        text, paragraph = self.text, self.paragraph
        char = text[at]
        before = _visible_before(text, at, paragraph.start)
        after = _visible_after(text, at, paragraph.end)
        if char in PRIMES:
            if before.isdigit():
                return None                             # 5′ 10″: a measure
            mark = self.straight(at, before, after, previous)
            mark.char = char
            self.result.primes.append(mark)
            return mark
        if char in "'\"":
            mark = self.straight(at, before, after, previous)
            self.result.straight.append(mark)
            return mark
        self.result.curly += 1
        if before.isspace() and after.isspace() and not self.nested(at):
            return None                                 # a ditto mark
        if char == APOSTROPHE and self.language.single_closer_is_apostrophe:
            return self.right_single(at, before, after)
        double, use = self.language.uses[char]
        if use is Use.OPEN:
            return self.opening(at, char, double, before, after)
        if _after_gap(before) and _word_char(after):
            # A closing mark where a quotation opens: words:—”Universa...
            return Mark(at, char, double, Use.OPEN, wrong=self.language.opener(double))
        return Mark(at, char, double, Use.CLOSE)

    def nested(self, at: int) -> bool:
        """A mark set a space apart from another (“ ‘The Brook,’ ”), as nested marks are."""
        text, paragraph = self.text, self.paragraph
        before = text[paragraph.start: at].rstrip(" \t\0")[-1:]
        after = text[at + 1: paragraph.end].lstrip(" \t\0")[:1]
        return bool(before) and before in self.language.all_marks \
            or bool(after) and after in self.language.all_marks

    def opening(self, at: int, char: str, double: bool, before: str, after: str) -> Mark:
        following = self.text[at + 1: at + 12].replace(NUL, "")
        if not double and (_word_char(before) and after.isalpha()
                           or re.match(r"\d\d(?!\d)", following) and not re.match(r"\d\d[’']", following)
                           or self.language.elisions and self.language.elisions.match(following)):
            # ‘ typed for an apostrophe: don‘t, ‘80s, ‘tis
            return Mark(at, char, double, Use.APOSTROPHE, wrong=APOSTROPHE)
        if not _after_gap(before) and (after.isspace() or after in ".,;:!?)]" or after == " "):
            # An opening mark where a quotation closes: “egregium virum“;
            return Mark(at, char, double, Use.CLOSE, wrong=self.language.closer(double))
        return Mark(at, char, double, Use.OPEN)

    def right_single(self, at: int, before: str, after: str) -> Mark:
        """A ’ not between letters: closing, elided, or either (see the module's docstring)."""
        if after.isalpha() and not _after_gap(before):
            return Mark(at, APOSTROPHE, False, Use.APOSTROPHE)     # ⸻’s: nothing closes on a letter
        if not _word_char(before):
            if before.isspace() and self.nested(at) and not after.isalnum():
                return Mark(at, APOSTROPHE, False, Use.CLOSE)               # ” ’ spaced apart
            if _after_gap(before) and after.isalnum():
                following = self.text[at + 1: at + 12].replace(NUL, "")
                if re.match(r"\d\d", following) or (self.language.elisions
                                                     and self.language.elisions.match(following)):
                    return Mark(at, APOSTROPHE, False, Use.APOSTROPHE)     # ’tis, ’80s
                return Mark(at, APOSTROPHE, False, Use.MAYBE_OPEN, wrong="‘")
            return Mark(at, APOSTROPHE, False, Use.CLOSE)                   # .’ ,’ ?’ ”’
        if after.isspace():
            following = self.text[at + 1: at + 12].replace(NUL, "").lstrip()
            nxt = following[:1]
            if nxt and (nxt.isalnum() or nxt in "“‘(["):
                return Mark(at, APOSTROPHE, False, Use.MAYBE, strong=False)
        return Mark(at, APOSTROPHE, False, Use.CLOSE, strong=False)       # after a letter: maybe s’

    def straight(self, at: int, before: str, after: str, previous: Mark | None) -> Mark:
        """A straight quote (or a prime standing for one), decided as the typography pass
        decides it."""
        char = PRIMES.get(self.text[at], self.text[at])
        if previous is not None and previous.offset == at - 1:
            before = "“" if previous.use is Use.OPEN else "”"
        following = self.text[at + 1: at + 16].replace(NUL, "")[:11]
        quote = Quote(char, at, before, after, following, self.language.elisions)
        decision = next((d for rule in _RULES if (d := rule(quote)) is not None), None)
        use = {"open": Use.OPEN, "close": Use.CLOSE}.get(decision or "", Use.APOSTROPHE)
        return Mark(at, char, char == '"', use, strong=not _word_char(before))


_RULES = (elided, inside_word, after_closing_mark, spaced_opening, opening, closing)


def _pair(marks: list[Mark], paragraph: Paragraph, result: ChapterQuotes) -> list[Mark]:
    """Pair the marks of one paragraph; returns the marks still open at its end."""
    # Whether the next single mark after each one that settles anything is an unambiguous
    # closer: a ’ that may be an apostrophe closes only when it is not (`workers’ control …
    # appeal’`), and one that may elide opens only when it is.
    strong_after = [False] * len(marks)
    seen = False
    for index in range(len(marks) - 1, -1, -1):
        strong_after[index] = seen
        mark = marks[index]
        if mark.double:
            continue
        if mark.use is Use.CLOSE:
            seen = True
        elif mark.use is Use.OPEN:
            seen = False
    stack: list[Mark] = []
    for index, mark in enumerate(marks):
        if mark.use is Use.MAYBE_OPEN:
            if not strong_after[index]:
                continue                                 # an elision: ’ere, ’ouse
            mark.use = Use.OPEN
        if mark.wrong:
            result.misused.append(mark)
        if mark.use is Use.OPEN:
            stack.append(mark)
            continue
        match = next((k for k in range(len(stack) - 1, -1, -1) if stack[k].double == mark.double), None)
        if match is None:
            if mark.use is Use.CLOSE and mark.strong and not mark.wrong:
                result.stray_closers.append(mark)
            continue
        if mark.use is Use.MAYBE and strong_after[index]:
            continue                                     # an apostrophe: workers’ control
        result.unclosed.extend(inner for inner in stack[match + 1:] if not inner.wrong)
        result.quotations.append(Quotation(stack[match], mark, mark.offset + 1, match, paragraph))
        del stack[match:]
    return stack


def _opens_with(text: str, paragraph: Paragraph, mark: Mark) -> bool:
    """The paragraph's first visible character is the same opening mark."""
    head = text[paragraph.start: paragraph.start + 8].lstrip(" \t\0")
    return head[:1] == mark.char


def read_quotes(chapter: ChapterText, lang: str) -> ChapterQuotes:
    language = _Language(lang)
    result = ChapterQuotes(chapter)
    text = chapter.text
    offsets = sorted(m.start() for char in language.chars if char in text
                     for m in _pattern(char).finditer(text))
    paragraphs = chapter.paragraphs
    cursor = 0
    left_open: list[Mark] = []
    for number, paragraph in enumerate(paragraphs):
        while cursor < len(offsets) and offsets[cursor] < paragraph.start:
            cursor += 1
        first = cursor
        while cursor < len(offsets) and offsets[cursor] < paragraph.end:
            cursor += 1
        if left_open:
            # Open at the end of the paragraph before: continued if this one reopens them.
            if not all(_opens_with(text, paragraph, mark) for mark in left_open[:1]):
                result.unclosed.extend(left_open)
            left_open = []
        if first == cursor:
            continue
        marks = _Marks(text, paragraph, language, result).read(offsets[first:cursor])
        still_open = _pair(marks, paragraph, result)
        for depth, mark in enumerate(still_open):
            result.quotations.append(Quotation(mark, None, paragraph.end, depth, paragraph))
        left_open = [mark for mark in still_open if not mark.wrong]
        if left_open and number + 1 == len(paragraphs):
            result.unclosed.extend(left_open)
    result.quotations.sort(key=lambda q: q.open.offset)
    return result


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pattern(char: str) -> re.Pattern[str]:
    """A search for one mark; a ’ before a letter is always an apostrophe and is skipped."""
    if char not in _PATTERNS:
        # ’ between two letters is an apostrophe; any other is read.
        suffix = r"(?:(?![^\W_])|(?<![^\W_]’))" if char == APOSTROPHE else ""
        _PATTERNS[char] = re.compile(re.escape(char) + suffix)
    return _PATTERNS[char]
