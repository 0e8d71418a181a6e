"""Write stage, PDF: the layout cache, so that an edit lays out again only what it changed.

A piece of the book laid out on its own (a gathering of chapters, the front matter, the back
matter) is kept in the build cache (`bookbuild.cache`) twice: what its pages hold (the page count,
anchors, page breaks: `PartPages`, and the anchors it only stands in for), under a key made from
every input of its layout; and its written PDF, under that key, the folio it starts on and the
folios its page references print. The
inputs are the HTML WeasyPrint reads (which holds the chapter's text, its note numbers, the
running heads and the timestamp), the CSS added for the page geometry, the files it may read (the
styles, with their fonts, and the manuscript files the HTML names), the fallback fonts, the PDF
variant and document ID, the versions of WeasyPrint and pydyf, and the source of the modules that
lay out and write pages. Nothing is keyed by a time or a path. A changed input is another key, so
a stale layout is never served; an entry that does not unpickle is a miss.

The same pieces are laid out the same way whether the cache is on, off or empty, so a build from
the cache is the same file, byte for byte, as a cold one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import metadata
from pathlib import Path

from bookbuild.cache import Cache, code_digest, digest, file_digest
from bookbuild.config import BookConfig
from bookbuild.fontset import fallbacks
from bookbuild.resources import styles_dir
from bookbuild.writers.pdf.geometry import Geometry
from bookbuild.writers.pdf.pages import PartPages
from bookbuild.writers.pdf.variants import Variant

PAGES = "pdf-pages"         # cache sections: what a piece's pages hold; its written PDF
PDF = "pdf-written"
_SOURCE = re.compile(r'\bsrc="([^"#?:]+)"')


@dataclass
class Laid:
    """What a piece's layout says about its pages, as kept in the cache."""

    pages: PartPages
    stand_ins: set[str] = field(default_factory=set)     # anchors it only stands in for


@dataclass(frozen=True)
class LayoutCache:
    """The cache as the PDF writer uses it: keys for one book, variant and geometry."""

    cache: Cache
    setting: str            # everything shared by every piece of this layout, as a digest

    @classmethod
    def of(cls, cache: Cache, config: BookConfig, variant: Variant, shape: Geometry,
           document_id: str, css: str) -> LayoutCache:
        # The page count only chose the gutter, which the geometry holds: it is left out.
        page = replace(shape, pages=0)
        return cls(cache, digest(_code(), styles_digest(), repr(variant), repr(page), document_id, css,
                                 *(file_digest(font.path) for font in fallbacks(config))))

    def key(self, html: str, root: Path, *more: str) -> str:
        """The key of a piece laid out from `html` (read from `root`) and `more`: its layout's
        inputs, and the manuscript files it shows."""
        files = sorted(set(_SOURCE.findall(html)))
        return digest(self.setting, html, *more, *(f"{name}:{_file(root, name)}" for name in files))

    def laid(self, key: str) -> Laid | None:
        return self.cache.load(PAGES, key, Laid)

    def keep_laid(self, key: str, laid: Laid) -> None:
        self.cache.keep(PAGES, key, laid)

    def written(self, key: str, first_folio: int, shown: str = "") -> bytes | None:
        """The PDF of the piece laid out under `key`, starting at `first_folio`, its page
        references showing `shown` (their folios set again in their boxes: `retype`)."""
        data = self.cache.get(PDF, digest(key, str(first_folio), shown))
        if data is not None and not data.startswith(b"%PDF-"):
            self.cache.discard(PDF, digest(key, str(first_folio), shown))
            return None
        return data

    def keep_written(self, key: str, first_folio: int, path: Path, shown: str = "") -> None:
        self.cache.put(PDF, digest(key, str(first_folio), shown), path.read_bytes())


def _file(root: Path, name: str) -> str:
    path = (root / name)
    return file_digest(path) if path.is_file() else "missing"


@cache
def _code() -> str:
    """The libraries' versions and the source of the modules that lay out and write pages."""
    return digest(*(metadata.version(name) for name in ("weasyprint", "pydyf", "pypdf")),
                  code_digest("writers/pdf", "typeset"))


@cache
def styles_digest() -> str:
    """Every file of the styles: the print CSS, its fonts and profiles, the templates."""
    root = styles_dir()
    return digest(*(f"{path.relative_to(root)}:{file_digest(path)}"
                    for path in sorted(root.rglob("*")) if path.is_file()))
