"""Benchmark: `bookbuild check` on the corpus books, as a table of times and words per second.

    .venv/bin/python bench/bench_check.py [CORPUS_DIR]

For each book: the time to read and parse it into the model (pandoc included), the time of the
checks on that model, of the duplicated-passage check alone, and the words it compares per second.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from bookbuild.checks import CHECKS, run_checks
from bookbuild.checks.duplicates import check_duplicates
from bookbuild.pipeline import load
from bookbuild.progress import Progress

BOOKS = ("reed-ten-days", "tolstoy-war-and-peace", "gibbon-decline-and-fall")


def measure(manuscript: Path) -> dict[str, float]:
    started = time.perf_counter()
    book = load(manuscript, Progress(quiet=True))
    loaded = time.perf_counter()
    findings = run_checks(book)
    checked = time.perf_counter()
    list(check_duplicates(book))
    duplicates = time.perf_counter() - checked
    words = sum(len(c.words.words) + len(c.note_words.words) for c in book.chapters)
    return {"words": words, "load": loaded - started, "checks": checked - loaded,
            "duplicates": duplicates, "findings": len(findings)}


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print(f"{len(CHECKS)} checks; times in seconds on this machine\n")
    print("| book | words | parse + model | all checks | duplicate check | words/s (checks) | findings |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in BOOKS:
        row = measure(corpus / name)
        print(f"| {name} | {row['words']:,} | {row['load']:.2f} | {row['checks']:.2f} | "
              f"{row['duplicates']:.2f} | {row['words'] / row['checks']:,.0f} | {row['findings']} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of the whole run: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
