"""Checks stage: passages that appear twice in the book, copies and near-copies alike.

The words the author wrote (case-folded; punctuation, quotes, dashes, emphasis, citations and
note calls left out: see `parse.words`) form one stream per chapter text and per footnote. Every
run of `SEED` words seen before is a seed, paired with its first occurrence. Seeds on one
diagonal (same distance between the two places) join into runs; runs join into chains across
small jumps, so a changed word or a dropped sentence does not break a chain. A chain that shares
at least `checks.duplicate-min-words` words on both sides is a finding. Each step is one pass
over the words or the seeds, so the cost grows linearly with the book.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Iterator
from dataclasses import dataclass, field

from bookbuild.ast import WORD
from bookbuild.checks.codes import finding
from bookbuild.diagnostics import Diagnostic, Place
from bookbuild.model import Book
from bookbuild.parse.scan import Kind
from bookbuild.parse.words import WordIndex

SEED = 6            # words in a seed: short enough that one changed word in ten leaves seeds
MAX_GAP = 60        # words a chain may jump: a changed stretch or a dropped sentence
DENSE = 0.6         # share of the denser side's span that matched words must fill
SPARSE = 0.3        # ... and of the other side's (which may keep a sentence the copy dropped)
TOLERANCE = 2       # a changed word at the edge of a match is crossed when this many beyond agree


# -- the stream of words -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Region:
    """A stretch of one chapter's word index: its text, or one footnote."""

    file: str
    index: WordIndex
    first: int          # position of its first word in `index`
    start: int          # position of its first word in the stream


@dataclass
class _Stream:
    words: list[object] = field(default_factory=list)   # words; separators are unique ints
    regions: list[_Region] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)

    def add(self, file: str, index: WordIndex, first: int, end: int) -> None:
        if end <= first:
            return
        self.regions.append(_Region(file, index, first, len(self.words)))
        self.starts.append(len(self.words))
        self.words.extend(index.words[first:end])
        self.words.append(len(self.regions))         # a separator no seed can cross

    def region(self, position: int) -> _Region:
        return self.regions[bisect.bisect_right(self.starts, position) - 1]

    def local(self, position: int) -> tuple[_Region, int]:
        """The region of a stream position, and the position in that region's word index."""
        region = self.region(position)
        return region, region.first + position - region.start


def _stream(book: Book) -> _Stream:
    stream = _Stream()
    for chapter in book.chapters:
        words = chapter.words
        start = 0
        for first, last in _fences(chapter.scan.kinds):     # code is not prose: leave it out
            stream.add(chapter.file, words, start, words.position_at_line(first))
            start = words.position_at_line(last + 1)
        stream.add(chapter.file, words, start, len(words.words))
        notes = chapter.note_words
        for definition in chapter.scan.defs:
            stream.add(chapter.file, notes, notes.position_at_line(definition.line),
                       notes.position_at_line(definition.end_line + 1))
    return stream


def _fences(kinds: list[Kind]) -> Iterator[tuple[int, int]]:
    """The first and last line of each fenced code block."""
    start = None
    for number, kind in enumerate(kinds, start=1):
        if kind is Kind.FENCE and start is None:
            start = number
        elif kind is not Kind.FENCE and start is not None:
            yield start, number - 1
            start = None
    if start is not None:
        yield start, len(kinds)


# -- seeds, runs and chains ------------------------------------------------------------------------

def _seeds(words: list[object]) -> list[tuple[int, int]]:
    """(first occurrence, later occurrence) of every repeated run of SEED words, in order of
    the later one. Every step but the last runs in C (map, compress): on Gibbon's 1.6 million
    words the pure-Python loop was the check's largest cost."""
    keys = zip(*(words[k:] for k in range(SEED)), strict=False)
    seen: dict[tuple[object, ...], int] = {}
    firsts = list(map(seen.setdefault, keys, itertools.count()))    # each key's first position
    gaps = map(operator.sub, itertools.count(), firsts)
    later = itertools.compress(itertools.count(), map(SEED.__le__, gaps))
    return [(firsts[position], position) for position in later]


@dataclass
class _Chain:
    i_start: int
    i_end: int
    j_start: int
    j_end: int
    matched_i: int = SEED
    matched_j: int = SEED

    def extend(self, other: _Chain) -> None:
        self.matched_i += other.matched_i - max(0, self.i_end - other.i_start)
        self.matched_j += other.matched_j - max(0, self.j_end - other.j_start)
        self.i_end = max(self.i_end, other.i_end)
        self.j_end = max(self.j_end, other.j_end)


def _runs(seeds: list[tuple[int, int]]) -> list[_Chain]:
    """Seeds on one diagonal, joined while the gaps stay small; in order of their start."""
    runs: list[_Chain] = []
    current: dict[int, _Chain] = {}
    for i, j in seeds:
        seed = _Chain(i, i + SEED, j, j + SEED)
        run = current.get(j - i)
        if run is not None and j - run.j_end <= MAX_GAP:
            run.extend(seed)
        else:
            current[j - i] = seed
            runs.append(seed)
    return runs


def _chains(runs: list[_Chain]) -> list[_Chain]:
    """Runs joined across diagonals: a word inserted or deleted, a sentence dropped."""
    chains: list[_Chain] = []
    active: list[_Chain] = []
    for run in runs:
        active = [chain for chain in active if run.j_start - chain.j_end <= MAX_GAP]
        best, best_gap = None, 3 * MAX_GAP
        for chain in active:
            gap_i, gap_j = run.i_start - chain.i_end, run.j_start - chain.j_end
            if -SEED <= gap_i <= MAX_GAP and -SEED <= gap_j <= MAX_GAP and chain.i_end <= run.j_start:
                if abs(gap_i) + abs(gap_j) < best_gap:
                    best, best_gap = chain, abs(gap_i) + abs(gap_j)
        if best is None:
            chain = _Chain(run.i_start, run.i_end, run.j_start, run.j_end, run.matched_i, run.matched_j)
            chains.append(chain)
            active.append(chain)
        else:
            best.extend(run)
    return chains


def _is_shared(chain: _Chain, min_words: int) -> bool:
    if min(chain.matched_i, chain.matched_j) < min_words:
        return False
    density_i = chain.matched_i / (chain.i_end - chain.i_start)
    density_j = chain.matched_j / (chain.j_end - chain.j_start)
    return max(density_i, density_j) >= DENSE and min(density_i, density_j) >= SPARSE


def _widen(words: list[object], chain: _Chain) -> _Chain:
    """Grow a chain's ends over equal words, and over a single changed word when the words
    beyond it agree again: seeds start and stop a few words inside the shared passage."""
    def same(i: int, j: int, count: int) -> bool:
        return i - count >= -1 and all(0 <= i - t and words[i - t] == words[j - t] for t in range(count))

    i, j = chain.i_start, chain.j_start
    while j - 1 >= chain.i_end and (same(i - 1, j - 1, 1) or same(i - 2, j - 2, TOLERANCE)):
        i, j = i - 1, j - 1
    i_end, j_end = chain.i_end, chain.j_end
    ahead = len(words)
    while i_end < j and j_end < ahead and (
            words[i_end] == words[j_end] or
            (j_end + TOLERANCE < ahead and all(words[i_end + t] == words[j_end + t]
                                              for t in range(1, TOLERANCE + 1)))):
        i_end, j_end = i_end + 1, j_end + 1
    return _Chain(i, i_end, j, j_end, chain.matched_i, chain.matched_j)


# -- findings ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Side:
    start: int
    end: int            # exclusive

    def overlaps(self, other: _Side) -> bool:
        shared = min(self.end, other.end) - max(self.start, other.start)
        return shared > min(self.end - self.start, other.end - other.start) // 2


def _carries_reference(stream: _Stream, side: _Side) -> bool:
    """A citation or note call among the side's words, or right after the last one."""
    region, first = stream.local(side.start)
    return any(first + k in region.index.markers for k in range(side.end - side.start + 1))


def _pairs(stream: _Stream, chains: list[_Chain]) -> list[tuple[_Side, _Side]]:
    """(copy, original) for each chain: the copy is the side without the reference, else the
    later one; a copy already paired is not paired again."""
    pairs: list[tuple[_Side, _Side]] = []
    for chain in sorted(chains, key=lambda c: (c.j_start, c.i_start)):
        original, copy = _Side(chain.i_start, chain.i_end), _Side(chain.j_start, chain.j_end)
        if _carries_reference(stream, copy) and not _carries_reference(stream, original):
            original, copy = copy, original
        if not any(copy.overlaps(seen) for seen, _ in pairs):
            pairs.append((copy, original))
    return pairs


def _place(stream: _Stream, side: _Side) -> Place:
    region, first, end = _side_range(stream, side)
    lines = region.index.lines
    return Place(region.file, lines[first], lines[end - 1])


def _text(stream: _Stream, side: _Side) -> str:
    region, first, end = _side_range(stream, side)
    return region.index.text(first, end)


def _side_range(stream: _Stream, side: _Side) -> tuple[_Region, int, int]:
    """The region a side starts in and its word range in the region's index. The range is kept
    within the lines the index knows (the fuzz test found two files of repeated, oddly nested
    notes where it was not); the excerpt then stops there."""
    region, first = stream.local(side.start)
    end = min(first + side.end - side.start, len(region.index.lines))
    return region, first, max(end, first + 1)


def _excerpt(text: str, limit: int = 40) -> str:
    words = text.split()
    if len(words) <= limit:
        return text
    return " ".join(words[:25]) + " … " + " ".join(words[-10:])


def _normal(text: str) -> str:
    """Words only, case-folded: how accepted duplicates are compared."""
    return " " + " ".join(w.casefold() for w in WORD.findall(text)) + " "


def _span(place: Place) -> str:
    return f"{place}-{place.end_line}" if place.end_line != place.line else str(place)


def check_duplicates(book: Book) -> Iterator[Diagnostic]:
    stream = _stream(book)
    min_words = book.config.duplicate_min_words
    chains = [_widen(stream.words, chain) for chain in _chains(_runs(_seeds(stream.words)))
              if _is_shared(chain, min_words)]
    accepted = {entry: _normal(entry) for entry in book.config.accepted_duplicates}
    used: set[str] = set()
    for copy, original in _pairs(stream, chains):
        copy_text = _text(stream, copy)
        texts = _normal(copy_text) + _normal(_text(stream, original))
        hits = [entry for entry, words in accepted.items() if words.strip() and words in texts]
        if hits:
            used.update(hits)
            continue
        where = _place(stream, original)
        yield finding(
            "duplicate-passage",
            f"these {copy.end - copy.start} words repeat {_span(where)}: “{_excerpt(copy_text)}”; "
            "delete the copy, or if the repetition is meant, add a phrase from it to "
            "'accepted-duplicates' in book.yaml",
            _place(stream, copy), (where,))
    for i, entry in enumerate(book.config.accepted_duplicates):
        if entry not in used:
            yield finding("unused-accepted-duplicate", f"the accepted duplicate “{entry}” matches "
                          "no repeated passage; remove it from the list or correct it",
                          book.config.place_of("accepted-duplicates", i))
