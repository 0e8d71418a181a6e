"""Proofread stage: what a good press's proofreader marks on the printed pages.

Every kind of finding has a stable code, given in `KINDS` (as `bookbuild.checks.codes` lists
the checks). Each rule reads the lines and paragraphs of a `Document`; none reads the CSS.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bookbuild.diagnostics import Place
from bookbuild.proofread.hyphens import Hyphenation, ends_in_hyphen
from bookbuild.proofread.lines import Box, Document, Line, Page, Paragraph, short_of

OVERFULL = 0.5              # points past the measure
LADDER = 3                  # consecutive lines ending in a hyphen
HEADING_SIZE = 0.5          # points over the body size


@dataclass(frozen=True)
class Kind:
    code: str
    what: str


KINDS: tuple[Kind, ...] = (
    Kind("loose-line", "a justified line whose mean word space is over the limit"),
    Kind("overfull-line", "a line that runs past the measure"),
    Kind("hyphen-ladder", f"{LADDER} or more consecutive lines ending in a hyphen"),
    Kind("runt", "a paragraph of 3 lines or more whose last line is a single word"),
    Kind("widow", "a paragraph's last line alone at the top of a page"),
    Kind("orphan", "a paragraph's first line alone at the foot of a page"),
    Kind("page-ends-hyphen", "the last line of a page ends in a word break"),
    Kind("heading-at-foot", "a heading as the last thing on a page"),
    Kind("uneven-spread", "facing pages whose text ends more than a line apart"),
    Kind("broken-capitalised-word", "a hyphenation that splits a capitalised word"),
)
CODES = tuple(kind.code for kind in KINDS)


@dataclass(frozen=True)
class Finding:
    """One thing to look at: the page (0-based index), a code, what is wrong, the boxes to mark
    (page index, box) and the paragraph it is in, for finding it in the manuscript."""

    page: int
    code: str
    message: str
    marks: tuple[tuple[int, Box], ...]
    paragraph: Paragraph | None = field(default=None, compare=False, repr=False)
    place: Place | None = None          # the paragraph's place in the manuscript, when known


@dataclass(frozen=True)
class Rules:
    """What the rules share: the document, its hyphenations and the limits."""

    document: Document
    hyphens: Hyphenation
    limit_space: float = 0.5            # em


def find(document: Document, limit_space: float = 0.5) -> list[Finding]:
    """Every finding in the document, by page."""
    rules = Rules(document, Hyphenation(document), limit_space)
    checks: list[Callable[[Rules], Iterator[Finding]]] = [
        loose_lines, overfull_lines, hyphen_ladders, runts, widows_and_orphans, page_end_hyphens,
        broken_capitals, headings_at_foot, uneven_spreads]
    found = [finding for check in checks for finding in check(rules)]
    return sorted(found, key=lambda f: (f.page, f.marks[0][1][1] if f.marks else 0, CODES.index(f.code)))


def quote(line: Line, words: int = 6) -> str:
    """The start of a line, for a message."""
    text = " ".join(w.text for w in line.words[:words])
    return f"“{text}{' …' if len(line.words) > words else ''}”"


def word_space(line: Line) -> float:
    """The mean space between the words of a line, in points: the line's width less its words'
    widths, over the spaces (a list's number hung before the text left out)."""
    words = line.spaced
    if len(words) < 2:
        return 0.0
    used = sum(w.width for w in words)
    return (words[-1].x1 - words[0].x0 - used) / (len(words) - 1)


def is_justified_body(rules: Rules, line: Line) -> bool:
    """A line set to the width of its block that is not the last of its paragraph."""
    paragraph = rules.document.paragraph_of(line)
    return line.justified and len(line.words) > 1 and line is not paragraph.lines[-1]


def loose_lines(rules: Rules) -> Iterator[Finding]:
    for line in rules.document.lines():
        if not is_justified_body(rules, line):
            continue
        space = word_space(line) / line.size
        if space > rules.limit_space:
            yield _at(rules, line, "loose-line", f"mean word space {space:.2f} em (limit "
                      f"{rules.limit_space:g} em) in {quote(line)}")


def overfull_lines(rules: Rules) -> Iterator[Finding]:
    for page in rules.document.pages:
        measure = rules.document.measure(page)
        for line in page.lines:
            over = -short_of(line, measure.right)
            if over > OVERFULL:
                yield _at(rules, line, "overfull-line", f"runs {over:.1f} pt past the measure: "
                          f"{quote(line)} ends with “{line.words[-1].text}”")


def runs(lines: list[Line], test: Callable[[Line], bool], length: int = LADDER) -> list[list[Line]]:
    """The runs of `length` or more consecutive lines that pass `test`."""
    found: list[list[Line]] = []
    run: list[Line] = []
    for line in lines:
        if test(line):
            run.append(line)
            continue
        if len(run) >= length:
            found.append(run)
        run = []
    return found + ([run] if len(run) >= length else [])


def hyphen_ladders(rules: Rules) -> Iterator[Finding]:
    """Lines in a row ending in a hyphen, any hyphen: the eye sees the ladder either way."""
    for page in rules.document.pages:
        for run in runs(page.lines, ends_in_hyphen):
            yield Finding(page.index, "hyphen-ladder", f"{len(run)} lines in a row end in a hyphen, "
                          f"from {quote(run[0])}", tuple((page.index, line.box) for line in run),
                          rules.document.paragraph_of(run[0]))


def runts(rules: Rules) -> Iterator[Finding]:
    for paragraph in rules.document.paragraphs:
        lines = paragraph.lines
        if len(lines) >= 3 and len(lines[-1].words) == 1 and all(line.justified for line in lines[:-1]):
            yield _at(rules, lines[-1], "runt", f"the paragraph's last line is one word, "
                      f"“{lines[-1].words[0].text}”")


def widows_and_orphans(rules: Rules) -> Iterator[Finding]:
    for paragraph in rules.document.paragraphs:
        lines = paragraph.lines
        if len(lines) < 2 or lines[0].page == lines[-1].page:
            continue
        if lines[-1].page != lines[-2].page:
            yield _at(rules, lines[-1], "widow", f"the last line of a paragraph is alone at the "
                      f"top of the page: {quote(lines[-1])}")
        if lines[0].page != lines[1].page:
            yield _at(rules, lines[0], "orphan", f"the first line of a paragraph is alone at the "
                      f"foot of the page: {quote(lines[0])}")


def page_end_hyphens(rules: Rules) -> Iterator[Finding]:
    for page in rules.document.pages:
        if page.lines and rules.hyphens.breaks_word(page.lines[-1]):
            last = page.lines[-1]
            yield _at(rules, last, "page-ends-hyphen", f"the page ends in the middle of a word, "
                      f"“{last.words[-1].text}”, to be turned over to finish")


def broken_capitals(rules: Rules) -> Iterator[Finding]:
    for line in rules.document.lines():
        if ends_in_hyphen(line) and rules.hyphens.broken_capital(line):
            yield _at(rules, line, "broken-capitalised-word", f"a capitalised word is broken: "
                      f"“{line.words[-1].text}”")


def headings_at_foot(rules: Rules) -> Iterator[Finding]:
    document = rules.document
    for page in document.pages[:-1]:
        if not page.lines:
            continue
        last = document.paragraph_of(page.lines[-1])
        heading = [line for line in last.lines if line.page == page.index]
        above = page.lines[:len(page.lines) - len(heading)]
        if above and any(line.justified for line in above) and _is_heading(
                rules, page, heading, above[-1]):
            yield Finding(page.index, "heading-at-foot", f"the heading {quote(heading[0])} is the "
                          "last thing on the page; its text begins overleaf",
                          tuple((page.index, line.box) for line in heading), last)


def _is_heading(rules: Rules, page: Page, lines: list[Line], before: Line) -> bool:
    """A few lines, ragged, larger than the text or set in another face apart from it (an
    italic subheading)."""
    if len(lines) > 3 or any(line.justified for line in lines):
        return False
    body = max(page.body_size, rules.document.body_size)
    if all(line.size >= body + HEADING_SIZE for line in lines):
        return True
    step = rules.document.leading * lines[0].size / rules.document.body_size
    apart = lines[0].baseline - before.baseline > 1.5 * step
    face = statistics.mode(line.font for line in page.lines)
    return apart and all(line.font != face for line in lines)


def uneven_spreads(rules: Rules) -> Iterator[Finding]:
    document = rules.document
    pages = document.pages
    for verso, recto in zip(pages[1::2], pages[2::2], strict=False):
        if not (_plain(document, verso) and _plain(document, recto)):
            continue
        apart = abs(verso.depth - recto.depth)
        if apart > document.leading + 1:
            shorter = verso if verso.depth < recto.depth else recto
            yield Finding(verso.index, "uneven-spread", f"the facing pages {verso.number} and "
                          f"{recto.number} end {apart / document.leading:.1f} lines apart "
                          f"(page {shorter.number} is short)",
                          tuple((p.index, p.lines[-1].box) for p in (verso, recto)))


def _plain(document: Document, page: Page) -> bool:
    """A page of running text: not blank, not a chapter's first page (its text sinks below the
    usual top) nor its last (the next page is blank or opens a chapter)."""
    top = document.top
    if not page.lines or abs(page.lines[0].baseline - top) > 2:
        return False
    following = document.pages[page.index + 1] if page.index + 1 < len(document.pages) else None
    return following is not None and bool(following.lines) and abs(following.lines[0].baseline - top) <= 2


def _at(rules: Rules, line: Line, code: str, message: str) -> Finding:
    return Finding(line.page, code, message, ((line.page, line.box),),
                   rules.document.paragraph_of(line))
