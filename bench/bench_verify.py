"""What the build's proof of its editions costs: each corpus book is built once (a draft, all
three editions), then each edition is read back and proved again here, timed on its own, as
`write_edition` does before moving it into place. Prints seconds and the share of the build.

    .venv/bin/python bench/bench_verify.py [BOOK ...]    (default: reed-ten-days tolstoy-war-and-peace)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bookbuild.pipeline import load
from bookbuild.progress import Progress
from bookbuild.verify import check_edition

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("BOOKBUILD_SHARED") or ROOT.parent / "shared") / "corpus"
DEFAULT = ("reed-ten-days", "tolstoy-war-and-peace")


def main(books: list[str]) -> None:
    print("| book | build, all three (s) | EPUB proof (s) | HTML proof (s) | PDF notes proof (s) | proof / build |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in books:
        manuscript = CORPUS / name
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bookbuild", "build", "--draft", "--quiet",
                            "--manuscript", str(manuscript), "--out", out], check=True,
                           capture_output=True)
            build = time.perf_counter() - start
            book = load(manuscript, Progress(quiet=True))
            slug = book.config.slug
            times = []
            for edition, path in (("EPUB", Path(out) / f"{slug}.epub"), ("HTML", Path(out) / "html"),
                                  ("PDF", Path(out) / f"{slug}.pdf")):
                start = time.perf_counter()
                check_edition(book, edition, path)
                times.append(time.perf_counter() - start)
        # EPUB and HTML are proved one after the other in the main process; the PDF's proof runs
        # in the print process, beside them: the build waits for the longer of the two.
        on_path = max(times[0] + times[1], times[2])
        print(f"| {name} | {build:.1f} | {times[0]:.2f} | {times[1]:.2f} | {times[2]:.2f} | "
              f"{100 * on_path / build:.1f} % |")


if __name__ == "__main__":
    main(sys.argv[1:] or list(DEFAULT))
