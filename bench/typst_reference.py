"""A reference for `bench_typography.py`: the same manuscript set by Typst, at bookbuild's page.

Pandoc (from pypandoc-binary) converts the chapters to Typst markup; a preamble sets bookbuild's
default page for the book (the trim from book.yaml, the mirrored margins of
`bookbuild.writers.pdf.geometry` for the page count estimated from the words), the book face
from styles/fonts at the size geometry gives the trim (10.5 pt at 5.5 x 8.5 in), justified and
hyphenated text in the book's language, a first-line indent of 1.2 em, chapters opening on a
recto. Typst itself is not a dependency of bookbuild: install the `typst` Python package (which
carries the compiler) into a separate virtual environment and name its Python:

    python3 -m venv /tmp/typst-venv && /tmp/typst-venv/bin/pip install typst
    .venv/bin/python bench/typst_reference.py [MANUSCRIPT] --typst-python /tmp/typst-venv/bin/python
    .venv/bin/python bench/bench_typography.py OUT/<slug>-typst.pdf dist/<slug>.pdf

Internal links become plain text (a Typst label placed at the start of a quotation does not
attach to it, and a link to it stops the compilation); nothing else of the manuscript changes.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypandoc

from bookbuild.ast import words
from bookbuild.pipeline import load
from bookbuild.progress import Progress
from bookbuild.resources import style_file
from bookbuild.writers.pdf.geometry import estimate_pages, geometry

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("BOOKBUILD_SHARED") or ROOT.parent / "shared") / "corpus"

PREAMBLE = """\
#set page(width: {width}pt, height: {height}pt,
  margin: (inside: {inside}pt, outside: {outside}pt, top: {top}pt, bottom: {bottom}pt),
  numbering: "1")
#set text(font: "Gentium Book Plus", size: {size}pt, lang: "{lang}", {region}hyphenate: true)
#set par(justify: true, leading: 0.75em, spacing: 0.75em, first-line-indent: 1.2em)
#show heading.where(level: 1): it => {{ pagebreak(to: "odd", weak: true); v(6em); it; v(2em) }}
#let horizontalrule = align(center)[\\*]
"""
COMPILE = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
           "font_paths=[sys.argv[3]])")


def typst_source(manuscript: Path) -> tuple[str, str]:
    """The book's slug and its Typst source: the preamble, then the chapters."""
    book = load(manuscript, Progress(quiet=True))
    config = book.config
    text_words = sum(len(words(block.node)) for chapter in book.chapters for block in chapter.blocks)
    note_words = sum(len(words(note.blocks)) for note in book.notes)
    shape = geometry(config, estimate_pages(text_words, note_words, config), False, False)
    language, _, region = config.lang.partition("-")
    preamble = PREAMBLE.format(
        width=shape.width, height=shape.height, inside=shape.inside, outside=shape.outside,
        top=shape.top, bottom=shape.bottom, size=shape.font_size, lang=language.lower(),
        region=f'region: "{region.upper()}", ' if region else "")
    files = [str(chapter.source.path) for chapter in book.chapters]
    body = pypandoc.convert_file(files, "typst", format="markdown")
    return config.slug, preamble + re.sub(r"#link\(<[^>]*>\)", "#text", body)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manuscript", type=Path, nargs="?", default=CORPUS / "reed-ten-days")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()), metavar="DIR")
    parser.add_argument("--typst-python", required=True, metavar="PYTHON",
                        help="a Python that has the typst package")
    args = parser.parse_args(argv)
    slug, source = typst_source(args.manuscript)
    args.out.mkdir(parents=True, exist_ok=True)
    typ, pdf = args.out / f"{slug}-typst.typ", args.out / f"{slug}-typst.pdf"
    typ.write_text(source, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([args.typst_python, "-c", COMPILE, str(typ), str(pdf),
                    str(style_file("fonts"))], check=True)
    print(f"wrote {pdf} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
