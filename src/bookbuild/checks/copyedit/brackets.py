"""Checks stage (copy-editing): `unbalanced-bracket`, ( [ { without their partner in a paragraph.

Only brackets the reader sees are counted: those of links, citations, note calls and attributes
are markup (see `prose.py`), an escaped `\\[` is seen. A closing parenthesis after a letter or
number that starts a list item ("a)", "2)") has no partner on purpose. Tables are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bookbuild.checks.copyedit.findings import Fault, Finding, at_fault
from bookbuild.checks.copyedit.prose import ChapterText, Paragraph, Role

PAIRS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {closer: opener for opener, closer in PAIRS.items()}


def check_brackets(chapters: list[ChapterText]) -> Iterator[Finding]:
    for chapter in chapters:
        text = chapter.text
        for paragraph in chapter.paragraphs:
            if paragraph.role & Role.TABLE:
                continue
            start, end = paragraph.start, paragraph.end
            if all(text.count(o, start, end) == text.count(c, start, end) for o, c in PAIRS.items()):
                continue
            yield from _unbalanced(chapter, paragraph)


def _unbalanced(chapter: ChapterText, paragraph: Paragraph) -> Iterator[Finding]:
    text = chapter.text
    stack: list[int] = []
    faults: list[tuple[int, str]] = []
    for at in range(paragraph.start, paragraph.end):
        char = text[at]
        if char in PAIRS:
            stack.append(at)
        elif char in CLOSERS:
            match = next((k for k in range(len(stack) - 1, -1, -1) if text[stack[k]] == CLOSERS[char]), None)
            if match is None:
                if not _enumerator(text, at, paragraph.start):
                    faults.append((at, f"a closing {char} with no opening {CLOSERS[char]} before it"))
                continue
            faults.extend((inner, f"an opening {text[inner]} with no closing {PAIRS[text[inner]]}")
                          for inner in stack[match + 1:])
            del stack[match:]
    faults.extend((at, f"an opening {text[at]} with no closing {PAIRS[text[at]]}") for at in stack)
    for at, what in sorted(faults):
        yield at_fault("unbalanced-bracket", Fault(
            chapter, at, f"{what} in its paragraph: add the missing one or delete this one"))


_ENUMERATOR = re.compile(r"(?:\d{1,3}|[a-zA-Z]|[ivx]{1,4})\)")


def _enumerator(text: str, at: int, floor: int) -> bool:
    """`a)`, `2)`, `iv)` opening an item of a list in running text."""
    start = at
    while start > floor and text[start - 1].isalnum() and at - start < 4:
        start -= 1
    return (start == floor or text[start - 1] in " \t\n\0") \
        and bool(_ENUMERATOR.fullmatch(text, start, at + 1))
