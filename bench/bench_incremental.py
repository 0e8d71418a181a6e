"""Benchmark: the incremental build of the three editions after a one-paragraph edit.

    .venv/bin/python bench/bench_incremental.py [--book reed-ten-days] [--corpus DIR]
        [--chapter 08-chapter-5.md] [--markdown FILE]

The corpus book is copied to a temporary folder (the corpus is never written to), with its build
cache there too (BOOKBUILD_CACHE), and every build runs with SOURCE_DATE_EPOCH=1700000000, as a
draft (`--draft`: Ten Days repeats a passage on purpose), all three editions:

1. cold: an empty cache and an empty output folder;
2. after an edit: one word of the first long paragraph of `--chapter` is changed (its page count
   stays), and the three editions are built again into the same folder;
3. the same edited manuscript built cold into another folder with another empty cache, whose
   editions must equal those of step 2 byte for byte.

Each build runs `bookbuild.pipeline.build` in a process of its own (as the command line does,
without its argument parsing), timed wall clock, and says what the print edition laid out again
(`bookbuild.writers.record`). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EPOCH = "1700000000"
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
# Run in a child process: one build, then what the print edition made and reused, as JSON.
RUNNER = """
import json, sys
from pathlib import Path
from bookbuild.pipeline import build
from bookbuild.progress import Progress
from bookbuild.writers.record import LAST_BUILD
result = build(Path(sys.argv[1]), Path(sys.argv[2]), ["pdf", "epub", "html"],
               Progress(quiet=True), draft=True)
assert len(result.outputs) == 3, result.rejected
print(json.dumps({"made": LAST_BUILD.made("pdf"), "reused": LAST_BUILD.reused("pdf")}))
"""


def run(manuscript: Path, out: Path, cache: Path) -> tuple[float, dict[str, list[str]]]:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "BOOKBUILD_CACHE": str(cache)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUNNER, str(manuscript), str(out)],
                          env=environment, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, json.loads(done.stdout.strip().splitlines()[-1])


def edit_one_paragraph(chapter: Path) -> None:
    """Change one word of the chapter's first paragraph of 80 words or more."""
    paragraphs = chapter.read_text(encoding="utf-8").split("\n\n")
    index = next(i for i, p in enumerate(paragraphs) if len(p.split()) >= 80
                 and not p.lstrip().startswith(("#", "[^", ">", "|")))
    words = paragraphs[index].split(" ")
    middle = len(words) // 2
    words[middle] = "very" if words[middle] != "very" else "most"
    paragraphs[index] = " ".join(words)
    chapter.write_text("\n\n".join(paragraphs), encoding="utf-8")


def digests(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--book", default="reed-ten-days")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--chapter", default="08-chapter-5.md")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as folder:
        work = Path(folder)
        book = work / "book"
        shutil.copytree(args.corpus / args.book, book)
        cold, _ = run(book, work / "out", work / "cache")
        edit_one_paragraph(book / args.chapter)
        again, record = run(book, work / "out", work / "cache")
        reference, _ = run(book, work / "cold", work / "cache-cold")
        same = digests(work / "out") == digests(work / "cold")
    made = record["made"]
    chapters = [name for name in made if name.endswith(".md")]
    total = len(chapters) + len([name for name in record["reused"] if name.endswith(".md")])
    lines = ["| book | cold s | after a one-paragraph edit s | ratio | laid out again | "
             "same bytes as a cold build |", "|---|---:|---:|---:|---|---|",
             f"| {args.book} | {cold:.2f} | {again:.2f} | {again / cold:.0%} | "
             f"{len(chapters)} of {total} gatherings ({', '.join(made) or 'nothing'}) | "
             f"{'yes' if same else 'NO'} |",
             "", f"(the cold build of the edited manuscript, for the comparison: {reference:.2f} s)"]
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
