"""The pipeline: `load()` reads a manuscript into the book model, `build()` writes the editions.

Read as a table of contents:

    1. config     book.yaml               -> BookConfig
    2. parse      chapters, bibliography  -> pandoc ASTs (one pandoc per batch, in parallel)
    3. model      an AST                  -> a chapter's reading (kept per chapter: an
                                             unchanged chapter skips steps 2 and 3)
                  readings                -> Book (notes numbered once, ids made unique)
    4. checks     Book                    -> findings (the chapter checks' kept per chapter;
                                             `memo.check_manuscript` keeps a whole check's)
    5. writers    Book                    -> PDF in a second process; EPUB and HTML here
                                             (each written to a temporary name, read back
                                             and verified against the model, then moved
                                             into place)
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.cache import Cache, default_cache
from bookbuild.checks import run_checks
from bookbuild.config import BookConfig, load_config
from bookbuild.diagnostics import Diagnostic, plural
from bookbuild.editions import DEFAULT_FORMATS
from bookbuild.memory import Memory
from bookbuild.model import Book
from bookbuild.model.build import build_book
from bookbuild.model.read import ChapterReading, read_chapter
from bookbuild.model.readings import ReadingStore
from bookbuild.parse.bibliography import format_bibliography, read_bibliography, write_references
from bookbuild.parse.pandoc import ReaderSettings, ast_keys, parse_sources
from bookbuild.parse.sources import SourceFile, read_sources
from bookbuild.parse.typography import smarten
from bookbuild.progress import Progress
from bookbuild.writers import writers_for
from bookbuild.writers.base import WriteContext
from bookbuild.writers.schedule import write_editions


@dataclass
class BuildResult:
    book: Book
    findings: list[Diagnostic]
    outputs: list[Path] = field(default_factory=list)
    refused: bool = False           # errors were found and this is not a draft: nothing written
    rejected: list[Path] = field(default_factory=list)   # editions that failed their check
    failed_drafts: list[Path] = field(default_factory=list)  # drafts in place that failed it

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)


def load(manuscript: Path, progress: Progress, overlay: Mapping[Path, str] | None = None,
         memory: Memory | None = None) -> Book:
    """Read and parse the manuscript once into the book model. `overlay` gives unsaved texts of
    chapters by absolute path (see `read_sources`); `memory`, kept by a long-running caller
    between calls, holds the chapters' readings (see `model.readings`)."""
    config, config_findings = progress.step("Reading book.yaml", load_config, manuscript)
    config = _typeset_metadata(config)
    sources = progress.step("Reading the chapters", read_sources, config, overlay)
    bibliography = progress.step("Reading the bibliography", read_bibliography, config)
    with tempfile.TemporaryDirectory(prefix="bookbuild-") as work:
        workdir = Path(work)
        references = write_references(bibliography, workdir) if bibliography else None
        settings = ReaderSettings(lang=config.lang, csl=config.csl, references=references)
        cache = default_cache()
        readings = _read_chapters(sources, settings, workdir, cache, memory, progress)
        cache.prune()
        book = progress.step("Building the book model", build_book, config, sources, readings,
                             bibliography)
        if references is not None:
            book.bibliography_blocks = progress.step(
                "Formatting the bibliography", format_bibliography, _cited_keys(book), references,
                config.csl, config.lang)
    book.diagnostics[:0] = config_findings + (bibliography.diagnostics if bibliography else [])
    return book


def _read_chapters(sources: list[SourceFile], settings: ReaderSettings, workdir: Path, cache: Cache,
                   memory: Memory | None,
                   progress: Progress) -> list[ChapterReading]:
    """Each chapter's reading: kept from an earlier run when the chapter is unchanged, else
    parsed by pandoc (or taken from the AST cache) and walked."""
    keys = ast_keys(sources, settings) if cache.root is not None or memory is not None \
        else [""] * len(sources)
    store = ReadingStore(cache, memory.readings if memory else None)
    readings = store.get_many(keys)
    missing = [i for i, reading in enumerate(readings) if reading is None]
    if store.hits:
        progress.say(f"    {store.hits} of {len(sources)} chapters unchanged, read from the "
                     f"build cache ({cache.root or 'memory'})")
    if missing:
        fresh = progress.step(f"Parsing {plural(len(missing), 'chapter')} with pandoc",
                              _parse_and_walk, [sources[i] for i in missing], settings, workdir,
                              cache, [keys[i] for i in missing])
        for i, reading in zip(missing, fresh, strict=True):
            readings[i] = reading
            store.put(keys[i], reading)
    placed = [reading for reading in readings if reading is not None]
    for reading, key in zip(placed, keys, strict=True):
        reading.chapter.key = key
    return placed


def _parse_and_walk(sources: list[SourceFile], settings: ReaderSettings, workdir: Path,
                    cache: Cache, keys: list[str]) -> list[ChapterReading]:
    parsed = parse_sources(sources, settings, workdir, cache=cache, keys=keys)
    return [read_chapter(source, blocks) for source, blocks in zip(sources, parsed, strict=True)]


def check(manuscript: Path, progress: Progress, overlay: Mapping[Path, str] | None = None,
          memory: Memory | None = None,
          early: Callable[[Book, list[Diagnostic]], None] | None = None,
          proceed: Callable[[], bool] | None = None) -> tuple[Book, list[Diagnostic]]:
    """The book model and every finding of the checks, in manuscript order; `early` is given
    the findings of all but the whole-text checks first, `proceed` may stop the rest (see
    `run_checks`)."""
    book = load(manuscript, progress, overlay, memory)
    findings = progress.step("Running the checks", run_checks, book, default_cache(),
                             memory.chapter_findings if memory else None, progress, early,
                             proceed)
    return book, findings


def default_formats(config: BookConfig) -> list[str]:
    """pdf, epub and html; and the PDF/X-1a for a printer that takes nothing newer (book.yaml's
    `delivery: [ingramspark]`)."""
    from bookbuild.delivery import print_profiles
    from bookbuild.delivery.printed import takes
    formats = list(DEFAULT_FORMATS)
    if any(not takes(printer, "PDF/X-4") for printer in print_profiles(config)):
        formats.append("pdf-x1a")
    return formats


def build(manuscript: Path, out: Path, formats: list[str] | None, progress: Progress,
          draft: bool = False, jobs: int = 0) -> BuildResult:
    """Load, check, and write each requested edition to `out` (None: the default editions for
    this book, `default_formats`); while errors remain, write nothing unless this is a draft."""
    book, findings = check(manuscript, progress)
    if formats is None:
        formats = default_formats(book.config)
    result = BuildResult(book, findings)
    if result.errors and not draft:
        result.refused = True
        return result
    context = WriteContext(timestamp=source_date_epoch(book.config), progress=progress,
                           jobs=jobs or os.cpu_count() or 1, draft=draft)
    for written in write_editions(book, out, writers_for(formats), context, progress):
        result.findings.extend(written.findings)
        (result.outputs if written.accepted else result.rejected).append(written.target)
        if written.accepted and written.failed:
            result.failed_drafts.append(written.target)
    return result


def _typeset_metadata(config: BookConfig) -> BookConfig:
    """book.yaml's displayed texts get the chapters' typography (quotes, apostrophes, dashes)."""
    changes: dict[str, object] = {name: smarten(value, config.lang) for name in _TYPESET
                                   if isinstance(value := getattr(config, name), str)}
    return dataclasses.replace(config, **changes)  # type: ignore[arg-type]


_TYPESET = ("title", "subtitle", "description", "rights", "edition", "publisher")


def _cited_keys(book: Book) -> list[str]:
    """The keys cited in the book that the bibliography has, in order of first citation."""
    entries = book.bibliography.entries if book.bibliography else {}
    return list(dict.fromkeys(c.key for c in book.citations if c.key in entries))


def source_date_epoch(config: BookConfig) -> int:
    """SOURCE_DATE_EPOCH when set, else the newest modification time in the manuscript."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit():
        return int(value)
    files = [p for p in config.root.rglob("*") if p.is_file()]
    return int(max((p.stat().st_mtime for p in files), default=0))
