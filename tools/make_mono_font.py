"""Make styles/fonts/BookbuildMono-Regular.ttf: the face for code (inline code, code blocks).

Gentium Book Plus has no monospaced companion, and without a code face of its own the print
edition would set code in whatever monospaced font the machine has (the preflight would refuse
it as a foreign font). This takes DejaVu Sans Mono (Debian's fonts-dejavu-core), keeps Latin,
Greek, Cyrillic, punctuation, box drawing and arrows, drops the hinting, and renames the result,
as the Bitstream Vera licence requires of modified fonts (styles/fonts/LICENSE-DejaVu.txt).

    python tools/make_mono_font.py [/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from make_symbols_font import subset_and_rename  # tools/ is the script's own folder

FONTS = Path(__file__).resolve().parents[1] / "styles" / "fonts"
BLOCKS = [(0x0020, 0x024F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x2000, 0x206F),
          (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF), (0x2200, 0x22FF),
          (0x2500, 0x257F)]
NAMES = {1: "Bookbuild Mono", 2: "Regular", 4: "Bookbuild Mono Regular",
         6: "BookbuildMono-Regular", 16: "Bookbuild Mono", 17: "Regular"}


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
    font = TTFont(source)
    wanted = {c for c in font.getBestCmap() if any(low <= c <= high for low, high in BLOCKS)}
    subset_and_rename(font, wanted, NAMES, "Bookbuild Mono Regular (from DejaVu Sans Mono)",
                      FONTS / "BookbuildMono-Regular.ttf")
    print(f"{len(wanted)} characters")


if __name__ == "__main__":
    main()
