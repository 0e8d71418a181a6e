"""Checks stage (the memo): the findings of a whole manuscript kept from its last check, so `bookbuild
check` of an unchanged book answers without parsing it.

The key is everything a finding can depend on: book.yaml, every chapter's bytes and name, every
other file in the manuscript folder by its contents (images, the bibliography, the citation
style, fonts), the styles and fonts bookbuild ships, pandoc's version and bookbuild's own code.
Any change is a different key; then the book is read (unchanged chapters from the build cache,
see `model.readings`) and checked, and the result kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from bookbuild.cache import code_digest, default_cache, digest
from bookbuild.config import load_config
from bookbuild.diagnostics import Diagnostic, plural
from bookbuild.parse.sources import SourceFile, read_sources
from bookbuild.progress import Progress
from bookbuild.resources import styles_dir

_SECTION = "book-checks"


@dataclass(frozen=True)
class CheckReport:
    """What `bookbuild check` prints: the findings and the size of the book."""

    findings: list[Diagnostic]
    chapters: int
    notes: int
    citations: int


def check_manuscript(manuscript: Path, progress: Progress) -> CheckReport:
    """What `bookbuild check` reports: from the last check when nothing it depends on changed,
    else by checking the book (`pipeline.check`, imported only then: an unchanged book is
    answered without importing the model's and the checks' code)."""
    cache = default_cache()
    key = ""
    if cache.root is not None:
        config, _ = load_config(manuscript)
        sources = read_sources(config)
        key = memo_key(config.root, sources)
        if (kept := cache.load(_SECTION, key, CheckReport)) is not None:
            progress.say(f"Unchanged since its last check: {plural(len(sources), 'chapter')} and "
                         f"their findings read from the build cache ({cache.root})")
            return kept
    from bookbuild.pipeline import check
    book, findings = check(manuscript, progress)
    report = CheckReport(findings, len(book.chapters), len(book.notes), len(book.citations))
    if key:
        cache.keep(_SECTION, key, report)
    return report


def memo_key(root: Path, sources: list[SourceFile]) -> str:
    """The key of a check of the manuscript in `root` whose chapters are `sources`."""
    chapters = {source.path.resolve() for source in sources}
    parts: list[str] = [code_digest(), pypandoc.get_pandoc_version()]
    parts += [f"{source.name}\0{source.digest}" for source in sources]
    parts += [f"{path.relative_to(root).as_posix()}\0{_content(path)}"
              for path in _files(root) if path.resolve() not in chapters]
    parts += [f"{path.relative_to(styles_dir()).as_posix()}\0{path.stat().st_size}\0"
              f"{path.stat().st_mtime_ns}" for path in _files(styles_dir())]
    return digest(_SECTION, *parts)


def _files(root: Path) -> list[Path]:
    """Every file under `root`, in a stable order; hidden files and folders left out (a .git
    folder changes on every commit and is no part of the book)."""
    return sorted(path for path in root.rglob("*")
                  if path.is_file() and not any(part.startswith(".")
                                                for part in path.relative_to(root).parts))


def _content(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "blake2b").hexdigest()
