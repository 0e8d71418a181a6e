"""The book's fonts, shared by the checks and the writers: the style's faces, the fallbacks the
style declares, the fallbacks `book.yaml` adds, and the characters they can draw together.

Every edition names the same fonts in the same order (CSS font-family lists): the book face
(Gentium Book Plus), the style's symbol font (Bookbuild Symbols), then `fonts.fallback` from
`book.yaml` in its order. A character none of them has would print as a .notdef box or in
whatever font a machine or a reading system happens to have, so `check` refuses it first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from bookbuild.config import BookConfig
from bookbuild.resources import style_file

BOOK_FAMILY = "Gentium Book Plus"
SYMBOLS_FAMILY = "Bookbuild Symbols"
MONO_FAMILY = "Bookbuild Mono"
MONO_FILE = "BookbuildMono-Regular.ttf"         # the face for code, embedded only for code
# The style's own fallback: embedded only when the text needs a character from it.
STYLE_FALLBACKS = frozenset({"BookbuildSymbols-Regular.ttf"})
# Unicode general categories that draw nothing: controls, format characters (soft hyphen,
# joiners, directional marks), separators. Variation selectors are handled by the shaper.
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_STYLED = re.compile(r"(?i)bold|italic|oblique|light|thin|black|heavy|condensed|mono|extra|semi")
# OS/2 fsType bit 1: "Restricted License embedding" (OpenType spec, OS/2 table).
_FS_TYPE_RESTRICTED = 0x0002


@dataclass(frozen=True)
class Fallback:
    """A font `book.yaml` adds after the style's faces, with the family name editions give it."""

    path: Path
    family: str
    file_name: str          # its name inside an EPUB or the web edition's fonts/ folder


def style_fonts() -> list[Path]:
    """The style's font files (the book face in four styles, and the symbols)."""
    return sorted(style_file("fonts").glob("*.ttf"))


def fallbacks(config: BookConfig) -> list[Fallback]:
    # Lettered, not numbered: Pango would take a family name ending in a number for a size and
    # write "Bookbuild Fallback 1," into the PDF's font name.
    return [Fallback(path, f"Bookbuild Fallback {_letters(number)}",
                     f"fallback-{number}{path.suffix.lower()}")
            for number, path in enumerate(config.fallback_fonts, start=1)]


def _letters(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def font_families(config: BookConfig) -> str:
    """The CSS font-family list every edition uses for text."""
    names = [BOOK_FAMILY, SYMBOLS_FAMILY, *(f.family for f in fallbacks(config))]
    return ", ".join(f'"{name}"' for name in names) + ", serif"


def with_fallbacks(css: str, config: BookConfig) -> str:
    """`css` with the fallbacks of `book.yaml` added to every font-family list that names the
    style's symbols font (the last of the style's own)."""
    extra = "".join(f', "{f.family}"' for f in fallbacks(config))
    return css.replace(f'"{SYMBOLS_FAMILY}", serif', f'"{SYMBOLS_FAMILY}"{extra}, serif') if extra else css


def fallback_faces_css(config: BookConfig, url: dict[str, str]) -> str:
    """@font-face rules for the fallbacks; `url` maps a fallback's file name to its URL (and
    format) in the edition, and fallbacks missing from it (not needed by the text) are left out."""
    rules = []
    for fallback in fallbacks(config):
        src = url.get(fallback.file_name)
        if src is not None:
            rules.append(f'@font-face {{\n  font-family: "{fallback.family}";\n  src: {src};\n}}\n')
    return "".join(rules)


@cache
def characters(path: Path) -> frozenset[int]:
    """The code points a font file maps to glyphs."""
    return frozenset(_open(path).getBestCmap() or {})


def coverage(config: BookConfig) -> frozenset[int]:
    """Every code point some font of the book can draw. The four styles of the book face have
    the same character set, so a character the regular face has, the italic has too."""
    covered: set[int] = set()
    for path in style_fonts():
        covered |= characters(path)
    for fallback in fallbacks(config):
        covered |= characters(fallback.path)
    return frozenset(covered)


def draws_nothing(char: str) -> bool:
    """Characters no font needs a glyph for: spaces, controls, format characters."""
    return unicodedata.category(char) in _INVISIBLE or 0xFE00 <= ord(char) <= 0xFE0F


def embedding_restricted(path: Path) -> bool:
    """True when the font's licence forbids embedding it in a document (OS/2 fsType)."""
    font = _open(path)
    return "OS/2" in font and bool(font["OS/2"].fsType & _FS_TYPE_RESTRICTED)


def describe(char: str) -> str:
    """'港 (U+6E2F CJK UNIFIED IDEOGRAPH-6E2F)'."""
    name = unicodedata.name(char, "unnamed character")
    shown = char if unicodedata.category(char)[0] != "M" else "\u25cc" + char
    return f"{shown} (U+{ord(char):04X} {name})"


# Free fonts that cover a script, by a word of the Unicode character names (Debian packages).
_SUGGESTED = (
    ("CJK", "Noto Serif CJK or Droid Sans Fallback (Debian: fonts-noto-cjk, fonts-droid-fallback)"),
    ("HIRAGANA", "Noto Serif CJK JP (Debian: fonts-noto-cjk)"),
    ("KATAKANA", "Noto Serif CJK JP (Debian: fonts-noto-cjk)"),
    ("HANGUL", "Noto Serif CJK KR (Debian: fonts-noto-cjk)"),
    ("HEBREW", "Noto Serif Hebrew or DejaVu Sans (Debian: fonts-noto-core, fonts-dejavu-core)"),
    ("ARABIC", "Noto Naskh Arabic or Amiri (Debian: fonts-noto-core, fonts-hosny-amiri)"),
    ("DEVANAGARI", "Noto Serif Devanagari (Debian: fonts-noto-core)"),
    ("THAI", "Noto Serif Thai (Debian: fonts-noto-core)"),
    ("ARMENIAN", "Noto Serif Armenian or DejaVu Sans (Debian: fonts-noto-core)"),
    ("GEORGIAN", "Noto Serif Georgian or DejaVu Sans (Debian: fonts-noto-core)"),
    ("ETHIOPIC", "Noto Serif Ethiopic (Debian: fonts-noto-core)"),
    ("EMOJI", "Noto Emoji (Debian: fonts-noto-color-emoji holds a colour font; prefer text)"),
)


def suggest_font(char: str) -> str:
    """Where to find a font with `char`: one on this machine if fontconfig knows one (a .ttf or
    .otf file, which editions can embed), else a free family known to cover its script."""
    on_machine = machine_font_with(ord(char))
    if on_machine is not None:
        return f"{on_machine.name} ({on_machine}, on this machine)"
    name = unicodedata.name(char, "")
    for word, family in _SUGGESTED:
        if word in name:
            return family
    return "a Noto font for its script (Debian: fonts-noto-core, fonts-noto-extra)"


def machine_font_with(code_point: int) -> Path | None:
    """A font file on this machine that has the character, asked of fontconfig's fc-list (if it
    is installed); embeddable .ttf/.otf files only, the same answer on every run.
    BOOKBUILD_FONT_SEARCH=off turns the search off (for reports that must not depend on the
    machine)."""
    if os.environ.get("BOOKBUILD_FONT_SEARCH", "").lower() == "off" or shutil.which("fc-list") is None:
        return None
    return _machine_font_with(code_point)


@cache
def _machine_font_with(code_point: int) -> Path | None:
    try:
        listing = subprocess.run(["fc-list", f":charset={code_point:x}", "file"], capture_output=True,
                                 text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # A plain upright face first: a book's fallback is for its running text.
    files = sorted({Path(line.split(":")[0].strip()) for line in listing.splitlines() if line.strip()},
                   key=lambda p: (bool(_STYLED.search(p.stem)), len(p.name), p.name))
    usable = [p for p in files if p.suffix.lower() in (".ttf", ".otf") and p.is_file()
              and not embedding_restricted(p)]
    return usable[0] if usable else None


@cache
def _open(path: Path) -> TTFont:
    try:
        return TTFont(str(path), lazy=True)
    except (TTLibError, OSError, AssertionError) as exc:
        raise FontFileError(path, str(exc)) from None


class FontFileError(ValueError):
    """A fallback font that cannot be read as OpenType."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name} is not a font bookbuild can read ({reason})")
        self.path = path
