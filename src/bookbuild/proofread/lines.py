"""Proofread stage: set the words of a finished PDF back into lines, pages and paragraphs.

A line is the words sharing a baseline; a note call drawn smaller above it belongs to it (and to
the word it touches). The running head is a page's first line when it stands apart from the text
by more than a line at the place most pages have theirs; the folio is a page's last line when it
is a number (arabic or roman) standing apart likewise; what is left is the text block. The body
size is the most common size of the text (of the book, and of each page); the measure, the left
and right edges of the text block, is the most common left and right edge of body lines, for
rectos and versos apart since their margins mirror.

A line is justified when its spaces are even and it reaches the edge of the measure, or an edge
many lines end at (an indented block such as a quotation). A paragraph starts after a line that
is not justified (unless it ends in a hyphen), at an indented first line (a list's hung number
aside), after more space than the leading, at a change of size, and at a chapter's first page
(its text sinks below the usual top); it runs on over a page break otherwise.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from bookbuild.proofread.words import SUPERSCRIPT, PageWords, Word, read_words

Box = tuple[float, float, float, float]     # x0, top, x1, bottom in points, top-down
T = TypeVar("T")

SAME_BASELINE = 0.25        # em: words whose baselines differ by less share a line
JUSTIFIED = 0.75            # points: a line this close to the edge reaches it
INDENT = 0.4                # em: a first line indented by more starts a paragraph
EXTRA_SPACE = 1.25          # a gap between baselines over this many leadings starts a paragraph
BLOCK_WIDTH = 0.7           # of the measure: the narrowest justified block (a quotation)
EVEN_GAPS = 0.3             # em: the widest and narrowest space of a justified line differ less
HEAD_GAP = 1.4              # leadings between a running head or folio and the text block
HYPHEN_ENDINGS = ("\u2010", "\u00ad", "-")
HANGING = frozenset("-\u2010\u00ad.,;:!?’”'\")…–—")
# A list item's number or bullet: "3.", "iv)", "(a)", "•".
MARKER = re.compile(r"\(?(\d{1,3}|[a-z]|[ivxlc]{1,6})[.)]|[•◦▪‣–—*]", re.IGNORECASE)


@dataclass
class Line:
    """One printed line: its words, left to right."""

    page: int                       # 0-based page index
    words: list[Word]
    paragraph: int = -1             # index in Document.paragraphs
    justified: bool = False

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @cached_property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @cached_property
    def baseline(self) -> float:
        return _mode((round(w.baseline, 1), 1) for w in self.words)

    @cached_property
    def size(self) -> float:
        """The size of most of the line's characters."""
        return _mode((round(w.size, 1), len(w.text)) for w in self.words)

    @cached_property
    def font(self) -> str:
        return _mode((w.font, len(w.text)) for w in self.words)

    @cached_property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def spaced(self) -> list[Word]:
        """The words that justification spaces: a list's number or bullet hung before the
        text is set apart by a space of its own."""
        if len(self.words) > 2 and MARKER.fullmatch(self.words[0].text):
            return self.words[1:]
        return self.words

    def gaps(self) -> list[float]:
        """The spaces between the words that justification spaces, in points."""
        words = self.spaced
        return [b.x0 - a.x1 for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class Measure:
    """The left and right edges of the text block on one side (recto or verso)."""

    left: float
    right: float


@dataclass
class Page:
    index: int                      # 0-based; page index 0 is a recto
    width: float
    height: float
    lines: list[Line]               # the text block, top to bottom
    head: Line | None = None
    folio: Line | None = None
    images: list[Box] = field(default_factory=list)
    body_size: float = 0.0

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def recto(self) -> bool:
        return self.index % 2 == 0

    @property
    def blank(self) -> bool:
        return not self.lines and not self.images

    @property
    def depth(self) -> float:
        """Where the text block ends: the last baseline, or the foot of a picture below it."""
        ends = [self.lines[-1].baseline] if self.lines else []
        return max(ends + [image[3] for image in self.images], default=0.0)


@dataclass
class Paragraph:
    lines: list[Line]


@dataclass
class Document:
    """A PDF read back: its pages, text block lines and paragraphs."""

    path: Path
    pages: list[Page]
    body_size: float
    leading: float                  # between baselines of body text, points
    measures: dict[bool, Measure]   # recto? -> measure
    top: float = 0.0                # the first baseline of a full page of text
    paragraphs: list[Paragraph] = field(default_factory=list)

    def measure(self, page: Page) -> Measure:
        return self.measures[page.recto]

    def lines(self) -> Iterator[Line]:
        for page in self.pages:
            yield from page.lines

    def paragraph_of(self, line: Line) -> Paragraph:
        return self.paragraphs[line.paragraph]


def read_document(path: Path) -> Document:
    """Read the PDF at `path` into pages, lines and paragraphs."""
    pages = [_page(words) for words in read_words(path)]
    body = _mode((line.size, len(line.words)) for page in pages for line in page.lines) if any(
        page.lines for page in pages) else 10.0
    leading = _leading(pages, body)
    _running_heads(pages, leading)
    _folios(pages, leading)
    for page in pages:
        page.body_size = _mode((line.size, len(line.text)) for line in page.lines) if page.lines else body
    measures = {side: _measure([p for p in pages if p.recto == side], body) for side in (True, False)}
    document = Document(path, pages, body, leading, measures, _usual_top(pages))
    _mark_justified(document)
    document.paragraphs = _paragraphs(document)
    return document


def _mode(weighted: Iterable[tuple[T, int]]) -> T:
    """The value with the greatest weight."""
    counts: Counter[T] = Counter()
    for value, weight in weighted:
        counts[value] += weight
    return counts.most_common(1)[0][0]


def _page(found: PageWords) -> Page:
    return Page(found.index, found.width, found.height, lines_of(found.words, found.index),
                images=found.images)


def lines_of(words: list[Word], page: int) -> list[Line]:
    """The words of a page set in lines, top to bottom; a line of small raised words just above
    another (note calls after a space) joins it."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.baseline, w.x0)):
        if lines and word.baseline - lines[-1][0].baseline <= SAME_BASELINE * word.size:
            lines[-1].append(word)
        else:
            lines.append([word])
    merged: list[list[Word]] = []
    for index, group in enumerate(lines):
        below = lines[index + 1] if index + 1 < len(lines) else None
        if below is not None and _raised_over(group, below):
            below.extend(group)
            continue
        merged.append(group)
    return [Line(page, _calls_joined(sorted(group, key=lambda w: w.x0))) for group in merged]


def _calls_joined(words: list[Word]) -> list[Word]:
    """A note call drawn apart from the word it follows (smaller, raised, touching it) joins
    that word: it takes room on the line but is no word of its own."""
    joined: list[Word] = []
    for word in words:
        before = joined[-1] if joined else None
        if (before is not None and word.size <= SUPERSCRIPT * before.size
                and word.baseline < before.baseline - 0.15 * before.size
                and word.x0 - before.x1 < 0.15 * before.size):
            joined[-1] = dataclasses.replace(before, text=before.text + word.text, x1=word.x1,
                                             ink=word.ink)
        else:
            joined.append(word)
    return joined


def _raised_over(group: list[Word], below: list[Word]) -> bool:
    size = max(w.size for w in below)
    return (max(w.size for w in group) <= SUPERSCRIPT * size
            and 0 < below[0].baseline - group[0].baseline <= 0.6 * size)


def _leading(pages: list[Page], body: float) -> float:
    steps: Counter[float] = Counter()
    for page in pages:
        for a, b in zip(page.lines, page.lines[1:], strict=False):
            if abs(a.size - body) < 0.2 and abs(b.size - body) < 0.2:
                steps[round(b.baseline - a.baseline, 1)] += 1
    return steps.most_common(1)[0][0] if steps else 1.2 * body


def _running_heads(pages: list[Page], leading: float) -> None:
    """Take out the running heads: a page's first line set apart from the next by more than
    a leading, at the place where most pages have theirs."""
    candidates = [p for p in pages if len(p.lines) > 1
                  and p.lines[1].baseline - p.lines[0].baseline > HEAD_GAP * leading]
    place = _common_place([p.lines[0].baseline for p in candidates])
    for page in candidates:
        if place is not None and abs(page.lines[0].baseline - place) < 2:
            page.head = page.lines.pop(0)


def _folios(pages: list[Page], leading: float) -> None:
    """Take out the folios: a page's last line, a number (arabic or roman), set apart."""
    for page in pages:
        if not page.lines or not _is_folio(page.lines[-1].text):
            continue
        if len(page.lines) == 1 or page.lines[-1].baseline - page.lines[-2].baseline > HEAD_GAP * leading:
            page.folio = page.lines.pop()


def _is_folio(text: str) -> bool:
    return text.isdigit() or (bool(text) and all(c in "ivxlcdm" for c in text.lower()))


def _common_place(baselines: list[float]) -> float | None:
    """The baseline most pages share (to the point), if at least three do."""
    counts = Counter(round(b) for b in baselines)
    if not counts or counts.most_common(1)[0][1] < 3:
        return None
    return float(counts.most_common(1)[0][0])


def _measure(pages: list[Page], body: float) -> Measure:
    """The most common left and right edges of body lines (to half a point), refined to the
    median of the edges in that half point."""
    lines = [line for page in pages for line in page.lines
             if abs(line.size - body) < 0.2 and len(line.words) >= 4]
    if not lines:
        return Measure(0.0, 0.0)
    return Measure(_edge([line.x0 for line in lines]), _edge([line.x1 for line in lines]))


def _edge(values: list[float]) -> float:
    common = Counter(round(v * 2) / 2 for v in values).most_common(1)[0][0]
    return statistics.median(v for v in values if abs(v - common) <= 0.25)


def _mark_justified(document: Document) -> None:
    """A line is justified when its spaces are even and it reaches the right edge of the
    measure (or runs past it: an overfull line is full), or an edge that many lines of the book
    end at (an indented block, such as the quotations), or the edge where two of the two lines
    before and after it end, at the same size (one line sharing the edge may be chance in
    ragged text). Edges are compared to the measure of each line's page."""
    lines = list(document.lines())
    rights = [document.measures[line.page % 2 == 0].right for line in lines]
    short = [short_of(line, right) for right, line in zip(rights, lines, strict=True)]
    candidates = [i for i, line in enumerate(lines) if _candidate(document, line)]
    edges = _block_edges([short[i] for i in candidates])
    for index in candidates:
        line = lines[index]
        if short[index] <= JUSTIFIED or any(abs(short[index] - edge) <= JUSTIFIED for edge in edges):
            line.justified = True
            continue
        beside = [i for i in range(max(0, index - 2), min(len(lines), index + 3)) if i != index
                  and len(lines[i].words) > 1 and abs(lines[i].size - line.size) < 0.2
                  and abs(lines[i].page - line.page) <= 1 and abs(short[index] - short[i]) <= JUSTIFIED]
        line.justified = len(beside) >= 2


def short_of(line: Line, right: float) -> float:
    """How far the line ends short of `right` (negative: past it), by the advance of its last
    glyph or by its ink, whichever is nearer (small capitals share their character's advance
    with the lower case). A final hyphen or punctuation mark that hangs into the margin (Typst
    hangs them) reaches the edge when the edge falls within the glyph."""
    last = line.words[-1]
    if last.text[-1] in HANGING and last.tail - JUSTIFIED <= right <= max(last.x1, last.ink) + JUSTIFIED:
        return 0.0
    return min(right - last.x1, right - last.ink, key=abs)


def _candidate(document: Document, line: Line) -> bool:
    """A line that may be justified: two words or more, evenly spaced, filling most of the
    measure, not a line of a table of contents."""
    measure = document.measures[line.page % 2 == 0]
    return (len(line.words) > 1 and not _leaders(line) and _even(line)
            and line.x1 - line.x0 >= BLOCK_WIDTH * (measure.right - measure.left))


def _block_edges(shorts: list[float]) -> list[float]:
    """The right edges (as distances short of the measure) that many lines end at: the measure
    itself, and peaks that stand far above the lines around them (ragged lines spread out)."""
    bins = Counter(round(value * 2) / 2 for value in shorts)
    edges = [0.0]
    for value, count in bins.most_common():
        around = [bins.get(value + step / 2, 0) for step in range(-8, 9) if abs(step) > 1]
        if value > JUSTIFIED and count >= max(5, 4 * statistics.median(around)):
            edges.append(statistics.median(s for s in shorts if abs(s - value) <= 0.25))
    return edges


def _even(line: Line) -> bool:
    """Whether the spaces of a line are about equal, as justification sets them (the columns
    of a table are not)."""
    gaps = line.gaps()
    return not gaps or max(gaps) - min(gaps) < EVEN_GAPS * line.size


def _leaders(line: Line) -> bool:
    """A line of a table of contents, with dot leaders to its page number."""
    return sum(1 for w in line.words if set(w.text) <= {".", "․", "…"}) >= 3


def _paragraphs(document: Document) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    previous: Line | None = None
    for page in document.pages:
        for line in page.lines:
            if previous is None or _starts_paragraph(document, previous, line):
                paragraphs.append(Paragraph([]))
            line.paragraph = len(paragraphs) - 1
            paragraphs[-1].lines.append(line)
            previous = line
        if page.blank:
            previous = None
    return paragraphs


def _usual_top(pages: list[Page]) -> float:
    """The baseline of the first line of a full page of text."""
    firsts = [(float(round(p.lines[0].baseline)), 1) for p in pages if len(p.lines) > 5]
    return _mode(firsts) if firsts else 0.0


def _starts_paragraph(document: Document, before: Line, line: Line) -> bool:
    size = max(before.size, line.size)
    ended = not before.justified and not before.words[-1].text.endswith(HYPHEN_ENDINGS)
    if abs(before.size - line.size) > 0.3 or ended:
        return True
    indent = line.x0 - document.measure(document.pages[line.page]).left
    before_indent = text_start(before) - document.measure(document.pages[before.page]).left
    if indent > INDENT * line.size and indent > before_indent + INDENT * line.size:
        return True
    if before.page != line.page:
        first = document.pages[line.page].lines[0] is line
        return first and line.baseline > document.top + document.leading
    step = document.leading * size / document.body_size
    return line.baseline - before.baseline > EXTRA_SPACE * step


def text_start(line: Line) -> float:
    """Where a line's text starts: after a list's number or bullet hung before it."""
    return line.spaced[0].x0
