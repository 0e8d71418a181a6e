"""Proofread stage: tell a hyphenation (a word broken at the end of a line) from a compound
broken at its own hyphen.

WeasyPrint prints the hyphen it inserts as U+2010 HYPHEN (the style's hyphenate-character),
while a hyphen typed in the manuscript is U+002D; a soft hyphen (U+00AD) is a break too. So in
a PDF where any line ends in U+2010 or U+00AD, those are the hyphenations and U+002D is a
compound's own hyphen (a U+2010 typed in the manuscript that happens to end a line is taken for
a break). Other engines (Typst) print both as U+002D: there a break is read from
the words of the book. It is a hyphenation when the joined word ("com-" + "promise" =
"compromise") is printed elsewhere in the text, or when the hyphenated form ("com-promise") is
not; only a hyphenated form that occurs in the text with no joined form elsewhere
("working-class") is taken for a compound.
"""

from __future__ import annotations

import re
from collections import Counter

from bookbuild.proofread.lines import HYPHEN_ENDINGS, Document, Line

BREAK_MARKS = ("\u2010", "\u00ad")
# Around a word: quotes, brackets and punctuation, not letters, digits or inner hyphens.
_EDGES = "\"'“”‘’«»‹›()[]{}.,;:!?…—–*†‡§¶/"


def ends_in_hyphen(line: Line) -> bool:
    """Whether the line's last word ends in a hyphen of any kind."""
    return line.words[-1].text.endswith(HYPHEN_ENDINGS)


def bare(word: str) -> str:
    """A word without the quotes and punctuation around it, case-folded."""
    return word.strip(_EDGES).casefold()


class Hyphenation:
    """Decides, for the lines of one document, which line-ending hyphens break a word."""

    def __init__(self, document: Document) -> None:
        lines = list(document.lines())
        self.marked = any(line.words[-1].text.endswith(BREAK_MARKS) for line in lines)
        self.next: dict[int, Line] = {id(a): b for a, b in zip(lines, lines[1:], strict=False)}
        self.lexicon: Counter[str] = Counter()
        if not self.marked:
            self._learn(lines)

    def _learn(self, lines: list[Line]) -> None:
        """Every word printed whole: not a line's last word ending in a hyphen, nor the word
        that follows it."""
        broken = False
        for line in lines:
            words = line.words[1:] if broken else line.words
            broken = ends_in_hyphen(line)
            if broken:
                words = words[:-1]
            self.lexicon.update(bare(w.text) for w in words)

    def breaks_word(self, line: Line) -> bool:
        """Whether the line ends in a hyphenation (a word broken across the line end)."""
        last = line.words[-1].text
        if last.endswith(BREAK_MARKS):
            return True
        if not last.endswith("-") or self.marked or len(last.rstrip("-")) == 0:
            return False
        following = self.next.get(id(line))
        if following is None:
            return True
        stem, rest = bare(last.rstrip("-")), bare(following.words[0].text)
        if not stem or not rest or not rest[0].isalpha():
            return False
        return self.lexicon[stem + rest] > 0 or self.lexicon[f"{stem}-{rest}"] == 0

    def broken_capital(self, line: Line) -> bool:
        """Whether the line ends by breaking a capitalised word (a name: "Petro‐grad")."""
        # The broken word is what follows the last dash or slash ("Alexander—gen‐" breaks
        # "general", not "Alexander").
        stem = re.split(r"[\u2013\u2014/]", line.words[-1].text)[-1].lstrip(_EDGES)
        return bool(stem) and stem[0].isupper() and self.breaks_word(line)
