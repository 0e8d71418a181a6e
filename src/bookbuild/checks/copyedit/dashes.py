"""Checks stage (copy-editing): `dash-style`, dashes typed or spaced against the book's style.

- A hyphen used as a dash (`word - word`): type an en dash (`--`) or an em dash (`---`).
- A double hyphen between two words (`word--word`): bookbuild sets an en dash, which joins a
  range or a relation, not a break in the sentence; type `---` for an em dash.
- Dashes set two ways: closed em dashes (`word—word`), spaced em dashes (`word — word`) and
  spaced en dashes (`word – word`, British style) are three styles; the book's commoner one is
  its style (on a tie, en-GB's spaced en dash or en-US's closed em dash), the others are
  reported. A dash spaced on one side only (`word —word`) is reported too. Dashes beside a
  quotation mark, a bracket or the start or end of a paragraph say nothing about the style.
- A range of numbers with a hyphen (`1917-1921`, `pp. 43-44`): a range takes an en dash
  (`1917--1921`). Dates (`2017-05-03`), codes (`A1-2`) and phone numbers are left alone.

Tables are left out. One finding per line and kind of fault.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from bookbuild.checks.copyedit.findings import Fault, Finding, once_per_line
from bookbuild.checks.copyedit.prose import MARK, NUL, ChapterText, Role

_SPACED_HYPHEN = re.compile(r" -(?= )")
_DOUBLE_HYPHEN = re.compile(r"--(?!-)(?<!---)")
_DASHES = (re.compile("—"), re.compile("–"), re.compile("--(?:-)?"))   # one literal each: fast
_RANGE = re.compile(r"-(?<=\d-)(?=\d)")
_NUMBERS = re.compile(r"[\w./-]*\d-\d[\w./-]*")
STYLES = {"closed em": "‘word—word’ (type ---)", "spaced em": "‘word — word’ (type ---)",
          "spaced en": "‘word – word’ (type --)"}
PREFERRED = {"en-gb": "spaced en", "en-us": "closed em"}


def _visible(text: str, at: int, step: int) -> str:
    while 0 <= at < len(text) and text[at] in (NUL, MARK):
        at += step
    return text[at] if 0 <= at < len(text) else "\n"


def _style(text: str, start: int, end: int) -> str | None:
    """The style of the dash at text[start:end], or None when its neighbours say nothing."""
    before, after = _visible(text, start - 1, -1), _visible(text, end, 1)
    em = text[start:end] in ("—", "---")
    if before == " " and after == " ":
        left, right = _visible(text, start - 2, -1), _visible(text, end + 1, 1)
        if left.isalnum() and right.isalnum():
            return "spaced em" if em else "spaced en"
        return None
    if before.isalpha() and after.isalpha():
        return "closed em" if em else None         # Marxist–Leninist: an en dash of relation
    if before == " " and after.isalpha():
        # word —word is a slip; "copper —M." signs a note and "said: —" opens a speech.
        signed = after.isupper() and _visible(text, end + 1, 1) in ".\n"
        return "one side" if _visible(text, start - 2, -1).isalpha() and not signed else None
    if before.isalpha() and after == " ":
        return "one side" if _visible(text, end + 1, 1).isalpha() else None
    return None


def check_dashes(chapters: list[ChapterText], lang: str) -> Iterator[Finding]:
    styles: dict[str, list[tuple[ChapterText, int]]] = defaultdict(list)
    for chapter in chapters:
        yield from _hyphens(chapter)
        text = chapter.text
        for pattern in _DASHES:
            for match in pattern.finditer(text):
                style = _style(text, match.start(), match.end())
                if style is not None and not chapter.paragraph_of(match.start()).role & Role.TABLE:
                    styles[style].append((chapter, match.start()))
    for places in styles.values():
        places.sort(key=lambda place: (place[0].file, place[1]))
    yield from _mixed(styles, lang)


def _hyphens(chapter: ChapterText) -> Iterator[Finding]:
    text = chapter.text
    faults: dict[int, tuple[str, int]] = {}
    for match in _SPACED_HYPHEN.finditer(text):
        before, after = _visible(text, match.start() - 1, -1), _visible(text, match.end() + 1, 1)
        if (before.isalnum() or before in ",.;:!?’”)") and (after.isalnum() or after in "‘“("):
            faults.setdefault(chapter.line_of(match.start()),
                              ("a hyphen used as a dash: type an en dash (--) or an em dash (---), "
                               "as the book sets its dashes", match.start()))
    for match in _DOUBLE_HYPHEN.finditer(text):
        if text[match.start() - 1: match.start()].isalpha() and text[match.end(): match.end() + 1].isalpha():
            faults.setdefault(chapter.line_of(match.start()),
                              ("a double hyphen between two words sets an en dash, which joins a "
                               "range or a pair (London--Paris); type --- for a dash", match.start()))
    for match in _RANGE.finditer(text):
        number = _NUMBERS.match(text, _run_start(text, match.start()))
        if number is None or not _is_range(number.group()):
            continue
        faults.setdefault(chapter.line_of(match.start()),
                          (f"“{number.group()}”: a range takes an en dash, "
                           f"{number.group().replace('-', '–')} (type --)", match.start()))
    yield from once_per_line("dash-style", (
        Fault(chapter, at, message) for _, (message, at) in sorted(faults.items())
        if not chapter.paragraph_of(at).role & Role.TABLE))


def _run_start(text: str, at: int) -> int:
    while at > 0 and (text[at - 1].isalnum() or text[at - 1] in "./-"):
        at -= 1
    return at


def _is_range(run: str) -> bool:
    """1917-1921, 43-44, 1917-21; not 2017-05-03, A1-2, 555-1234-5, 10-fold, 1.5-2."""
    return bool(re.fullmatch(r"\d{1,4}-\d{1,4}", run)) and not re.fullmatch(r"\d{3}-\d{4}", run)


def _mixed(styles: dict[str, list[tuple[ChapterText, int]]], lang: str) -> Iterator[Finding]:
    counted = {style: places for style, places in styles.items() if style != "one side"}
    standard = None
    if counted:
        preferred = PREFERRED.get(lang.lower())
        standard = max(counted, key=lambda s: (len(counted[s]), s == preferred))
    yield from once_per_line("dash-style", (
        Fault(chapter, at, _mixed_message(style, standard, counted, places))
        for style, places in sorted(styles.items())
        if style != standard and (style == "one side" or standard is not None)
        for chapter, at in places))


def _mixed_message(style: str, standard: str | None,
                   counted: dict[str, list[tuple[ChapterText, int]]],
                   places: list[tuple[ChapterText, int]]) -> str:
    if style == "one side" or standard is None:
        return "a dash spaced on one side only: space it on both sides or neither"
    return (f"a {style} dash in a book that sets {STYLES[standard]} "
            f"({len(counted[standard])} against {len(places)}); set it as the book does")
