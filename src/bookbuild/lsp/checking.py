"""Language server (checking): the one way the server runs the checks of `bookbuild check`.

Every check of the server goes through `check_workspace`, which calls `pipeline.check` with the
editor's unsaved chapters as its `overlay`; whatever makes `check` faster (its per-chapter
cache) makes the server faster, and the server keeps no model or pandoc cache of its own. It
runs on a worker thread, never on the server's event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.checks import Superseded
from bookbuild.config import CONFIG_FILE
from bookbuild.diagnostics import BookError, Diagnostic
from bookbuild.memory import Memory
from bookbuild.model import Book
from bookbuild.pipeline import check
from bookbuild.progress import Progress


@dataclass(frozen=True)
class CheckResult:
    """The findings on one state of a manuscript, and the book model they were found in."""

    manuscript: Path
    findings: list[Diagnostic]
    book: Book | None                   # None: the manuscript could not be read (a BookError)
    overlay: Mapping[Path, str] = field(default_factory=dict)   # the unsaved texts checked
    seconds: float = 0.0


def check_workspace(manuscript: Path, overlay: Mapping[Path, str], memory: Memory | None = None,
                    early: Callable[[Book, list[Diagnostic]], None] | None = None,
                    proceed: Callable[[], bool] | None = None) -> CheckResult | None:
    """Every finding of `bookbuild check` on `manuscript`, chapters open in the editor read
    from `overlay` (resolved absolute path -> text); `memory` is the pipeline's own store of
    live results kept between checks of one book (the server keeps one per manuscript and
    checks one book at a time); `early` is given the findings of parsing and of the chapter
    checks before the book-wide checks run, and `proceed` may stop the whole-text checks (see
    `checks.run_checks`): then the result is None. A manuscript that cannot be read gives the
    diagnostics saying why and no book; any other exception is a bug and is raised."""
    started = time.perf_counter()
    try:
        book, findings = check(manuscript, Progress(quiet=True), overlay=overlay, memory=memory,
                               early=early, proceed=proceed)
    except Superseded:
        return None
    except BookError as exc:
        return CheckResult(manuscript, list(exc.diagnostics), None, dict(overlay),
                           time.perf_counter() - started)
    return CheckResult(manuscript, findings, book, dict(overlay), time.perf_counter() - started)


def find_manuscript(path: Path) -> Path | None:
    """The manuscript folder of a file: the nearest folder at or above it holding book.yaml."""
    for folder in [path, *path.parents]:
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def manuscript_in(root: Path) -> Path | None:
    """The manuscript of a workspace folder: the folder itself, or its `manuscript/` (the
    layout `bookbuild new` makes)."""
    for folder in (root, root / "manuscript"):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def finding_path(manuscript: Path, file: str) -> Path:
    """The absolute path of a finding's file (relative to the manuscript, or already absolute)."""
    path = Path(file)
    return path if path.is_absolute() else manuscript / path
