"""Index stage, step 2: the order of entries, by the Unicode Collation Algorithm as ICU tailors
it to the book's language (Swedish sorts "Å" after "Z", English beside "A"); ICU, not a hand-made
sort, because a press's index follows the language's own alphabet (Chicago 16.56-16.58: letter by
letter or word by word; ICU's default is word by word, the spaces counting, as Chicago prefers)."""

from __future__ import annotations

from typing import Protocol

import icu


class Collator(Protocol):
    def key(self, text: str) -> bytes: ...


class _IcuCollator:
    def __init__(self, lang: str) -> None:
        self._collator = icu.Collator.createInstance(icu.Locale(lang.replace("-", "_")))

    def key(self, text: str) -> bytes:
        return bytes(self._collator.getSortKey(text))


def collator(lang: str) -> Collator:
    """The collator of `lang` (a BCP 47 tag such as "en-GB"); ICU falls back to the root
    collation (the UCA's default order) for a language it does not tailor."""
    return _IcuCollator(lang)
