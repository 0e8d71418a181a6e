"""Write stage, PDF: the page geometry: trim, bleed, margins and the gutter.

The margins keep the classic proportions of the book page, inside : top : outside : bottom as
2 : 3 : 4 : 6, the proportions of the medieval canon that Villard de Honnecourt's and van de
Graaf's constructions recover (J. Tschichold, "Consistent Correlation between Book Page and
Type Area", in "The Form of the Book"; R. Bringhurst, "The Elements of Typographic Style",
ch. 8, "Shaping the Page"): in units of a 27th of the trim's width across and a 40.5th of
its height down (one unit on a 2 : 3 page), so that the text block is seven ninths of the page in
each direction and its outside margin twice its inside one, as a reader sees them in the open
book. To the inside margin is then added what the binding takes: the minimum gutter less the
minimum margin (`printspec.binding_allowance`; KDP Print's table of minimum gutters, 0.375 in
up to 150 pages, 0.5 in to 300, 0.625 in to 500, 0.75 in beyond, less its 0.25 in minimum
margin), so the inside margin grows with the page count and is never below the minimum gutter.
The running head's baseline sits 0.5 in below the trim and the folio's 0.5 in above it
(print.css); the top margin is never less than that and a line (1.2 x the base size), which on
the usual trims makes it a little more than its 3 units. A printer that keeps everything further
from the trim (IngramSpark and Lulu: 0.5 in, running heads and folios included; their profiles'
`min-margin`) gets its distance: the head moves down, and no margin is narrower. A printer with
a minimum line weight (KDP: 0.75 pt, its profile's `min-line`) gets the table rules and the
lines of underlined or struck-out text at least that thick (print.css draws rules at 0.4 pt).

On the default trim (5.5 x 8.5 in, 10.5 pt, up to 150 pages) that gives 0.532 in inside, 0.815 in
outside, 0.675 in at the top and 1.259 in at the foot: a text block of 4.153 x 6.566 in, a
measure of about 66 characters (about 63 on 5 x 8 in at 10 pt, 69 on 6 x 9 in at 11 pt).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bookbuild.config import BookConfig
from bookbuild.model import Book
from bookbuild.printspec import BLEED, PT_PER, binding_allowance, minimum_gutter, points

MARKS_SLUG = 0.25           # inches of room for crop marks around a proof
RUNNING_HEAD = 0.5          # inches from the trim to the running head's baseline (print.css)
HEAD_PADDING = 28.6         # pt from the trim to the top of the running head's line (print.css)
RULE = 0.4                  # pt: the weight of print.css's table rules
INSIDE, TOP, OUTSIDE, BOTTOM = 2, 3, 4, 6       # the margins' proportions, in units
ACROSS, DOWN = 27, 40.5     # units in the trim's width and in its height


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
    head_drop: float = 0.0      # how much lower the running head stands, for a printer's margin
    line: float = 0.0           # pt: the thinnest line the printers print (0: no rule)

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
            f"img {{ max-height: {self.block_height - 4.5 * self.font_size:.3f}pt; }}\n"
            # A display page (title, copyright) is as high as the text block, to place its
            # parts within it (a little less, so that rounding never pushes it onto a new page).
            f".full-page {{ height: {self.block_height - 1:.3f}pt; }}\n"
            + (f"@page {{ @top-center {{ padding-top: {HEAD_PADDING + self.head_drop:.3f}pt; }} }}\n"
               if self.head_drop else "")
            + (self.line_css() if self.line > RULE else ""))

    def line_css(self) -> str:
        """Rules, underlines and strike-outs at least `line` thick. WeasyPrint draws a
        line-through at the font's own thickness (Gentium's 0.05 em: 0.51 pt at 10.5 pt) whatever
        the style says, so a strike-out is drawn as an underline raised to where the font strikes
        (Gentium: 0.244 em above the baseline, less half the line)."""
        return (f"th, td {{ border-bottom-width: {self.line:.3f}pt; }}\n"
                f"u, ins {{ text-decoration-thickness: {self.line:.3f}pt; }}\n"
                f"del, s {{ text-decoration-line: underline; text-underline-offset: -0.25em;"
                f" text-decoration-thickness: {self.line:.3f}pt; }}\n")

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
    across, down = width / ACROSS, height / DOWN
    # A printer that keeps everything, running heads included, further from the trim (IngramSpark
    # and Lulu: 0.5 in) moves the head down and the text with it, and widens a narrow inside.
    least = least_margin(config) * 72
    drop = max(0.0, least - HEAD_PADDING)
    return Geometry(
        width=width, height=height, bleed=bleed_pt, slug=MARKS_SLUG * 72 if crop_marks else 0.0,
        inside=max(INSIDE * across + binding_allowance(pages) * 72, minimum_gutter(pages) * 72, least),
        outside=max(OUTSIDE * across, least),
        # Room for the running head and more than a line between it and the text.
        top=max(TOP * down, RUNNING_HEAD * 72 + drop + 1.2 * font_size),
        bottom=max(BOTTOM * down, least), font_size=font_size, pages=pages, head_drop=drop,
        line=least_line(config))


def least_margin(config: BookConfig) -> float:
    """The widest of the `min-margin` rules (inches) of the printers the book is delivered to:
    how far from the trim everything on the page must keep, 0 when none says."""
    return _strictest(config, "min-margin")


def least_line(config: BookConfig) -> float:
    """The heaviest of the `min-line` rules (pt) of the printers the book is delivered to: the
    thinnest line all of them print reliably, 0 when none says."""
    return _strictest(config, "min-line")


def _strictest(config: BookConfig, name: str) -> float:
    """The largest value of the rule `name` among the printers the book is delivered to."""
    from bookbuild.delivery import print_profiles
    values = [rule.value for printer in print_profiles(config)
              if (rule := printer.rule(name)) is not None]
    return max((float(v) for v in values if isinstance(v, (int, float))), default=0.0)


def estimate_pages(words: int, note_words: int, config: BookConfig) -> int:
    """A first guess at the page count, to choose the gutter before the layout counts pages."""
    area = _area(config)
    return int(12 + words / (270 * area) + note_words / (390 * area))


def _area(config: BookConfig) -> float:
    """The text block's area relative to the default trim's (4.153 x 6.566 in), which holds
    about 270 words of text or 390 of notes a page."""
    width, height = (points(length) for length in config.trim)
    return (width * 7 / 9 - 9) * (height * 7 / 9) / (299 * 473)


def guess_folios(book: Book) -> dict[str, str]:
    """A first guess at the folio of each page reference's target, by id: the text's pages
    counted from the words before it, each chapter opening on a recto. Only its count of
    figures has to be right for the number to be set again in its box (`retype`)."""
    targets = {ref.target for ref in book.crossrefs if ref.page}
    if not targets:
        return {}
    per_page = 270 * _area(book.config)
    opens: list[int] = []                   # the folio each chapter opens on
    folio = 1
    for chapter in book.chapters:
        opens.append(folio)
        pages = max(1, math.ceil(len(chapter.words.words) / per_page))
        folio += pages + pages % 2
    guesses: dict[str, str] = {}
    for target in targets:
        anchor = book.anchors.get(target)
        if anchor is None:
            continue
        chapter = book.chapters[anchor.chapter]
        line = anchor.place.line or 0
        before = sum(1 for word_line in chapter.words.lines if word_line < line)
        guesses[target] = str(opens[anchor.chapter] + int(before / per_page))
    return guesses
