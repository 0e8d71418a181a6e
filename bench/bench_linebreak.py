"""What the optimal line breaker costs: the PDF edition of a manuscript built with it and with
WeasyPrint's own first fit, CPU time of the whole build (all processes), and what it did.

    .venv/bin/python bench/bench_linebreak.py [MANUSCRIPT ...] [--jobs N] [--format pdf,epub,html]

Default: the book in manuscript/ and Ten Days from ../shared/corpus (built as a draft: it holds
real repeated passages). Each build runs in a fresh process; the first-fit build replaces the
breaker's context manager with a no-op, nothing else changes. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

_CHILD = """
import contextlib, json, sys
import bookbuild.writers.pdf.parts as parts
from bookbuild.typeset import STATS
if sys.argv[1] == "first-fit":
    parts.optimal_line_breaking = contextlib.nullcontext
from bookbuild.cli import main
try:
    main(["build", "--manuscript", sys.argv[2], "--out", sys.argv[3], "--format", sys.argv[5],
          "--draft", "--quiet", "--jobs", sys.argv[4]])
except SystemExit:
    pass
print(json.dumps(dict(STATS)))
"""


def build(manuscript: Path, mode: str, jobs: int,
          formats: str) -> tuple[float, float, dict[str, int]]:
    """(wall seconds, CPU seconds of the build and its children, the breaker's counts)."""
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _CHILD, mode, str(manuscript), out, str(jobs),
                               formats],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines()
    return wall, cpu, json.loads(lines[-1]) if lines else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("manuscripts", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, default=1,
                        help="layout processes (default 1: the counts are kept by one process)")
    parser.add_argument("--format", default="pdf",
                        help="the editions to build (default pdf; pdf,epub,html for a whole build)")
    args = parser.parse_args()
    books = args.manuscripts or [ROOT / "manuscript", CORPUS / "reed-ten-days"]
    print("| book | first fit: wall / CPU s | optimal: wall / CPU s | CPU cost | paragraphs by pass "
          "| left to first fit | lines not as planned |")
    print("|---|---|---|---|---|---|---|")
    for book in books:
        if not book.exists():
            print(f"| {book.name} | (absent) |||||")
            continue
        ff_wall, ff_cpu, _ = build(book, "first-fit", args.jobs, args.format)
        kp_wall, kp_cpu, stats = build(book, "optimal", args.jobs, args.format)
        passes = ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()) if k.startswith("pass"))
        fallback = sum(v for k, v in stats.items() if k.startswith("first fit"))
        print(f"| {book.name} | {ff_wall:.1f} / {ff_cpu:.1f} | {kp_wall:.1f} / {kp_cpu:.1f} | "
              f"{100 * (kp_cpu - ff_cpu) / ff_cpu:+.1f} % | {passes} | {fallback} | "
              f"{stats.get('lines not as planned', 0)} |")


if __name__ == "__main__":
    main()
