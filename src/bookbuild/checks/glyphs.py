"""Checks stage: every character the editions show must be in one of the book's fonts.

A character no font of the book has prints as a .notdef box (an empty rectangle) in the PDF, and
in an EPUB or on the web appears in whatever font the reader's device has, if any. So each
character the fonts lack is reported once, at the first place it occurs (the others as related
places), named by its code point and Unicode name, with a font that has it and how to add one.
Text comes from the model, so citations as rendered, notes, the bibliography and book.yaml's
visible values are read as readers will see them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bookbuild.ast import iter_text
from bookbuild.checks.codes import finding
from bookbuild.config import CONFIG_FILE, BookConfig
from bookbuild.diagnostics import Diagnostic, Place
from bookbuild.fontset import (
    FontFileError,
    coverage,
    describe,
    draws_nothing,
    embedding_restricted,
    suggest_font,
)
from bookbuild.model import Book

# book.yaml keys whose values an edition prints (title page, copyright page, running heads).
_SHOWN_KEYS = (("title", "title"), ("subtitle", "subtitle"), ("author", "authors"),
               ("translator", "translators"), ("editor", "editors"), ("rights", "rights"),
               ("publisher", "publisher"), ("edition", "edition"), ("description", "description"))
_RELATED = 5            # other places listed for a character
_NAMED = 40             # characters reported one by one; the rest in one summary


@dataclass
class _Uses:
    first: Place
    others: list[Place] = field(default_factory=list)
    count: int = 1


def check_glyphs(book: Book) -> Iterator[Diagnostic]:
    config = book.config
    problems = list(_font_problems(config))
    yield from problems
    if problems:
        return
    covered = coverage(config)
    missing: dict[str, _Uses] = {}
    for char, place in _uncovered(book, covered):
        uses = missing.get(char)
        if uses is None:
            missing[char] = _Uses(place)
            continue
        uses.count += 1
        if len(uses.others) < _RELATED and place != uses.first and place not in uses.others:
            uses.others.append(place)
    # One finding per place and suggested font, naming each character: a word of Hebrew is
    # one finding, not five.
    groups: dict[tuple[Place, str], list[tuple[str, _Uses]]] = {}
    for char, uses in list(missing.items())[:_NAMED]:
        groups.setdefault((uses.first, suggest_font(char)), []).append((char, uses))
    for (place, suggestion), chars in groups.items():
        yield _finding(chars, place, suggestion, bool(config.fallback_fonts))
    if len(missing) > _NAMED:
        rest = list(missing)[_NAMED:]
        yield finding("missing-glyph", f"{len(rest)} more characters are in no font of the book: "
                      f"{''.join(rest[:60])}{'…' if len(rest) > 60 else ''}; add a font for their "
                      "script as said above", missing[rest[0]].first)


def _finding(chars: list[tuple[str, _Uses]], place: Place, suggestion: str,
             has_fallbacks: bool) -> Diagnostic:
    named = ", ".join(describe(char) + (f" ({uses.count} times)" if uses.count > 1 else "")
                      for char, uses in chars)
    verb = "is" if len(chars) == 1 else "are"
    fonts = "the book face or its fallback fonts" if has_fallbacks else "the book face"
    related = tuple(dict.fromkeys(p for _, uses in chars for p in uses.others))[:_RELATED]
    return finding("missing-glyph", f"{named} {verb} in no font of the book ({fonts}) and would "
                   f"print as an empty box. A font that has {'it' if len(chars) == 1 else 'them'}: "
                   f"{suggestion}; copy its .ttf or .otf file into the manuscript folder and "
                   "name it in book.yaml ('fonts:' then '  fallback: [file.ttf]'), or replace the "
                   f"character{'s' if len(chars) > 1 else ''}", place, related)


def _font_problems(config: BookConfig) -> Iterator[Diagnostic]:
    for index, path in enumerate(config.fallback_fonts):
        place = config.place_of("fonts", "fallback", index)
        try:
            restricted = embedding_restricted(path)
        except FontFileError as exc:
            yield finding("font-invalid", f"{exc}; name a TrueType (.ttf) or OpenType (.otf) "
                          "font file", place)
            continue
        if restricted:
            yield finding("font-invalid", f"{config.relative(path)} may not be embedded: its "
                          "licence (OS/2 fsType) restricts embedding, and every edition embeds "
                          "its fonts; choose a font under the SIL Open Font License", place)


def _uncovered(book: Book, covered: frozenset[int]) -> Iterator[tuple[str, Place]]:
    """Each character no font has, with its place, in reading order."""
    config = book.config
    for key, attribute in _SHOWN_KEYS:
        value = getattr(config, attribute)
        for index, text in enumerate((value,) if isinstance(value, str) else value or ()):
            for char in _lacking(text, covered):
                line = config.place_of(key) if isinstance(value, str) else config.place_of(key, index)
                yield char, line if line.line else Place(CONFIG_FILE, 1)
    for chapter in book.chapters:
        if not _lacking(html.unescape(chapter.source.text), covered):
            # What the chapter shows is its text (entities decoded), typography's marks and
            # citations, whose characters come from the bibliography, read below: no need
            # to walk its blocks.
            continue
        lines = chapter.source.lines
        for block in chapter.blocks:
            yield from _in_node(block.node, block.place, lines, covered)
        for note in book.notes_of(chapter):
            yield from _in_node(note.blocks, note.place, lines, covered)
    yield from _in_bibliography(book, covered)


def _in_node(node: object, place: Place, lines: list[str], covered: frozenset[int]
             ) -> Iterator[tuple[str, Place]]:
    text = "".join(iter_text(node, frozenset({"Note", "NoteRef"})))
    for char in _lacking(text, covered):
        yield char, _line_of(char, place, lines)


def _in_bibliography(book: Book, covered: frozenset[int]) -> Iterator[tuple[str, Place]]:
    entries = book.bibliography.entries if book.bibliography else {}
    for refs in book.bibliography_blocks:
        for entry in refs["c"][1]:
            key = str(entry["c"][0][0]).removeprefix("ref-")
            bib = entries.get(key)
            place = bib.place if bib else Place(config_bibliography(book), None)
            for char in _lacking("".join(iter_text(entry)), covered):
                yield char, place


def config_bibliography(book: Book) -> str:
    paths = book.config.bibliography
    return book.config.relative(paths[0]) if paths else CONFIG_FILE


def _lacking(text: str, covered: frozenset[int]) -> Iterable[str]:
    """The characters of `text` that need a glyph no font has, in order of first use."""
    chars = set(text)
    if all(ord(char) in covered for char in chars):
        return ()
    return [char for char in dict.fromkeys(text)
            if ord(char) not in covered and not draws_nothing(char)]


def _line_of(char: str, place: Place, lines: list[str]) -> Place:
    """The first line of `place` that holds `char` (written literally; an entity or escape
    leaves the block's first line)."""
    start = place.line or 1
    for number in range(start, min(place.end_line or start, len(lines)) + 1):
        if char in lines[number - 1]:
            return Place(place.file, number)
    return Place(place.file, start)


def place_of_character(book: Book, char: str) -> Place | None:
    """Where the manuscript first uses `char`, for messages about an edition (the preflight)."""
    for found, place in _uncovered(book, frozenset()):
        if found == char:
            return place
    return None


__all__ = ["check_glyphs", "place_of_character"]
