"""Preflight stage: what a page's content stream holds, read once and kept in the build cache.

Reading a content stream is most of the preflight's time. What it gives (`PageText`: where text
was set and how small, missing glyphs, machine fonts, RGB, what is drawn where) depends only on
the stream's bytes, the page's trim box and the page's resources as the reader uses them: each
font as `read_font` reads it (name, widths, text of each glyph, encoding), every other object as
stored. Those make the key; the checks against the page's place (recto or verso, the gutter for
the page count) are made again on every run. So after an edit, only the pages whose content or
fonts changed are read again. A changed input is another key; an entry that does not unpickle
is a miss.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from bookbuild.cache import Cache, code_digest, default_cache, digest
from bookbuild.preflight.content import PageText, read_font

SECTION = "preflight-page"
_FONT_TYPES = {"/Type0", "/TrueType", "/Type1", "/Type3", "/CIDFontType2", "/CIDFontType0"}


@dataclass
class PageRecall:
    """The cached readings of one preflight run, and what was read again."""

    cache: Cache = field(default_factory=default_cache)
    read: int = 0
    recalled: int = 0
    _seen: dict[int, bytes] = field(default_factory=dict)      # fingerprints by object number

    def key(self, contents: Any, resources: Any, trim: tuple[float, ...]) -> str:
        data = contents.get_data() if contents is not None else b""
        return digest(_code(), repr(trim), data, self._fingerprint(resources))

    def get(self, key: str) -> PageText | None:
        text = self.cache.load(SECTION, key, PageText)
        if text is None:
            return None
        self.recalled += 1
        return text

    def put(self, key: str, text: PageText) -> None:
        self.read += 1
        self.cache.keep(SECTION, key, text)

    def _fingerprint(self, obj: Any) -> bytes:
        if isinstance(obj, IndirectObject):
            if obj.idnum not in self._seen:
                self._seen[obj.idnum] = self._fingerprint(obj.get_object())
            return self._seen[obj.idnum]
        hasher = hashlib.blake2b(digest_size=16)
        if isinstance(obj, DictionaryObject) and obj.get("/Subtype") in _FONT_TYPES \
                and "/BaseFont" in obj:
            hasher.update(b"font" + repr(read_font(obj)).encode())
        elif isinstance(obj, DictionaryObject):
            for name in sorted(obj):
                hasher.update(name.encode() + b"=" + self._fingerprint(obj.raw_get(name)))
            if isinstance(obj, StreamObject):
                hasher.update(b"stream" + obj.get_data())
        elif isinstance(obj, ArrayObject):
            for item in obj:
                hasher.update(b"," + self._fingerprint(item))
        else:
            hasher.update(type(obj).__name__.encode() + repr(obj).encode())
        return hasher.digest()


def _code() -> str:
    """The source of the modules that read a content stream."""
    return code_digest("preflight/content.py", "preflight/tokens.py")
