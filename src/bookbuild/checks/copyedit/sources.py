"""Checks stage (copy-editing): `quotation-without-source`, a long quotation that cites nothing.

Only in a book with a bibliography: a quotation there is expected to name its source. An outer
quotation in marks of `checks.quotation-min-words` words or more (default 15), or a block quote
that long, is reported when no citation or note call stands in the sentence it opens in, inside
it, or in the sentence after it (for a block quote: the sentence that introduces it, or the one
after it). Quotations inside footnotes are left out: a note is where a source is named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bookbuild.checks.copyedit.findings import Finding, excerpt
from bookbuild.checks.copyedit.prose import MARK, ChapterText, Paragraph, Role
from bookbuild.checks.copyedit.quotations import ChapterQuotes
from bookbuild.diagnostics import Place
from bookbuild.parse.typography import ABBREVIATIONS

_SENTENCE_END = re.compile(r"[.!?…](?=[’”'\")\]\0\x01]*(?:\s|$))")
_WORD = re.compile(r"\w+")


def _sentence_start(text: str, at: int, floor: int) -> int:
    """Where the sentence holding offset `at` starts (within its paragraph)."""
    position = at
    while True:
        found = max(text.rfind(c, floor, position) for c in ".!?…")
        if found < floor:
            return floor
        if _SENTENCE_END.match(text, found) and not _abbreviation(text, found, floor):
            return found + 1
        position = found


def _sentence_end(text: str, at: int, ceiling: int) -> int:
    """Where the sentence holding offset `at` ends (just after its mark and closing marks)."""
    for match in _SENTENCE_END.finditer(text, at, ceiling):
        if not _abbreviation(text, match.start(), 0):
            end = match.end()
            while end < ceiling and text[end] in "’”'\")]\0\x01":
                end += 1
            return end
    return ceiling


def _abbreviation(text: str, at: int, floor: int) -> bool:
    if text[at] != ".":
        return False
    word = re.search(r"[\w.]+$", text[max(floor, at - 12): at])
    return word is not None and (word.group() + "." in ABBREVIATIONS or len(word.group()) == 1)


def check_quotation_sources(quotes: list[ChapterQuotes], min_words: int) -> Iterator[Finding]:
    for chapter in quotes:
        text = chapter.text
        for quotation in chapter.quotations:
            paragraph = quotation.paragraph
            if quotation.depth or quotation.close is None or paragraph.role & (Role.NOTE | Role.QUOTE):
                continue
            words = len(_WORD.findall(text.text, quotation.open.offset, quotation.end))
            if words < min_words:
                continue
            start = _sentence_start(text.text, quotation.open.offset, paragraph.start)
            end = _following_sentence_end(text, paragraph, quotation.end)
            if MARK not in text.text[start:end]:
                yield _finding(text, quotation.open.offset, words)
        yield from _block_quotes(text, min_words)


def _following_sentence_end(chapter: ChapterText, paragraph: Paragraph, after: int) -> int:
    """The end of the sentence after the one that holds `after` (maybe in the next paragraph)."""
    text = chapter.text
    end = _sentence_end(text, after, paragraph.end)
    if end < paragraph.end and text[end: paragraph.end].strip(" \t\n\0"):
        return _sentence_end(text, end, paragraph.end)
    index = chapter.paragraphs.index(paragraph)
    if index + 1 < len(chapter.paragraphs):
        following = chapter.paragraphs[index + 1]
        return _sentence_end(text, following.start, following.end)
    return paragraph.end


def _block_quotes(chapter: ChapterText, min_words: int) -> Iterator[Finding]:
    """Runs of block-quote paragraphs, each taken as one quotation."""
    paragraphs = chapter.paragraphs
    text = chapter.text
    index = 0
    while index < len(paragraphs):
        if not paragraphs[index].role & Role.QUOTE or paragraphs[index].role & Role.NOTE:
            index += 1
            continue
        first = index
        while index < len(paragraphs) and paragraphs[index].role & Role.QUOTE:
            index += 1
        start, end = paragraphs[first].start, paragraphs[index - 1].end
        words = len(_WORD.findall(text, start, end))
        if words < min_words or MARK in text[start:end]:
            continue
        before = paragraphs[first - 1] if first else None
        if before is not None:
            introduction = _sentence_start(text, before.end - 1, before.start)
            if MARK in text[introduction: before.end]:
                continue
        if index < len(paragraphs):
            after = paragraphs[index]
            if MARK in text[after.start: _sentence_end(text, after.start, after.end)]:
                continue
        yield _finding(chapter, start, words)


def _finding(chapter: ChapterText, at: int, words: int) -> Finding:
    return Finding(
        "quotation-without-source",
        f"a quotation of {words} words with no citation or note in its sentence or the next: "
        f"cite its source ([@key, p. N]) or a note, or add a phrase from it to "
        f"'accepted-variants' in book.yaml — {excerpt(chapter.text, at + 30)}",
        Place(chapter.file, chapter.line_of(at)), context=chapter.text[at: at + 400])
