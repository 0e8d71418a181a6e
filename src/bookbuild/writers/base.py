"""Write stage: what every writer (builder) shares: its small interface and its context."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Protocol

from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book, PrintPages
from bookbuild.progress import Progress
from bookbuild.writers.record import EditionRecord


@dataclass(frozen=True)
class WriteContext:
    """What a writer may use besides the book."""

    timestamp: int              # seconds since the epoch: SOURCE_DATE_EPOCH or the manuscript's
    progress: Progress | None = None
    # Called with the page map as soon as the print edition is laid out (before it is written),
    # so that the screen editions written in another process can carry the print pages.
    laid_out: Callable[[PrintPages | None], None] | None = None
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)   # processes for the PDF
    draft: bool = False         # an edition that fails its read-back check is kept all the same
    # What the edition being written made again and took from the build cache (`record`).
    record: EditionRecord = field(default_factory=EditionRecord)

    @property
    def datetime(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.timestamp, tz=UTC)

    @property
    def iso(self) -> str:
        return self.datetime.strftime("%Y-%m-%dT%H:%M:%SZ")


class Writer(Protocol):
    """An edition's builder, Sphinx style: a name, a target, `write`, and `verify`."""

    name: str
    description: str
    lays_out_pages: bool        # a print edition: its layout gives the page map

    def target(self, book: Book, out: Path) -> Path:
        """The file or folder this writer produces inside `out`."""
        ...

    def write(self, book: Book, path: Path, context: WriteContext) -> None:
        """Write the edition to `path` (a temporary name; the caller moves it into place)."""
        ...

    def verify(self, book: Book, path: Path) -> list[Diagnostic]:
        """Read the written edition back and compare it with the model; errors keep it from
        replacing the previous one (unless the build is a draft)."""
        ...
