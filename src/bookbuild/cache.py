"""The build cache: results of the slow steps, kept between runs, addressed by their inputs.

An entry's key is a hash of everything its result depends on (the chapter's text and name, the
bibliography, the citation style, the settings, the pandoc and bookbuild versions, the reader
script; for a font subset, the font file and the characters). A changed input is a different key,
so a stale result can never be served; an entry that is damaged (its checksum is wrong) or cannot
be read is treated as missing.

The cache lives in $BOOKBUILD_CACHE, else $XDG_CACHE_HOME/bookbuild, else ~/.cache/bookbuild,
never in the manuscript. BOOKBUILD_CACHE=off turns it off. It is pruned to about 2 GB, oldest
entries first.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bookbuild import __version__

T = TypeVar("T")

_LIMIT_BYTES = 2 * 1024**3
_CHECK = 16                             # each entry starts with a checksum of the rest


def digest(*parts: str | bytes) -> str:
    """A key from the given parts (their boundaries count)."""
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(__version__.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


@functools.cache
def code_digest(*parts: str) -> str:
    """A digest of the source files of bookbuild that compute a result (`parts`: files and
    folders inside the package, e.g. "model", "ast.py"; none: all of it). What our code computed
    is kept under it, so a changed program, not only a new version number, is never answered
    from the cache."""
    package = Path(__file__).resolve().parent
    roots = [package / part for part in parts] or [package]
    files = {path for root in roots
             for path in ([root] if root.is_file() else root.rglob("*.py"))}
    hasher = hashlib.blake2b(digest_size=20)
    for path in sorted(files):
        hasher.update(path.relative_to(package).as_posix().encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def file_digest(path: Path | None) -> str:
    return "" if path is None else hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()


@dataclass
class Cache:
    root: Path | None                   # None: caching is off
    hits: int = 0
    misses: int = 0
    written: list[Path] = field(default_factory=list)

    def get(self, section: str, key: str) -> bytes | None:
        if self.root is None:
            return None
        path = self._path(section, key)
        try:
            stored = path.read_bytes()
            os.utime(path)              # recently used: pruned last
        except OSError:
            self.misses += 1
            return None
        self.hits += 1
        check, data = stored[:_CHECK], stored[_CHECK:]
        if hashlib.blake2b(data, digest_size=_CHECK).digest() != check:
            self.discard(section, key)  # truncated or damaged: never served
            return None
        return data

    def discard(self, section: str, key: str) -> None:
        """An entry that was read but proved unusable: counted as a miss and removed."""
        self.hits -= 1
        self.misses += 1
        if self.root is not None:
            self._path(section, key).unlink(missing_ok=True)

    def put(self, section: str, key: str, data: bytes) -> None:
        """Store an entry atomically; a cache that cannot be written is simply not used."""
        if self.root is None:
            return
        path = self._path(section, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as file:
                file.write(hashlib.blake2b(data, digest_size=_CHECK).digest())
                file.write(data)
            os.replace(temp, path)
        except OSError:
            return
        self.written.append(path)

    def load(self, section: str, key: str, kind: type[T]) -> T | None:
        """An object kept by `keep`; None when it is missing, or does not unpickle into a `kind`
        (then it is discarded). The cache is the user's own folder, written only by bookbuild,
        and every entry passed its checksum, so unpickling it is safe."""
        data = self.get(section, key)
        if data is None:
            return None
        try:
            value = pickle.loads(data)
        except Exception:               # noqa: BLE001 - any unpickling failure: a missing entry
            value = None
        if not isinstance(value, kind):
            self.discard(section, key)
            return None
        return value

    def keep(self, section: str, key: str, value: object) -> None:
        """Store an object (pickled) for `load`."""
        self.put(section, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def prune(self, limit: int = _LIMIT_BYTES) -> None:
        if self.root is None or not self.written:
            return
        entries = [(p.stat().st_mtime, p.stat().st_size, p) for p in self.root.rglob("*") if p.is_file()]
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= limit:
                break
            path.unlink(missing_ok=True)
            total -= size

    def _path(self, section: str, key: str) -> Path:
        assert self.root is not None
        return self.root / section / key[:2] / key


def default_cache() -> Cache:
    setting = os.environ.get("BOOKBUILD_CACHE", "").strip()
    if setting.lower() in ("off", "0", "no", "false"):
        return Cache(None)
    if setting:
        return Cache(Path(setting))
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Cache(Path(base) / "bookbuild")
