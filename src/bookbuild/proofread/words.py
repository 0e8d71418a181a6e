"""Proofread stage: read the words of a finished PDF back, with where each one is printed.

pypdfium2 (PDFium) reads each page's characters in the order they are drawn: the text, the
origin of its glyph, its size and its font. Characters are gathered into words, split at every
space (drawn, or inferred by PDFium), at a gap where no space was drawn (the next glyph starts
more than 1.25 em after the last one), and where the text goes back to the left or leaves the
baseline (PDFium joins a word that ends a line in a hyphen to the next line's first word).

A word runs from the origin of its first glyph to the end of its last glyph's advance: where a
drawn space follows, that is the space's origin; otherwise (at the end of a line) the glyph's
advance is the one it most often has in this document, learnt from where the next glyph starts.
PDFium's own boxes follow the ink (an italic f would seem to pass the measure); the box of a
word's last glyph is kept as `ink`, for glyphs such as small capitals that share their character
with another glyph. A raised glyph set smaller than the word it follows (a note call) stays in
its word but is left out of the word's `key`, the text used to find the word in the manuscript.

Coordinates are PDF points from the top left corner of the page (y grows downwards).
"""

from __future__ import annotations

import ctypes
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Spaces that are set at a fixed width and do not separate words for justification.
FIXED_SPACES = frozenset("\u2009\u200a\u202f\u2006\u2005")
SPLIT_GAP = 0.25                # em: an undrawn gap this wide (after a glyph of 1 em) separates words
SUPERSCRIPT = 0.85              # a glyph smaller than this share of its word's size, and raised
HYPHENS = {"\u2010": "-", "\u00ad": "-"}    # a glyph whose advance is learnt from another's


class ReadError(Exception):
    """The PDF cannot be read (missing, damaged, or the PDF reader is not installed)."""


@dataclass(frozen=True)
class Word:
    """A word as printed: its text and its box in points, top-down."""

    text: str
    key: str                    # the text without raised note calls
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    size: float                 # points, as printed (the font size times the text's scale)
    font: str                   # the font's name without the subset tag
    ink: float                  # where PDFium's box of the last glyph ends (x1 if a space follows)
    tail: float                 # where the last glyph starts

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True)
class PageWords:
    """The words of one page, in the order they are drawn, and the page's picture boxes."""

    index: int                  # 0-based
    width: float
    height: float
    words: list[Word]
    images: list[tuple[float, float, float, float]] = field(default_factory=list)


@dataclass
class _Draft:
    """A word being read; `end` is known when a drawn space follows it."""

    chars: list[str]
    key: list[str]
    x0: float
    top: float
    bottom: float
    baseline: float
    size: float
    font: str
    raw_size: float
    last_origin: float
    last_index: int
    last_raw: float
    last_size: float
    end: float | None = None        # where a drawn space after it starts
    last_ink: float = 0.0           # PDFium's box of the last glyph: the fallback for its end


_Read = tuple[int, float, float, list[_Draft], list[tuple[float, float, float, float]]]


def read_words(path: Path) -> list[PageWords]:
    """Every page of the PDF at `path`, in order, as words."""
    pdfium = _pdfium()
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise ReadError(f"{path} cannot be read as a PDF ({exc})") from exc
    advances = _Advances()
    try:
        read = [_read_page(document, index, advances) for index in range(len(document))]
    finally:
        document.close()
    advances.learn([draft for _, _, _, drafts, _ in read for draft in drafts])
    return [PageWords(index, width, height, [advances.word(d) for d in drafts], images)
            for index, width, height, drafts, images in read]


def _read_page(document: Any, index: int, advances: _Advances) -> _Read:
    """One page's words (their ends not yet known) and picture boxes."""
    page = document[index]
    try:
        width, height = page.get_size()
        text_page = page.get_textpage()
        try:
            drafts = _WordReader(text_page.raw, height, advances).read(text_page.count_chars())
        finally:
            text_page.close()
        return index, width, height, drafts, _images(page, height)
    finally:
        page.close()


def _pdfium() -> Any:
    try:
        import pypdfium2
    except ImportError as exc:
        raise ReadError("the proof report reads PDFs with pypdfium2, which is not installed; "
                        "install it with 'pip install pypdfium2' (it is in bookbuild's test "
                        "extra: pip install -e '.[test]')") from exc
    return pypdfium2


def _images(page: Any, height: float) -> list[tuple[float, float, float, float]]:
    import pypdfium2.raw as raw
    boxes = []
    for item in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = item.get_bounds()
        boxes.append((left, height - top, right, height - bottom))
    return boxes


class _Advances:
    """How far each glyph advances, per em: the most common distance to the next glyph's
    origin, over the document, of the glyphs that end words with no drawn space after them."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], list[float]] = {}
        self.table: dict[tuple[str, str], float] = {}

    def observe(self, font: str, char: str, advance: float) -> None:
        key = (font, char)
        found = self.seen.get(key)
        if found is None:
            self.seen[key] = [advance]
        else:
            found.append(advance)

    def learn(self, drafts: list[_Draft]) -> None:
        wanted = {(d.font, c) for d in drafts if d.end is None
                  for c in (d.chars[-1], HYPHENS.get(d.chars[-1], d.chars[-1]))}
        for key in wanted & self.seen.keys():
            counts = Counter(round(advance, 4) for advance in self.seen[key] if advance > 0)
            if counts:
                self.table[key] = counts.most_common(1)[0][0]

    def word(self, draft: _Draft) -> Word:
        end = draft.end
        if end is None:
            char = draft.chars[-1]
            advance = self.table.get((draft.font, char)) or self.table.get(
                (draft.font, HYPHENS.get(char, char)))
            end = draft.last_origin + advance * draft.last_size if advance else draft.last_ink
        end = max(end, draft.x0)
        return Word("".join(draft.chars), "".join(draft.key), draft.x0, end, draft.top,
                    draft.bottom, draft.baseline, draft.size, draft.font,
                    end if draft.end is not None else draft.last_ink, draft.last_origin)


class _WordReader:
    """Gathers the characters of one text page into words."""

    def __init__(self, text_page: Any, height: float, advances: _Advances) -> None:
        import pypdfium2.raw as raw
        self.raw = raw
        self.page = text_page
        self.height = height
        self.advances = advances
        self.box = raw.FS_RECTF()
        self.matrix = raw.FS_MATRIX()
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()

    def read(self, count: int) -> list[_Draft]:
        raw, page, x, y = self.raw, self.page, self.x, self.y
        unicode, origin_of, size_of = raw.FPDFText_GetUnicode, raw.FPDFText_GetCharOrigin, \
            raw.FPDFText_GetFontSize
        words: list[_Draft] = []
        word: _Draft | None = None
        for index in range(count):
            char = chr(unicode(page, index))
            if char == "\x02":                  # PDFium's mark for a U+002D ending a line
                char = "-"
            if (char.isspace() and char not in FIXED_SPACES) or char == "\x00":
                if word is not None:
                    self._space(word, index, char)
                    words.append(self._finish(word))
                word = None
                continue
            origin_of(page, index, x, y)
            origin = x.value
            this_raw = size_of(page, index)
            if word is not None and (origin - word.last_origin > (1 + SPLIT_GAP) * word.last_size
                                     or self._new_line(word, origin, this_raw)):
                words.append(self._finish(word))
                word = None
            if word is None:
                word = self._start(index, char, origin, this_raw)
            else:
                self._extend(word, index, char, origin, this_raw)
        if word is not None:
            words.append(self._finish(word))
        return words

    def _start(self, index: int, char: str, origin: float, raw_size: float) -> _Draft:
        """A word starting at this character: its size, font, baseline and height (the
        font's ascent and descent, the same for every character of the word)."""
        raw = self.raw
        baseline = self.height - self.y.value
        size = self._size(index, raw_size)
        raw.FPDFText_GetFontInfo(self.page, index, self.name, len(self.name), self.flags)
        name = self.name.value.decode("latin-1")
        raw.FPDFText_GetLooseCharBox(self.page, index, self.box)
        box = self.box
        return _Draft([char], [char], origin, self.height - box.top, self.height - box.bottom,
                      baseline, size, name.partition("+")[2] or name, raw_size, origin, index,
                      raw_size, size)

    def _extend(self, word: _Draft, index: int, char: str, origin: float, raw_size: float) -> None:
        if raw_size == word.raw_size == word.last_raw and origin > word.last_origin:
            self.advances.observe(word.font, word.chars[-1], (origin - word.last_origin) / word.size)
        word.chars.append(char)
        word.last_origin, word.last_index, word.last_raw = origin, index, raw_size
        word.last_size = word.size if raw_size == word.raw_size else self._size(index, raw_size)
        if word.last_size >= SUPERSCRIPT * word.size or \
                self.height - self.y.value >= word.baseline - 0.15 * word.size:
            word.key.append(char)                       # not a raised note call

    def _finish(self, word: _Draft) -> _Draft:
        """A word ended: unless a drawn space gave its end, keep PDFium's box of its last glyph
        for when the glyph's advance cannot be learnt."""
        if word.end is None:
            self.raw.FPDFText_GetLooseCharBox(self.page, word.last_index, self.box)
            word.last_ink = self.box.right
        return word

    def _space(self, word: _Draft, index: int, char: str) -> None:
        """A space after a word: where a drawn one starts, the word's last glyph ends."""
        if char in "\r\n\x00" or self.raw.FPDFText_IsGenerated(self.page, index):
            return
        self.raw.FPDFText_GetCharOrigin(self.page, index, self.x, self.y)
        origin = self.x.value
        if origin >= word.last_origin and abs(self.height - self.y.value - word.baseline) < 0.5:
            word.end = origin
            self.advances.observe(word.font, word.chars[-1], (origin - word.last_origin) / word.size)

    def _new_line(self, word: _Draft, origin: float, raw_size: float) -> bool:
        """Whether a character starts another line: it goes back to the left, or it moves off
        the word's baseline at the word's size (PDFium joins a word ending in a hyphen to the
        first word of the next line)."""
        moved = abs(self.height - self.y.value - word.baseline) > 0.3 * word.size
        return origin < word.last_origin - 0.5 or (moved and raw_size == word.raw_size)

    def _size(self, index: int, raw_size: float) -> float:
        """The printed size of a character: its font size times its text's scale."""
        self.raw.FPDFText_GetMatrix(self.page, index, self.matrix)
        m = self.matrix
        return round(raw_size * math.sqrt(abs(m.a * m.d - m.b * m.c)), 2)
