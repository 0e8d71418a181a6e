"""Write stage: the book's fonts, cut down to the characters the edition uses.

Embedding the whole family would add 3.4 MB to every EPUB; a subset with every OpenType feature
kept (small caps, old-style figures, kerning) is a small fraction of that. Subsetting a font to
embed it in a document is allowed by the SIL Open Font License.
"""

from __future__ import annotations

import html
import io
import logging
import re
from functools import lru_cache
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

from bookbuild.cache import default_cache, digest, file_digest
from bookbuild.fontset import MONO_FILE, STYLE_FALLBACKS, Fallback, characters, style_fonts

# fontTools says which tables it drops (a fallback font's FFTM, say); nothing a user can act on.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

# Every font has the spaces (a symbol's font sets the space after it): they call for no font.
_SPACES = frozenset({0x20, 0xA0})

# Always kept, so that a reader's own additions (a search box, a bookmark label) still render.
_ALWAYS = {*range(0x20, 0x7F), 0xA0, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2191}


def subset_fonts(text: str, fallbacks: list[Fallback] | None = None,
                 code: str = "") -> dict[str, bytes]:
    """Each font of the book face, holding only what `text` needs, by file name; a fallback font
    (the style's symbols, or one of book.yaml's under its `file_name`) only if the text uses a
    character from it; the code face only if there is `code` (the text of code elements)."""
    used = frozenset(map(ord, set(text)))       # set() first: a book is millions of characters
    unicodes = used | _ALWAYS
    fonts = {path.name: _subset(path, unicodes) for path in style_fonts()
             if path.name != MONO_FILE and (path.name not in STYLE_FALLBACKS
                                            or used & (characters(path) - _SPACES))}
    if code.strip():
        mono = next(path for path in style_fonts() if path.name == MONO_FILE)
        fonts[MONO_FILE] = _subset(mono, frozenset(map(ord, set(code))) | {0x20})
    for fallback in fallbacks or ():
        if used & characters(fallback.path):
            fonts[fallback.file_name] = _subset(fallback.path, used)
    return fonts


# Kept between builds, in this process (`bookbuild serve`) and in the build cache: an edit rarely
# adds a character, and subsetting is most of the time a screen edition takes.
@lru_cache(maxsize=16)
def _subset(path: Path, unicodes: frozenset[int]) -> bytes:
    store = default_cache()
    key = digest("font-subset", fontTools.version, file_digest(path), repr(sorted(unicodes)))
    cached = store.get("fonts", key)
    if cached is None:
        cached = _make_subset(path, unicodes)
        store.put("fonts", key, cached)
    return cached


def _make_subset(path: Path, unicodes: frozenset[int]) -> bytes:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    # SIL Graphite tables: reading systems and browsers shape with OpenType, and fontTools
    # cannot subset these.
    options.drop_tables += ["Silf", "Silt", "Sill", "Glat", "Gloc", "Feat"]
    font = TTFont(str(path))
    font.recalcTimestamp = False        # the same bytes whenever and wherever it is built
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_faces_css(css: str, embedded: set[str]) -> str:
    """`css` (fonts.css) without the @font-face rules of fonts that are not embedded."""
    rules = re.split(r"(?=@font-face)", css)
    return "".join(rule for rule in rules
                   if not rule.startswith("@font-face") or
                   any(name in rule for name in embedded))


_CODE = re.compile(r"<(code|pre|kbd|samp)\b[^>]*>(.*?)</\1>", re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")


def code_text(markup: str) -> str:
    """The text of the code elements of XHTML `markup` (set in the code face)."""
    return html.unescape("".join(_TAGS.sub("", match.group(2)) for match in _CODE.finditer(markup)))
