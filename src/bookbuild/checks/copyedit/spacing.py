"""Checks stage (copy-editing): `spacing`, spaces a copy-editor would mark.

- Two spaces in a row between words (not an indent, not the two spaces that end a line to
  break it): reported once per file, with the lines, since one search and replace fixes all.
- A space before , . ; : ? ! (in English; in French a space before ; : ? ! is right).
- No space after a sentence's full stop, question or exclamation mark before the next one's
  capital (`end.Next`), or after a comma, semicolon or colon before a word (`word,word`).
- In French: no space before ; : ? ! or inside « », where the style needs a (no-break) space;
  bookbuild makes a typed space unbreakable but never adds one.

Text in italics is left out of the rules about spaces before marks: it is often another
language. Tables are left out; so are abbreviations (`e.g.`) and numbers (`1,000`, `.45`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from bookbuild.checks.copyedit.findings import Fault, Finding, once_per_line
from bookbuild.checks.copyedit.prose import MARK, NUL, ChapterText, Role
from bookbuild.diagnostics import Place

# Each pattern starts with one literal character or two, which the regex engine finds at
# memchr speed; a class or a repeat first would be tried at every character of the book.
_DOUBLE_SPACE = re.compile(r"  (?! )")              # the last two spaces of a run
_SPACE_BEFORE = {mark: re.compile(" " + re.escape(mark)) for mark in ",.;:?!"}
_NO_SPACE_AFTER = tuple(re.compile(re.escape(mark) + rf"(?<=[a-z]{{2}}{re.escape(mark)})(?=[A-Z][a-z])")
                        for mark in ".!?") + tuple(
    re.compile(re.escape(mark) + rf"(?<=[a-z]{re.escape(mark)})(?=[A-Za-z])") for mark in ",;") + (
    re.compile(r":(?<=[a-z]{2}:)(?=[A-Za-z]{2})"),)
_FRENCH_BEFORE = re.compile(r"[;:?!](?<=[^\W\d_][;:?!])")
_FRENCH_GUILLEMETS = re.compile(r"«(?=[^\W\d_])|»(?<=[^\W\d_.!?…]»)")


def check_spacing(chapters: list[ChapterText], lang: str) -> Iterator[Finding]:
    french = lang.lower().split("-")[0] == "fr"
    for chapter in chapters:
        yield from _double_spaces(chapter)
        faults: dict[int, tuple[str, int]] = {}
        if french:
            _french(chapter, faults)
        else:
            _before(chapter, faults)
        _after(chapter, faults)
        yield from once_per_line("spacing", (Fault(chapter, at, message)
                                             for _, (message, at) in sorted(faults.items())))


def _prose_at(chapter: ChapterText, at: int) -> bool:
    return not chapter.paragraph_of(at).role & Role.TABLE


def _italic(chapter: ChapterText, at: int) -> bool:
    index = bisect.bisect_right(chapter.italics, (at, 1 << 62)) - 1
    return index >= 0 and chapter.italics[index][0] <= at < chapter.italics[index][1]


def _double_spaces(chapter: ChapterText) -> Iterator[Finding]:
    text = chapter.text
    lines: list[int] = []
    for match in _DOUBLE_SPACE.finditer(text):
        start, end = match.start(), match.end()
        while start > 0 and text[start - 1] == " ":
            start -= 1
        before, after = text[start - 1: start], text[end: end + 1]
        if before in ("", "\n", NUL) and start == 0 or before == "\n" or after in ("\n", ""):
            continue                                    # an indent, or a line break
        if text[chapter.line_starts[chapter.line_of(start) - 1]: start].strip(" \t\0") == "":
            continue                                    # an indent after block markup
        if not _prose_at(chapter, start):
            continue
        line = chapter.line_of(start)
        if not lines or lines[-1] != line:
            lines.append(line)
    if lines:
        shown = ", ".join(str(line) for line in lines[:10]) + (", …" if len(lines) > 10 else "")
        yield Finding("spacing", f"two spaces in a row on {len(lines)} "
                      f"line{'s' * (len(lines) > 1)} of this file ({shown}): type one",
                      Place(chapter.file, lines[0]),
                      tuple(Place(chapter.file, line) for line in lines[1:10]))


def _before(chapter: ChapterText, faults: dict[int, tuple[str, int]]) -> None:
    text = chapter.text
    for mark, pattern in _SPACE_BEFORE.items():
        if " " + mark not in text:
            continue
        for match in pattern.finditer(text):
            start, at = match.start(), match.end() - 1
            while start > 0 and text[start - 1] == " ":
                start -= 1
            before, after = text[start - 1: start], text[at + 1: at + 2]
            if not before or before in "\n\t" or before == NUL and MARK in text[start - 30: start]:
                continue                    # a line's start, or after a citation or note call
            if mark == "." and (after == "." or after.isdigit() or text[at - 2: at] == ". "
                                or text[at + 1: at + 3] == " ."):
                continue                    # . . . or .45
            if before in ".…" or _italic(chapter, at) or not _prose_at(chapter, at):
                continue
            faults.setdefault(chapter.line_of(at), (f"a space before “{mark}”: delete it", at))


def _after(chapter: ChapterText, faults: dict[int, tuple[str, int]]) -> None:
    text = chapter.text
    for pattern in _NO_SPACE_AFTER:
        for match in pattern.finditer(text):
            at = match.start()
            if not _prose_at(chapter, at) or _abbreviation(text, at):
                continue
            faults.setdefault(chapter.line_of(at),
                              (f"no space after “{text[at]}”: type one", at))


def _abbreviation(text: str, at: int) -> bool:
    """`e.g.`, `U.S.`, `i.e.` and the like: a point inside a word of points and letters."""
    word = re.search(r"[\w.]*$", text[max(0, at - 12): at + 1])
    return word is not None and word.group().count(".") > 1


def _french(chapter: ChapterText, faults: dict[int, tuple[str, int]]) -> None:
    text = chapter.text
    for match in _FRENCH_BEFORE.finditer(text):
        at = match.start()
        if text[at + 1: at + 2] in ("/", ""):       # http: is masked; a ratio 1:2 has digits
            continue
        if _prose_at(chapter, at):
            faults.setdefault(chapter.line_of(at), (
                f"French sets a space before “{text[at]}”: type one (bookbuild makes it a "
                "no-break space)", at))
    for match in _FRENCH_GUILLEMETS.finditer(text):
        at = match.start()
        if _prose_at(chapter, at):
            faults.setdefault(chapter.line_of(at), (
                f"French sets a space {'after «' if text[at] == '«' else 'before »'}: type one "
                "(bookbuild makes it a no-break space)", at))
