"""Parse stage: run pandoc's markdown reader (through our Lua reader) over the chapters.

One pandoc process parses a whole batch of chapters and resolves their citations; batches run in
parallel, one per core. The result is each chapter's pandoc JSON AST. ASTs are kept in the build
cache under a key of everything they depend on, so after an edit only the edited chapters go
through pandoc again.

pandoc's `smart` extension is off: it decides each quote blind to the markup around it. The
typography pass (`typography.py`) does that work on each chapter's AST instead, and the spacing
pass (`spacing.py`) then sets the spaces that must not break, before the AST is cached, so the
cache holds the finished text.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from bookbuild.cache import Cache, digest, file_digest
from bookbuild.diagnostics import BookError, Place, error
from bookbuild.parse import spacing, typography
from bookbuild.parse.sources import SourceFile
from bookbuild.resources import reader_lua

# pandoc Markdown, minus `smart` (typography.py does it across markup) and the extensions that
# would make text vanish silently: metadata blocks (metadata belongs in book.yaml) and raw TeX,
# which HTML, EPUB and PDF editions all drop.
MARKDOWN = "markdown-smart-pandoc_title_block-yaml_metadata_block-raw_tex-latex_macros"

# A batch smaller than this is not worth a second pandoc process.
_MIN_BATCH_BYTES = 400_000

Node = dict[str, object]

log = logging.getLogger("bookbuild.pandoc")


class _PandocLog(logging.Handler):
    """Keep pypandoc from printing pandoc's warnings: our checks report the real problems."""

    def emit(self, record: logging.LogRecord) -> None:
        log.debug("pandoc: %s", record.getMessage())


logging.getLogger("pypandoc").addHandler(_PandocLog())
logging.getLogger("pypandoc").propagate = False


@dataclass(frozen=True)
class ReaderSettings:
    """What the Lua reader needs besides the files."""

    lang: str
    csl: Path | None = None
    references: Path | None = None     # CSL JSON written by the parse step

    def to_json(self) -> str:
        # Absent settings are left out: JSON null would reach Lua as a (true) userdata value.
        settings = {"format": MARKDOWN, "lang": self.lang, "csl": self.csl,
                    "references": self.references}
        return json.dumps({key: str(value) for key, value in settings.items() if value is not None})


def parse_sources(sources: list[SourceFile], settings: ReaderSettings, workdir: Path,
                  jobs: int = 0, cache: Cache | None = None,
                  keys: list[str] | None = None) -> list[list[Node]]:
    """The top-level blocks of each source, in the same order as `sources`; `keys` are their
    `ast_keys` when the caller has them."""
    cache = cache or Cache(None)
    if cache.root is None:
        keys = [""] * len(sources)
    elif keys is None:
        keys = ast_keys(sources, settings)
    parsed: list[list[Node] | None] = [_cached(cache, key) for key in keys]
    missing = [index for index, blocks in enumerate(parsed) if blocks is None]
    if missing:
        reader = workdir / "reader.lua"
        shutil.copyfile(reader_lua(), reader)
        (workdir / "reader.json").write_text(settings.to_json(), encoding="utf-8")
        batches = _batches([sources[index] for index in missing], jobs or os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=len(batches)) as pool:
            results = list(pool.map(lambda batch: _run(batch, reader, workdir), batches))
        fresh = [chapter for result in results for chapter in result]
        for index, (blocks, protected) in zip(missing, fresh, strict=True):
            typography.smarten_blocks(blocks, settings.lang)
            spacing.space_blocks(blocks, settings.lang)      # before escapes: `\-\-` is no dash
            if protected:
                typography.restore_escapes(blocks)
            parsed[index] = blocks
            cache.put("ast", keys[index], json.dumps(blocks, separators=(",", ":")).encode())
    return [blocks for blocks in parsed if blocks is not None]


def ast_keys(sources: list[SourceFile], settings: ReaderSettings) -> list[str]:
    """What a chapter's AST depends on besides its text: pandoc, the reader, every setting, and
    the contents (not the names) of the style and the bibliography."""
    shared = digest("ast", pypandoc.get_pandoc_version(), file_digest(reader_lua()), MARKDOWN,
                    file_digest(Path(typography.__file__)), file_digest(Path(spacing.__file__)),
                    settings.lang,
                    file_digest(settings.csl), file_digest(settings.references))
    return [digest(shared, source.name, source.text) for source in sources]


def _cached(cache: Cache, key: str) -> list[Node] | None:
    data = cache.get("ast", key) if key else None
    if data is None:
        return None
    try:
        blocks = json.loads(data)
    except ValueError:
        blocks = None
    if not isinstance(blocks, list):    # a damaged entry is a missing one
        cache.discard("ast", key)
        return None
    return blocks


def _batches(sources: list[SourceFile], jobs: int) -> list[list[SourceFile]]:
    """Split into at most `jobs` contiguous batches of similar size."""
    total = sum(len(s.text) for s in sources)
    count = max(1, min(jobs, len(sources), total // _MIN_BATCH_BYTES or 1))
    target = total / count
    batches: list[list[SourceFile]] = [[]]
    size = 0
    for source in sources:
        if size >= target * len(batches) and len(batches) < count:
            batches.append([])
        batches[-1].append(source)
        size += len(source.text)
    return batches


def _run(batch: list[SourceFile], reader: Path, workdir: Path) -> list[tuple[list[Node], bool]]:
    """Each chapter's blocks, and whether its escapes were protected (see `_input`)."""
    inputs = [_input(source, workdir) for source in batch]
    # glob.escape: pypandoc globs file names, and '[' is common in real file names.
    files = [glob.escape(str(path)) for path, _ in inputs]
    try:
        # --sandbox: pandoc reads the chapters and the style it is given and nothing else, and
        # never the network (a style could name a parent style on the web, say).
        output = pypandoc.convert_file(files, "json", format=str(reader), verify_format=False,
                                       sort_files=False, extra_args=["--sandbox"])
    except RuntimeError as exc:
        raise BookError([error("pandoc-failed", f"pandoc could not read this batch of chapters: "
                               f"{str(exc).strip()[-400:]}", Place(batch[0].name))]) from None
    chapters = json.loads(output)["blocks"]
    if len(chapters) != len(batch):
        raise RuntimeError(f"pandoc returned {len(chapters)} chapters for {len(batch)} files")
    return [(chapter["c"][1], protected)
            for chapter, (_, protected) in zip(chapters, inputs, strict=True)]


def _input(source: SourceFile, workdir: Path) -> tuple[Path, bool]:
    """The file pandoc reads for a chapter (pandoc reads files, not our text): the chapter
    itself, or a copy in `workdir` of the text as read, when that is not the file's (it was
    normalised to NFC, or is unsaved) or when it escapes a quote, a hyphen or a dot to keep it
    straight (those escapes are protected in the copy). The copy keeps the chapter's name."""
    protected = typography.protect_escapes(source.text)
    if protected is None and not source.differs_from_file:
        return source.path, False
    copy = workdir / "input" / source.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(source.text if protected is None else protected, encoding="utf-8")
    return copy, protected is not None
