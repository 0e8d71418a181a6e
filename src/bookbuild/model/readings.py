"""Model stage: where chapter readings are kept between runs, so an unchanged chapter is neither
given to pandoc nor walked again.

A reading (`model.read.ChapterReading`) is a function of the chapter's name, text and AST, and
the AST's cache key covers those and every setting it depends on; a reading is kept under that
key and a digest of bookbuild's own code. Two tiers: the build cache on disk (pickled; a damaged
or unreadable entry is a missing one; the cache is the user's own folder, written only by
bookbuild), and, for a long-running process such as the language server, the live objects in
memory, which the book-wide passes can place again (see `model.build`).
"""

from __future__ import annotations

from collections.abc import MutableMapping

from bookbuild.cache import Cache, code_digest, digest
from bookbuild.collection import collector_paused
from bookbuild.model.read import ChapterReading

_SECTION = "reading"
# The code a reading is made by: the walk, the model, the scan and word index, the diagnostics.
_CODE = ("model", "parse", "ast.py", "diagnostics.py")


class ReadingStore:
    """Readings by AST key: in `memory` when given (kept for the chapters of the last book
    only), else in the build cache."""

    def __init__(self, cache: Cache, memory: MutableMapping[str, ChapterReading] | None = None) -> None:
        self.cache = cache
        self.memory = memory
        self.hits = 0

    def get_many(self, ast_keys: list[str]) -> list[ChapterReading | None]:
        with collector_paused():
            found = [self._get(key) for key in ast_keys]
        if self.memory is not None:             # forget chapters that are no longer the book's
            for stale in set(self.memory) - set(ast_keys):
                del self.memory[stale]
        self.hits = sum(reading is not None for reading in found)
        return found

    def put(self, ast_key: str, reading: ChapterReading) -> None:
        if self.memory is not None:
            self.memory[ast_key] = reading
        if ast_key:
            self.cache.keep(_SECTION, _key(ast_key), reading)

    def _get(self, ast_key: str) -> ChapterReading | None:
        if self.memory is not None and ast_key in self.memory:
            return self.memory[ast_key]
        if not ast_key:
            return None
        reading = self.cache.load(_SECTION, _key(ast_key), ChapterReading)
        if reading is None:
            return None
        if self.memory is not None:
            self.memory[ast_key] = reading
        return reading


def _key(ast_key: str) -> str:
    return digest(_SECTION, ast_key, code_digest(*_CODE))
