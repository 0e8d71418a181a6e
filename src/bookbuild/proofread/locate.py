"""Proofread stage: find the manuscript file and line of a paragraph of the printed book.

Every paragraph-like piece of the book model (a paragraph, a heading, a list item's text, a line
of verse, a note's paragraph) is indexed by its first words, as `bookbuild.ast.words` reads
them (case-folded, punctuation and note calls left out), and superscripts left out too: the
printed words leave out what is set small and raised. A printed paragraph is found by its own
first words, with a word broken at a line end joined again; a list or note number that opens
it in print but not in the manuscript is skipped when the words do not match at once. A piece
inside a block (a quotation's second paragraph) is placed at its block's first line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bookbuild.ast import WORD, iter_nodes, iter_text
from bookbuild.diagnostics import Place
from bookbuild.model import Book
from bookbuild.proofread.lines import Line, Paragraph

KEY_WORDS = 8
_PIECES = frozenset({"Para", "Plain", "Header", "CodeBlock"})
_SKIP = frozenset({"Note", "NoteRef", "Cite", "Superscript"})


class Locator:
    """The manuscript places of a book's paragraphs, by their first words."""

    def __init__(self, book: Book) -> None:
        self.index: dict[tuple[str, ...], Place] = {}
        for chapter in book.chapters:
            for block in chapter.blocks:
                self._add(block.node, block.place)
        for note in book.notes:
            self._add(note.blocks, note.place)

    def _add(self, value: object, place: Place) -> None:
        for piece in _pieces(value):
            key = tuple(_words(piece)[:KEY_WORDS])
            if key:
                self.index.setdefault(key, place)

    def place(self, paragraph: Paragraph, joins: Callable[[Line], bool]) -> Place | None:
        """Where the manuscript has the paragraph; `joins` tells whether a line ends inside
        a word."""
        tokens = printed_words(paragraph.lines[:KEY_WORDS], joins)
        for skip in (0, 1):
            key = tuple(tokens[skip:skip + KEY_WORDS])
            if key and key in self.index:
                return self.index[key]
        return None


def _words(piece: object) -> list[str]:
    """The words of a piece as printed at the text's size: superscripts (reference marks such
    as "A7.1", set small and raised) are left out, as the printed words leave them out."""
    return [w.casefold() for text in iter_text(piece, _SKIP) for w in WORD.findall(text)]


def _pieces(value: object) -> Iterable[object]:
    """The paragraph-like nodes under `value`, each line of verse apart."""
    for node in iter_nodes(value, frozenset({"Note", "NoteRef"})):
        if node["t"] in _PIECES:
            yield node
        elif node["t"] == "LineBlock":
            yield from node["c"]


def printed_words(lines: list[Line], joins: Callable[[Line], bool]) -> list[str]:
    """The words of printed lines as `bookbuild.ast.words` reads the manuscript: a word broken
    at a line end joined again, note calls left out."""
    text: list[str] = []
    for line in lines:
        keys = [w.key for w in line.words]
        if text and text[-1].endswith("\x00"):
            keys[0] = text.pop()[:-1] + keys[0]
        text.extend(keys)
        if joins(line):
            text[-1] = text[-1].rstrip("\u2010\u00ad-") + "\x00"
    return [token.casefold() for piece in text for token in WORD.findall(piece.rstrip("\x00"))]

