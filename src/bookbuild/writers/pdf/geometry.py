"""Write stage, PDF: the page geometry: trim, bleed, margins and the gutter.

The inside margin grows with the page count, following KDP Print's table of minimum gutters
(0.375 in up to 150 pages, 0.5 in to 300, 0.625 in to 500, 0.75 in beyond), plus a constant so
the text never sits on the minimum. Sizes scale with the trim.
"""

from __future__ import annotations

from dataclasses import dataclass

from bookbuild.config import BookConfig
from bookbuild.printspec import BLEED, PT_PER, minimum_gutter, points

EXTRA_INSIDE = 0.3          # inches added to the minimum gutter
MARKS_SLUG = 0.25           # inches of room for crop marks around a proof


@dataclass(frozen=True)
class Geometry:
    """Everything about the page box, in points."""

    width: float
    height: float
    bleed: float                # 0 without bleed
    slug: float                 # room beyond the bleed for crop marks (proofs)
    inside: float
    outside: float
    top: float
    bottom: float
    font_size: float
    pages: int                  # the page count the gutter was chosen for

    @property
    def css_bleed(self) -> float:
        return self.bleed + self.slug

    def page_css(self) -> str:
        return (
            f"@page {{ size: {self.width:.3f}pt {self.height:.3f}pt; bleed: {self.css_bleed:.3f}pt;"
            f" margin-top: {self.top:.3f}pt; margin-bottom: {self.bottom:.3f}pt; }}\n"
            f"@page :right {{ margin-left: {self.inside:.3f}pt; margin-right: {self.outside:.3f}pt; }}\n"
            f"@page :left {{ margin-left: {self.outside:.3f}pt; margin-right: {self.inside:.3f}pt; }}\n"
            f"html {{ font-size: {self.font_size}pt; }}\n"
            # Images fit the text block, with room for a caption of about three lines below.
            f"img {{ max-height: {self.block_height - 4.5 * self.font_size:.3f}pt; }}\n")

    @property
    def block_height(self) -> float:
        """The height of the text block: the trim less the top and bottom margins (pt)."""
        return self.height - self.top - self.bottom


def geometry(config: BookConfig, pages: int, bleed: bool, crop_marks: bool) -> Geometry:
    width, height = (points(length) for length in config.trim)
    metric = config.trim[0].endswith(("mm", "cm"))
    bleed_pt = (3 * PT_PER["mm"] if metric else BLEED * 72) if bleed else 0.0
    inches = width / 72
    font_size = 10.0 if inches < 5.4 else 10.5 if inches < 5.9 else 11.0
    return Geometry(
        width=width, height=height, bleed=bleed_pt, slug=MARKS_SLUG * 72 if crop_marks else 0.0,
        inside=(minimum_gutter(pages) + EXTRA_INSIDE) * 72, outside=0.11 * width,
        top=0.08 * height, bottom=0.1 * height, font_size=font_size, pages=pages)


def estimate_pages(words: int, note_words: int, config: BookConfig) -> int:
    """A first guess at the page count, to choose the gutter before the layout counts pages."""
    width, height = (points(length) for length in config.trim)
    area = (width * 0.75) * (height * 0.82) / (304 * 570)     # relative to 5.5 x 8.5 in
    return int(12 + words / (330 * area) + note_words / (480 * area))
