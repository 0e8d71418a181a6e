"""Checks stage (copy-editing): `doubled-word`, a word typed twice ("and and").

Two pieces of the word stream in a row whose words are the same, with nothing but white space
and markup between them (a line break, emphasis, a link), in one paragraph; a capital does not
hide a doubled short word at a sentence's start ("The the"). Punctuation between
them is meant ("Warrha, Warrha"), and so are the doublings each language makes ("that that",
"had had"). Roman numerals are left out: references count them ("l. i i").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import compress, count, islice
from operator import eq

from bookbuild.checks.copyedit.findings import Finding
from bookbuild.checks.copyedit.words import Words
from bookbuild.diagnostics import Place

# Doublings a language means: "that that", "had had", "gave her her freedom", "told you you
# were", "the will will show"; "nous nous", "faire faire". Books quote other languages without
# marking them, so every language's list applies in every book.
MEANT: dict[str, frozenset[str]] = {
    "en": frozenset({"that", "had", "is", "was", "do", "did", "does", "you", "her", "will", "bye",
                     "ha", "ho", "hee", "tut", "pooh", "there", "yada", "chop", "knock", "hush",
                     "tsk", "can"}),
    "fr": frozenset({"nous", "vous", "en", "l", "que", "faire"}),
    "de": frozenset({"die", "der", "das", "sie", "es"}),
}
ALL_MEANT = frozenset().union(*MEANT.values())
# Words often typed twice across a sentence's capital: "The the", "In in".
CAPITAL_DOUBLINGS = frozenset("""
    the a an and but or in on at to of for with by from as it he she we they i you his her its
    their this that these those there then when if so not no yes all some one
    le la les de des un une et il elle der die das und ein eine es
""".split())
_ROMAN = re.compile(r"[ivxlcdm]+")


def _capitals(words: Words) -> dict[str, str]:
    """The book's capitalised words that are often typed twice, with their lower case."""
    return {typed: word for word in CAPITAL_DOUBLINGS
            for typed in (word[:1].upper() + word[1:], word.upper()) if typed in words.bare}


def looks_for(words: Words) -> set[str]:
    return set(words.derive(_capitals))


def check_doubled_words(words: Words) -> Iterator[Finding]:
    meant = ALL_MEANT
    pieces = words.pieces
    # Equal pieces in a row ("the the"): one comparison of the stream with itself, in C. A
    # capital hides a doubling at a sentence's start ("The the", "And and"): those are function
    # words, few enough to look at one by one.
    same = compress(count(), map(eq, pieces, islice(pieces, 1, None)))
    capitals = words.derive(_capitals)
    case = [position for position in words.positions(set(capitals))
            if position + 1 < len(pieces) and pieces[position + 1] == capitals[pieces[position]]]
    forms, bare = words.forms, words.bare
    for position in sorted(set(same) | set(case)):
        first, second = pieces[position], pieces[position + 1]
        word = forms[first]
        if not word or word != forms[second] or word in meant or _ROMAN.fullmatch(word) \
                or first not in bare or second not in bare \
                or not words.same_paragraph(position, position + 1):
            continue
        place = words.place(position + 1)
        doubled = f"{words.cased[first]} {words.cased[second]}"
        yield Finding(
            "doubled-word",
            f"“{doubled}”: the word is typed twice; delete one, or if it is meant, add "
            f"“{doubled}” to 'accepted-variants' in book.yaml",
            Place(place.chapter.file, place.line), subjects=(doubled,))
