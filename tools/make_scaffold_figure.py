"""Make src/bookbuild/scaffold/template/manuscript/images/editions.png: the sample figure of a
book made by `bookbuild new`.

A drawing of one manuscript and the three editions made from it, in greys (it prints as it
shows), 2400 x 1040 pixels at 300 pixels an inch: 8 inches wide, so that it prints at 300 ppi
or more on any text block a printer offers (4.15 in on the default 5.5 x 8.5 in trim, 6.6 in on
8.5 x 11 in), and a book made by `bookbuild new` passes KDP's, IngramSpark's and Lulu's image
rule as made (1200 pixels printed at 264 ppi on a 6 x 9 in page). A few grey levels keep it
small.

    python tools/make_scaffold_figure.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "bookbuild" / "scaffold" / "template" / "manuscript" / "images" / "editions.png"
FONT = ROOT / "styles" / "fonts" / "GentiumBookPlus-Regular.ttf"
SCALE = 2                       # the drawing is laid out at 1200 x 520 units
WIDTH, HEIGHT, DPI = 1200 * SCALE, 520 * SCALE, 300
INK, RULE, PAPER, TINT = 40, 110, 255, 232


def box(draw: ImageDraw.ImageDraw, left: int, top: int, right: int, bottom: int, label: str,
        font: ImageFont.FreeTypeFont) -> None:
    draw.rounded_rectangle(_scaled(left, top, right, bottom), radius=18 * SCALE, fill=TINT,
                           outline=INK, width=6 * SCALE)
    draw.text(_scaled((left + right) / 2, (top + bottom) / 2), label, fill=INK, font=font,
              anchor="mm")


def arrow(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int]) -> None:
    """A line from `start` with its head at `end`, pointing along the line."""
    (x0, y0), (x, y) = _scaled(*start), _scaled(*end)
    length = math.hypot(x - x0, y - y0)
    ux, uy = (x - x0) / length, (y - y0) / length     # along the line
    head, half = 36 * SCALE, 18 * SCALE
    back = (x - head * ux, y - head * uy)
    draw.line(((x0, y0), back), fill=RULE, width=8 * SCALE)
    draw.polygon(((x, y), (back[0] + half * uy, back[1] - half * ux),
                  (back[0] - half * uy, back[1] + half * ux)), fill=RULE)


def _scaled(*units: float) -> tuple[float, ...]:
    return tuple(unit * SCALE for unit in units)


def main() -> None:
    image = Image.new("L", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    large = ImageFont.truetype(str(FONT), 64 * SCALE)
    small = ImageFont.truetype(str(FONT), 40 * SCALE)
    box(draw, 40, 150, 460, 370, "manuscript", large)
    draw.text(_scaled(250, 420), "book.yaml, chapters", fill=RULE, font=small, anchor="mm")
    for index, label in enumerate(("EPUB", "PDF", "HTML")):
        top = 30 + index * 170
        box(draw, 780, top, 1160, top + 120, label, large)
        arrow(draw, (470, 260), (768, top + 60))
    image = image.quantize(8).convert("L")     # a handful of greys: small and still smooth
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    image.save(TARGET, optimize=True, dpi=(DPI, DPI))
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main()
