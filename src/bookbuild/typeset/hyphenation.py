"""Typeset stage: where a word may be hyphenated, under a press's discipline.

The language's patterns (pyphen's, the dictionaries WeasyPrint itself uses) stay the source of the
points; the house rules (Chicago Manual of Style 7.37-7.42) decide which of them may be used:

- only words of `total` letters or more, with `left` letters before the break and `right` after
  (the paragraph's `hyphenate-limit-chars`, 6 3 3 in the style);
- never a capitalised word: names ("Vic-tor", "Lon-don") and sentence openings read badly split;
- never a word that already holds a hyphen (a compound breaks at its own hyphen), a word joined
  to digits, or a part of an address or a path (a letter run touching / . @ _ or a digit).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pyphen

# A run of letters; apostrophes split it (the parts are checked on their own).
_WORD = re.compile(r"[^\W\d_]+")
_HYPHENS = "-\u2010\u2011"
_JOINERS = "/.@_\\:#%&=~+"


@lru_cache(maxsize=16)
def _dictionary(lang: str, left: int, right: int) -> pyphen.Pyphen | None:
    name = pyphen.language_fallback(lang.replace("-", "_")) if lang else None
    return pyphen.Pyphen(lang=name, left=left, right=right) if name else None


@lru_cache(maxsize=65536)
def _positions(lang: str, left: int, right: int, word: str) -> tuple[int, ...]:
    dictionary = _dictionary(lang, left, right)
    return tuple(dictionary.positions(word)) if dictionary else ()


def hyphenation_points(text: str, lang: str, limits: tuple[int, int, int]) -> Iterator[int]:
    """Every index of `text` before which a hyphenation is allowed, in order.

    `limits` is (total, left, right) in letters, as CSS `hyphenate-limit-chars`."""
    total, left, right = limits
    dictionary = _dictionary(lang, left, right)
    if dictionary is None:
        return
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) < total or not _breakable(text, match.start(), match.end(), word):
            continue
        for position in _positions(lang, left, right, word):
            yield match.start() + position


def _breakable(text: str, start: int, end: int, word: str) -> bool:
    if word[0].isupper() or any(char.isupper() for char in word[1:]):
        return False                    # a name, an acronym, a sentence's first word
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before in _HYPHENS or after in _HYPHENS:
        return False                    # a compound: it breaks at its own hyphen
    if before.isdigit() or after.isdigit():
        return False
    if "\u00ad" in (before, after):
        return False                    # the author hyphenated it by hand
    if before in _JOINERS or (after in _JOINERS and after != "."):
        return False
    if after == "." and end + 1 < len(text) and text[end + 1].isalnum():
        return False                    # "example.org", "e.g"
    return True
