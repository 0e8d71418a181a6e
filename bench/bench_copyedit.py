"""Benchmark: the copy-edit checks (checks/copyedit/) on the corpus books, step by step.

    .venv/bin/python bench/bench_copyedit.py [CORPUS_DIR] [BOOK...]

Each book is read into the model first (pandoc, cached after the first run; not timed), then the
copy-edit checks run on it as `bookbuild check` runs them. Printed per book: the time of each
shared step (reading the prose, the quotation marks, the word stream) and of each check, wall
clock and CPU, and the findings per code. The target: all of Gibbon (1.56 million words) in
under 2 s. CPU time is printed beside the wall clock because other processes on a shared
machine slow the wall clock down.
"""

from __future__ import annotations

import gc
import sys
import time
from collections import Counter
from pathlib import Path

from bookbuild.checks.copyedit import STEPS, Prose, check_copyedit
from bookbuild.pipeline import load
from bookbuild.progress import Progress

BOOKS = ("reed-ten-days", "tolstoy-war-and-peace", "gibbon-decline-and-fall")
SHARED = ("chapters", "quotes", "words")


def _timed(action: object) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action() if callable(action) else None
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure(manuscript: Path) -> None:
    book = load(manuscript, Progress(quiet=True))
    words = sum(len(c.words.words) + len(c.note_words.words) for c in book.chapters)
    print(f"\n## {manuscript.name} ({words:,} words)\n")
    print("| step | wall s | CPU s | findings |")
    print("|---|---:|---:|---:|")
    prose = Prose(book)
    total_wall = total_cpu = 0.0
    gc.disable()                        # as check_copyedit runs its steps (see there)
    for name in SHARED:
        wall, cpu, _ = _timed(lambda name=name: getattr(prose, name))
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"| read {name} | {wall:.2f} | {cpu:.2f} | |")
    for step in STEPS:
        wall, cpu, found = _timed(lambda step=step: list(step.run(prose)))
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"| {step.code} | {wall:.2f} | {cpu:.2f} | {len(found)} |")  # type: ignore[arg-type]
    print(f"| **all steps** | **{total_wall:.2f}** | **{total_cpu:.2f}** | |")
    gc.enable()
    wall, cpu, findings = _timed(lambda: list(check_copyedit(book)))
    counts = Counter(f.code for f in findings)  # type: ignore[attr-defined]
    print(f"\n`check_copyedit` as `bookbuild check` runs it: {wall:.2f} s wall, {cpu:.2f} s CPU; "
          + ", ".join(f"{code} {count}" for code, count in sorted(counts.items())))


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    args = sys.argv[1:]
    corpus = Path(args.pop(0)) if args and Path(args[0]).is_dir() else default
    for name in args or BOOKS:
        measure(corpus / name)


if __name__ == "__main__":
    main()
