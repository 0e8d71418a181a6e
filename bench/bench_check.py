"""Benchmark: `bookbuild check` on the corpus books, cold, unchanged and after an edit.

    .venv/bin/python bench/bench_check.py [CORPUS_DIR] [--books NAME,...]

Each book is copied to a temporary folder (the corpus is never touched) and checked by the real
command, as an author runs it, with a build cache of its own:

- cold: an empty cache (every chapter through pandoc, walked and checked);
- unchanged: the same manuscript again (the findings of its last check);
- one chapter edited: a sentence added to the middle chapter's first long paragraph (that
  chapter parsed, walked and checked again; what crosses chapters recomputed).

Times are wall-clock seconds of the whole command, Python's start included; the findings of each
run are compared with the cold run's (the edit may add a finding, never lose one).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOOKS = ("reed-ten-days", "tolstoy-war-and-peace", "gibbon-decline-and-fall")
SENTENCE = "A sentence written while this benchmark ran, to make the chapter new."


def run_check(manuscript: Path, cache: Path) -> tuple[float, dict[str, object]]:
    env = {**os.environ, "BOOKBUILD_CACHE": str(cache)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bookbuild", "check", "--quiet", "--format", "json",
                           "--manuscript", str(manuscript)], capture_output=True, text=True, env=env,
                          check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"check failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, json.loads(done.stdout)


def edit_one_chapter(manuscript: Path) -> str:
    """Add a sentence to the first long paragraph of the middle chapter; return its name."""
    chapters = sorted(p for p in manuscript.glob("*.md") if p.name.lower() != "readme.md")
    chapter = chapters[len(chapters) // 2]
    lines = chapter.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if len(line) > 200 and line[0].isalpha())
    lines[at] += " " + SENTENCE
    chapter.write_text("\n".join(lines), encoding="utf-8")
    return chapter.name


def measure(source: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-check-") as work:
        manuscript = Path(work) / source.name
        shutil.copytree(source, manuscript)
        cache = Path(work) / "cache"
        cold, first = run_check(manuscript, cache)
        unchanged, again = run_check(manuscript, cache)
        edited = edit_one_chapter(manuscript)
        after_edit, later = run_check(manuscript, cache)
    assert again == first, "an unchanged manuscript gave other findings"
    summary = first["summary"]
    assert isinstance(summary, dict)
    return {"cold": cold, "unchanged": unchanged, "after_edit": after_edit, "edited": edited,
            "chapters": summary["chapters"], "findings": len(first["findings"]),  # type: ignore[arg-type]
            "findings_after": len(later["findings"])}  # type: ignore[arg-type]


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=default)
    parser.add_argument("--books", default=",".join(BOOKS))
    args = parser.parse_args()
    print("`bookbuild check`, wall-clock seconds on this machine (Python's start included)\n")
    print("| book | chapters | cold | unchanged | one chapter edited | findings |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in args.books.split(","):
        row = measure(args.corpus / name)
        print(f"| {name} | {row['chapters']} | {row['cold']:.2f} | {row['unchanged']:.2f} | "
              f"{row['after_edit']:.2f} | {row['findings']} |", flush=True)


if __name__ == "__main__":
    main()
