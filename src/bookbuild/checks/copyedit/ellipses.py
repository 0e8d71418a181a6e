"""Checks stage (copy-editing): `ellipsis-style`, ellipses typed more than one way.

`...` (which bookbuild sets as `…`), `…` and `. . .` (spaced points, set as typed) are three
ways; the book's commoner one is its style and the others are reported, once per line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bookbuild.checks.copyedit.findings import Fault, Finding, once_per_line
from bookbuild.checks.copyedit.prose import ChapterText

FORMS = {"...": re.compile(r"\.\.\.(?<!\.\.\.\.\.\.)"), "…": re.compile("…"),
         ". . .": re.compile(r"\. \. \.")}


def check_ellipses(chapters: list[ChapterText]) -> Iterator[Finding]:
    found: dict[str, list[tuple[ChapterText, int]]] = {form: [] for form in FORMS}
    for chapter in chapters:
        text = chapter.text
        spaced = {m.start() for m in FORMS[". . ."].finditer(text)} if ". . ." in text else set()
        for form, pattern in FORMS.items():
            if form[0] in text and (form != "..." or "..." in text):
                found[form].extend((chapter, m.start()) for m in pattern.finditer(text)
                                   if form == ". . ." or m.start() not in spaced)
    used = {form: places for form, places in found.items() if places}
    if len(used) < 2:
        return
    standard = max(used, key=lambda f: len(used[f]))
    yield from once_per_line("ellipsis-style", (
        Fault(chapter, at, f"an ellipsis typed “{form}” in a book that types “{standard}” "
                          f"({len(used[standard])} against {len(places)}): type “{standard}”")
        for form, places in used.items() if form != standard for chapter, at in places))
