"""Make styles/fonts/BookbuildSymbols-Regular.ttf: the symbols Gentium Book Plus lacks.

The book face covers Latin, Greek and Cyrillic but not every arrow, mathematical operator or
dingbat (War and Peace and Gibbon use U+22EE, for one). Without a fallback of our own, the print
edition would silently take whatever font the machine has. This takes those blocks from DejaVu
Sans (Debian's fonts-dejavu-core), keeps only what Gentium lacks, and renames the result, as the
Bitstream Vera licence requires of modified fonts (styles/fonts/LICENSE-DejaVu.txt).

    python tools/make_symbols_font.py [/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[1] / "styles" / "fonts"
BLOCKS = [(0x2010, 0x205F), (0x2100, 0x214F), (0x2150, 0x218F), (0x2190, 0x21FF),
          (0x2200, 0x22FF), (0x2300, 0x23FF), (0x2460, 0x24FF), (0x2500, 0x257F),
          (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF), (0x2B00, 0x2BFF),
          (0x2E00, 0x2E7F)]
SPACES = {0x0020, 0x00A0}
NAMES = {1: "Bookbuild Symbols", 2: "Regular", 4: "Bookbuild Symbols Regular",
         6: "BookbuildSymbols-Regular", 16: "Bookbuild Symbols", 17: "Regular"}


def subset_and_rename(font: TTFont, wanted: set[int], names: dict[int, str], full_name: str,
                      target: Path) -> None:
    """Keep `wanted` characters of `font` (every OpenType feature, no hinting), give it `names`
    (name table IDs), and save it to `target`. Shared with make_mono_font.py."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
        elif record.nameID == 3:
            record.string = full_name
    font.save(str(target))


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    covered = set(TTFont(str(FONTS / "GentiumBookPlus-Regular.ttf")).getBestCmap())
    font = TTFont(source)
    wanted = {c for c in font.getBestCmap()
              if any(low <= c <= high for low, high in BLOCKS) and c not in covered}
    # The spaces too: a list marker ("◦ ") is set in one font, its space included, and a space
    # the font lacks is a .notdef glyph (which a RIP may print as a box).
    wanted |= SPACES
    subset_and_rename(font, wanted, NAMES, "Bookbuild Symbols Regular (from DejaVu Sans)",
                      FONTS / "BookbuildSymbols-Regular.ttf")
    print(f"{len(wanted)} characters")


if __name__ == "__main__":
    main()
