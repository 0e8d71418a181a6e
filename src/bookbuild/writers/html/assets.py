"""Write stage: the HTML edition's stylesheets, scripts and fonts, all inside its folder.

The fonts are cut down to the characters the pages use and compressed as WOFF2 (a tenth of the
3.4 MB of the full family), and travel with their licences, as the SIL Open Font License asks.
"""

from __future__ import annotations

import io
import re
import shutil
from functools import lru_cache
from pathlib import Path

import fontTools
from fontTools.ttLib import TTFont

from bookbuild.cache import default_cache, digest
from bookbuild.config import BookConfig
from bookbuild.fontset import MONO_FILE, fallback_faces_css, fallbacks, with_fallbacks
from bookbuild.resources import style_file
from bookbuild.writers.fonts import code_text, font_faces_css, subset_fonts

STYLESHEETS = ("fonts.css", "book.css", "html.css")
SCRIPTS = ("book.js", "search.js")
LICENCES = ("OFL.txt", "LICENSE-DejaVu.txt")


def copy_assets(root: Path, text: str, config: BookConfig) -> None:
    """css/, js/ and fonts/ under `root`; `text` is every page, to choose the glyphs kept."""
    fonts = {name: _woff2(data) for name, data
             in subset_fonts(_visible(text), fallbacks(config), code=code_text(text)).items()}
    (root / "fonts").mkdir()
    for name, data in sorted(fonts.items()):
        (root / "fonts" / _woff2_name(name)).write_bytes(data)
    for licence in LICENCES:
        if licence != "LICENSE-DejaVu.txt" or {"BookbuildSymbols-Regular.ttf", MONO_FILE} & set(fonts):
            shutil.copyfile(style_file("fonts", licence), root / "fonts" / licence)
    (root / "css").mkdir()
    for name in STYLESHEETS:
        css = with_fallbacks(style_file("css", name).read_text(encoding="utf-8"), config)
        if name == "fonts.css":
            css = _as_woff2(font_faces_css(css, set(fonts))) + fallback_faces_css(config, {
                name: f'url("../fonts/{_woff2_name(name)}") format("woff2")' for name in fonts})
        # The pages link fonts.css themselves: an @import would load it only after book.css.
        css = re.sub(r'@import url\("fonts\.css"\);\n', "", css)
        (root / "css" / name).write_text(css, encoding="utf-8")
    (root / "js").mkdir()
    for name in SCRIPTS:
        shutil.copyfile(style_file("js", name), root / "js" / name)


def _visible(html: str) -> str:
    """The characters a reader can see: the text between tags, and attribute values (labels)."""
    return re.sub(r"<[^>]*>", " ", html) + " ".join(re.findall(r'"([^"]*)"', html))


@lru_cache(maxsize=16)
def _woff2(data: bytes) -> bytes:
    store = default_cache()
    key = digest("woff2", fontTools.version, data)
    cached = store.get("fonts", key)
    if cached is None:
        cached = _make_woff2(data)
        store.put("fonts", key, cached)
    return cached


def _make_woff2(data: bytes) -> bytes:
    font = TTFont(io.BytesIO(data))
    font.recalcTimestamp = False
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _woff2_name(name: str) -> str:
    return Path(name).stem + ".woff2"


def _as_woff2(css: str) -> str:
    return re.sub(r'url\("\.\./fonts/([^"]+)\.ttf"\) format\("truetype"\)',
                  r'url("../fonts/\1.woff2") format("woff2")', css)
