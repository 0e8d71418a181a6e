"""Benchmark: what an index and cross-references cost a build.

    .venv/bin/python bench/bench_index.py [--book reed-ten-days] [--marks 500] [--refs 30]

Copies the corpus book twice into a temporary folder (the corpus is never written to): as it is,
and with `--marks` index marks (capitalised words of the text, spread evenly through the book,
`[Word]{.index}`, every tenth a sub-entry) and `--refs` cross-references (an id `{#sec-...}` on
each chapter's heading, then `@sec-...` and `@page-sec-...` to them in paragraphs, half of each),
and builds each cold (its own empty cache, all three editions, `--draft`), twice, alternating.
Prints a Markdown table of the fastest build of each and the growth.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
WORD = re.compile(r"(?<![\w\[*@#{-])([A-Z][a-z]{3,})(?![\w\]*}])")


def mark(book: Path, marks: int, refs: int) -> tuple[int, int]:
    """Add the index marks and cross-references; how many of each were added."""
    chapters = sorted(p for p in book.glob("*.md"))
    ids = [f"sec-{chapter.stem}" for chapter in chapters]
    texts = {}
    for chapter, anchor in zip(chapters, ids, strict=True):
        lines = chapter.read_text(encoding="utf-8").split("\n")
        lines[0] = f"{lines[0]} {{#{anchor}}}" if lines[0].startswith("# ") else lines[0]
        texts[chapter] = lines
    candidates = [(chapter, i) for chapter, lines in texts.items() for i, line in enumerate(lines)
                  if len(line) > 200 and line[0].isalpha() and WORD.search(line)]
    step = max(1, len(candidates) // marks)
    added = 0
    for number, (chapter, i) in enumerate(candidates[::step][:marks]):
        word = WORD.search(texts[chapter][i])
        assert word is not None
        term = f' term="{word.group(1)}!in {chapter.stem}"' if number % 10 == 0 else ""
        line = texts[chapter][i]
        texts[chapter][i] = f"{line[:word.start()]}[{word.group(1)}]{{.index{term}}}{line[word.end():]}"
        added += 1
    places = candidates[step // 2::max(1, len(candidates) // refs)][:refs] if refs else []
    for number, (chapter, i) in enumerate(places):
        target = ids[(number * 7) % len(ids)]
        reference = f"@page-{target}" if number % 2 else f"@{target}"
        texts[chapter][i] += f" (See {reference}.)"
    for chapter, lines in texts.items():
        chapter.write_text("\n".join(lines), encoding="utf-8")
    return added, len(places)


def cold_build(book: Path, work: Path) -> float:
    cache, out = work / "cache", work / "out"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "BOOKBUILD_CACHE": str(cache), "SOURCE_DATE_EPOCH": "1700000000"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bookbuild", "build", "--manuscript", str(book),
                           "--out", str(out), "--draft", "--quiet"], env=env, capture_output=True,
                          text=True, check=False)
    elapsed = time.perf_counter() - started
    if not (out / "html").is_dir():
        raise SystemExit(f"the build of {book} failed:\n{done.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default="reed-ten-days")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--marks", type=int, default=500)
    parser.add_argument("--refs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-index-") as folder:
        work = Path(folder)
        plain, marked = work / "plain", work / "marked"
        shutil.copytree(args.corpus / args.book, plain)
        shutil.copytree(args.corpus / args.book, marked)
        for path in (plain, marked):
            for file in path.rglob("*"):
                file.chmod(0o644 if file.is_file() else 0o755)
        added, references = mark(marked, args.marks, args.refs)
        times: dict[str, list[float]] = {"plain": [], "marked": []}
        for _ in range(2):
            times["plain"].append(cold_build(plain, work / "build-plain"))
            times["marked"].append(cold_build(marked, work / "build-marked"))
    base, indexed = min(times["plain"]), min(times["marked"])
    print(f"| {args.book} | all three editions, cold (s) | |\n|---|---:|---:|")
    print(f"| as it is | {base:.2f} | |")
    print(f"| with {added} index marks and {references} cross-references | {indexed:.2f} | "
          f"{(indexed / base - 1) * 100:+.1f} % |")


if __name__ == "__main__":
    main()
