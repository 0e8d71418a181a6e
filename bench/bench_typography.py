"""How well a print PDF is set: word spacing and hyphenation, read back from the finished file
with the proof report's own reader (`bookbuild.proofread`), so any engine's PDF can be compared.

Counted over the justified body lines of the pages asked for: lines at the body size (notes and
quotations set smaller are left out) that fill the measure and are not the last line of their
paragraph (headings and other ragged lines are not justified). For each PDF one row:

- mean word space of a line = (its right edge - its left edge - the widths of its words) /
  its spaces / the body size, in ems: the median and the 95th percentile over the lines;
- the share of lines looser than 0.5 em;
- the share of lines ending in a hyphenation (a word broken, not a compound at its own hyphen:
  see `bookbuild.proofread.hyphens`), and the runs of 3 or more such lines in a row on a page;
- the capitalised words broken at a line end.

    .venv/bin/python bench/bench_typography.py PDF [PDF ...] [--pages 20-200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from bookbuild.proofread.findings import runs, word_space
from bookbuild.proofread.hyphens import Hyphenation
from bookbuild.proofread.lines import JUSTIFIED, Document, Line, Page, read_document, short_of

LOOSE = 0.5         # em
RUN = 3             # hyphenated lines in a row


@dataclass(frozen=True)
class Row:
    name: str
    pages: int
    lines: int
    median: float
    p95: float
    loose: float            # share of lines
    hyphenated: float       # share of lines
    runs: int
    capitals: int

    def markdown(self) -> str:
        return (f"| {self.name} | {self.pages} | {self.lines} | {self.median:.3f} | {self.p95:.3f} | "
                f"{100 * self.loose:.1f} % | {100 * self.hyphenated:.1f} % | {self.runs} | "
                f"{self.capitals} |")


HEADER = ("| PDF | pages | justified lines | word space, median (em) | 95th percentile (em) | "
          f"looser than {LOOSE} em | ending in a hyphenation | runs of {RUN}+ | capitalised words "
          "broken |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|")


def measure(path: Path, first: int, last: int) -> Row:
    """The row of one PDF, over its pages first..last (1-based, inclusive)."""
    document = read_document(path)
    hyphens = Hyphenation(document)
    pages = [p for p in document.pages if first <= p.number <= last]
    lines = [line for page in pages for line in page.lines if _counted(document, page, line)]
    if not lines:
        raise SystemExit(f"{path}: no justified body lines on pages {first}-{last}")
    spaces = sorted(word_space(line) / document.body_size for line in lines)
    broken = [line for line in lines if hyphens.breaks_word(line)]
    return Row(str(path), len(pages), len(lines), statistics.median(spaces),
               statistics.quantiles(spaces, n=20)[-1] if len(spaces) > 1 else spaces[0],
               sum(space > LOOSE for space in spaces) / len(spaces), len(broken) / len(lines),
               sum(len(runs(page.lines, hyphens.breaks_word, RUN)) for page in pages),
               sum(hyphens.broken_capital(line) for line in broken))


def _counted(document: Document, page: Page, line: Line) -> bool:
    """A justified body line: the body size, filling the measure, not its paragraph's last."""
    paragraph = document.paragraph_of(line)
    return (abs(line.size - document.body_size) < 0.2 and line.justified
            and abs(short_of(line, document.measure(page).right)) <= JUSTIFIED
            and len(line.spaced) > 1 and line is not paragraph.lines[-1])


def _range(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    if not first.isdigit() or not (last.isdigit() or last == ""):
        raise argparse.ArgumentTypeError(f"{text!r} is not a page range; give e.g. 20-200")
    return int(first), int(last) if last else 10**9


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", type=Path, nargs="+", metavar="PDF")
    parser.add_argument("--pages", type=_range, default=(1, 10**9), metavar="FIRST-LAST",
                        help="physical pages, 1-based, inclusive (default: all)")
    args = parser.parse_args(argv)
    print(HEADER)
    for pdf in args.pdfs:
        print(measure(pdf, *args.pages).markdown(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
