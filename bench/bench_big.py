"""Benchmark: one big book, the measurements that matter for it, without the peer chain.

    .venv/bin/python bench/bench_big.py [BOOK_DIR]    (default: the corpus's Gibbon)

On a copy of the book, with a build cache of its own: `bookbuild check` cold, then once parsed,
then after one edited chapter; all three editions cold; EPUB + HTML after one more edit. Wall
time and peak memory (PSS of the whole process tree) of each, as bench_build.py measures them.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench_build import measure
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
BOOKBUILD = ROOT / ".venv" / "bin" / "bookbuild"


def run(label: str, args: list[str | Path], env: dict[str, str]) -> None:
    # check says 1 when it finds errors: Gibbon has real repeated passages.
    result = measure([str(BOOKBUILD), *map(str, args)], ROOT, env, allowed=(0, 1))
    print(f"| {label} | {result.seconds:.1f} | {result.peak_mb:,.0f} |", flush=True)


def main() -> None:
    default = ROOT.parent / "shared" / "corpus" / "gibbon-decline-and-fall"
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    with tempfile.TemporaryDirectory(prefix="bench-big-") as temp:
        work = Path(temp)
        book = work / "book"
        shutil.copytree(source, book)
        cache = work / "cache"
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "BOOKBUILD_CACHE": str(cache)}
        chapter = sorted(book.glob("*.md"))[len(list(book.glob("*.md"))) // 2]
        print(f"{source.name}; edits go to {chapter.name}\n")
        print("| run | seconds | peak MB |\n|---|---:|---:|")
        run("check, cold", ["check", "-q", "--manuscript", book], env)
        run("check, once parsed", ["check", "-q", "--manuscript", book], env)
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
        run("check after one edited chapter", ["check", "-q", "--manuscript", book], env)
        shutil.rmtree(cache)
        out = work / "out"
        run("all three editions, cold", ["build", "-q", "--draft", "--manuscript", book, "--out", out], env)
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nAnother one.\n", encoding="utf-8")
        run("EPUB + HTML after an edit", ["build", "-q", "--draft", "--format", "epub,html",
                                          "--manuscript", book, "--out", out], env)
        print(f"\nPDF pages: {len(PdfReader(next(out.glob('*.pdf'))).pages):,}")


if __name__ == "__main__":
    main()
