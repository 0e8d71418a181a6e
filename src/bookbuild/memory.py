"""What a long-running process (the language server) keeps between runs of the pipeline.

A one-shot command keeps its intermediate results in the build cache on disk; a process that
checks the same book again and again also keeps them here, as live objects, so an unchanged
chapter costs neither unpickling nor parsing. Keys are the build cache's keys, so an entry is
never served for an input it was not made from; entries for chapters the book no longer holds
are dropped on each run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bookbuild.diagnostics import Diagnostic
from bookbuild.model.read import ChapterReading


@dataclass
class Memory:
    readings: dict[str, ChapterReading] = field(default_factory=dict)     # by AST key
    chapter_findings: dict[str, list[Diagnostic]] = field(default_factory=dict)   # by key
