"""Import, writing stage: the manuscript folder.

Everything is written into a temporary folder beside DIR (`staging`) and renamed to DIR only
when complete, so an import that fails or is interrupted leaves nothing behind, and DIR is
never half-written. The folder holds book.yaml (title, author and language from the document,
each guess commented), the chapters as NN-slug.md, images/, an empty references.bib for the
works the report found cited in the text, and import-report.txt.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import yaml

from bookbuild.importer.document import Metadata
from bookbuild.importer.errors import ImportFailure
from bookbuild.importer.markdown import render
from bookbuild.importer.report import Collector
from bookbuild.importer.split import Chapter

_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
BIBLIOGRAPHY = "references.bib"


def check_target(to: Path) -> None:
    """DIR must be new or an empty folder: an import never writes over a manuscript."""
    if to.is_symlink() or (to.exists() and not to.is_dir()):
        raise ImportFailure(f"{to} exists and is not a folder; name a new folder with --to")
    if to.is_dir() and any(to.iterdir()):
        raise ImportFailure(f"{to} is not empty; name a new or empty folder with --to (an "
                            "import never writes over a manuscript)")


@contextmanager
def staging(to: Path) -> Iterator[Path]:
    """A temporary folder beside `to`, removed unless `publish` moved it into place."""
    to.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{to.name}.importing-", dir=to.parent))
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)           # mkdtemp's folder is private; a manuscript is not
    try:
        yield folder
    finally:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)


def publish(folder: Path, to: Path) -> None:
    """Move the finished manuscript into place."""
    check_target(to)                        # still new or empty, now that it is written
    if to.is_dir():
        to.rmdir()
    os.rename(folder, to)


def write_chapters(chapters: list[Chapter], folder: Path, collector: Collector) -> dict[str, str]:
    """Each chapter as NN-slug.md; report markers become the items' places. Returns the text
    of each file by name."""
    texts: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:    # pandoc processes
        rendered = list(pool.map(lambda c: render([c.heading, *c.blocks]), chapters))
    for chapter, (text, lines) in zip(chapters, rendered, strict=True):
        (folder / chapter.name).write_text(text, encoding="utf-8")
        texts[chapter.name] = text
        for index, line in lines.items():
            collector.items[index].file = chapter.name
            collector.items[index].line = line
    return texts


def finish_metadata(meta: Metadata, chapters: list[Chapter], source: Path, collector: Collector) -> None:
    """Fill what the document did not say, and report each guess."""
    if not meta.title:
        guess = chapters[0].title if len(chapters) == 1 and chapters[0].title != "Untitled" \
            else source.stem.replace("_", " ").replace("-", " ").strip().title()
        meta.set("title", guess, "guessed from the " + ("heading" if len(chapters) == 1
                                                        else "file name"))
        collector.add("guessed-metadata", f"the document names no title; book.yaml says “{guess}”",
                      "book.yaml", 2)
    if meta.lang and not _LANG.fullmatch(meta.lang):
        collector.add("guessed-metadata", f"the document's language “{meta.lang}” is not a "
                      "language tag; book.yaml says en: change `lang` if the book is in another "
                      "language", "book.yaml")
        meta.lang = ""
        meta.origin.pop("lang", None)
    if not meta.lang:
        meta.set("lang", "en", "not in the document: English assumed")
        collector.add("guessed-metadata", "the document does not say its language; book.yaml "
                      "says en: change `lang` (en-GB, fr, de...) if it is another", "book.yaml")
    if not meta.authors:
        collector.add("guessed-metadata", "the document names no author: add `author:` to "
                      "book.yaml", "book.yaml")


def book_yaml(meta: Metadata, source: Path) -> str:
    """book.yaml, each value with where it came from."""
    lines = [f"# The book's metadata, imported from {source.name} by bookbuild import.",
             "# Keys follow pandoc's names; see the README's manuscript section for the others."]
    for key, value in (("title", meta.title), ("subtitle", meta.subtitle),
                       ("author", meta.authors[0] if len(meta.authors) == 1 else meta.authors),
                       ("lang", meta.lang)):
        if not value:
            continue
        origin = meta.origin.get("authors" if key == "author" else key, "")
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, width=1000,
                                default_flow_style=False).rstrip()
        lines.append(dumped + (f"    # {origin}" if origin and "\n" not in dumped else ""))
    lines.append(f"bibliography: {BIBLIOGRAPHY}")
    return "\n".join(lines) + "\n"


def write_folder_files(folder: Path, meta: Metadata, source: Path) -> None:
    (folder / "book.yaml").write_text(book_yaml(meta, source), encoding="utf-8")
    (folder / BIBLIOGRAPHY).write_text(
        "% The works the book cites, in BibLaTeX. The references bookbuild import found typed\n"
        "% in the text are listed in import-report.txt with the keys it suggests.\n",
        encoding="utf-8")
