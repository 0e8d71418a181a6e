"""Benchmark: the copy-edit checks (checks/copyedit/) on the corpus books, step by step.

    .venv/bin/python bench/bench_copyedit.py [CORPUS_DIR] [BOOK...] [--repeat N]

Each book is read into the model first (pandoc, cached after the first run; not timed), then the
copy-edit checks run on it as `bookbuild check` runs them. Printed per book: the time of each
shared step (reading the prose, the quotation marks, the word stream, what the word checks look
for: "expected") and of each check, wall clock and CPU, and the findings per code. The target:
all of Gibbon (1.56 million words) in under 2 s. CPU time is printed beside the wall clock
because other processes on a shared machine slow the wall clock down; `--repeat N` runs
everything N times and prints the fastest of each figure (the run least disturbed by other work).
"""

from __future__ import annotations

import gc
import sys
import time
from collections import Counter
from pathlib import Path

from bookbuild.checks.copyedit import STEPS, Prose, check_copyedit, prepare
from bookbuild.model import Book
from bookbuild.pipeline import load
from bookbuild.progress import Progress

BOOKS = ("reed-ten-days", "tolstoy-war-and-peace", "gibbon-decline-and-fall")
SHARED = ("chapters", "quotes", "words", "expected")


def _timed(action: object) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action() if callable(action) else None
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _steps(book: Book, rows: dict[str, list[tuple[float, float]]], found: dict[str, int]) -> None:
    """One run of the shared steps and the checks, each timed into `rows`."""
    prose = Prose(book)
    gc.disable()                        # as check_copyedit runs its steps (see there)
    for name in SHARED:
        read = (lambda: prepare(prose, STEPS)) if name == "expected" \
            else (lambda name=name: getattr(prose, name))
        wall, cpu, _ = _timed(read)
        rows.setdefault(f"read {name}", []).append((wall, cpu))
    for step in STEPS:
        wall, cpu, result = _timed(lambda step=step: list(step.run(prose)))
        rows.setdefault(step.code, []).append((wall, cpu))
        found[step.code] = len(result)  # type: ignore[arg-type]
    gc.enable()


def measure(manuscript: Path, repeat: int = 1) -> None:
    book = load(manuscript, Progress(quiet=True))
    words = sum(len(c.words.words) + len(c.note_words.words) for c in book.chapters)
    print(f"\n## {manuscript.name} ({words:,} words)\n")
    rows: dict[str, list[tuple[float, float]]] = {}
    found: dict[str, int] = {}
    checks: list[tuple[float, float]] = []
    counts: Counter[str] = Counter()
    for _ in range(repeat):
        _steps(book, rows, found)
        gc.collect()
        wall, cpu, findings = _timed(lambda: list(check_copyedit(book)))
        checks.append((wall, cpu))
        counts = Counter(f.code for f in findings)  # type: ignore[attr-defined]
        gc.collect()
    print("| step | wall s | CPU s | findings |")
    print("|---|---:|---:|---:|")
    for name, times in rows.items():
        shown = found.get(name, "")
        print(f"| {name} | {min(w for w, _ in times):.2f} | {min(c for _, c in times):.2f} | {shown} |")
    total_wall = sum(min(w for w, _ in times) for times in rows.values())
    total_cpu = sum(min(c for _, c in times) for times in rows.values())
    print(f"| **all steps** | **{total_wall:.2f}** | **{total_cpu:.2f}** | |")
    wall, cpu = min(w for w, _ in checks), min(c for _, c in checks)
    print(f"\n`check_copyedit` as `bookbuild check` runs it: {wall:.2f} s wall, {cpu:.2f} s CPU; "
          + ", ".join(f"{code} {count}" for code, count in sorted(counts.items())))


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    args = sys.argv[1:]
    repeat = 1
    if "--repeat" in args:
        at = args.index("--repeat")
        repeat = int(args[at + 1])
        del args[at: at + 2]
    corpus = Path(args.pop(0)) if args and Path(args[0]).is_dir() else default
    for name in args or BOOKS:
        measure(corpus / name, repeat)


if __name__ == "__main__":
    main()
