"""Cover stage, step 2: the ISBN as an EAN-13 symbol, in the proportions GS1 specifies.

The bars come from python-barcode's EAN-13 encoder (its module pattern; we draw it, in 100 %
black ink, since printers reject barcodes in RGB or four-colour black: KDP,
https://kdp.amazon.com/en_US/help/topic/G5HDYGP4BXLX4RUW). At 100 % magnification a module is
0.33 mm, the bars 22.85 mm high, the guard bars 5 modules longer, with quiet zones of 11 modules
on the left and 7 on the right: 37.29 mm across (GS1 General Specifications 5.2.3.4; summarised
at https://www.gs1ie.org/standards/data-carriers/barcodes/ean-13/). The digits stand under the
bars: the first left of the start guard, then two groups of six; "ISBN 978-0-306-40615-7" (the
ISBN hyphenated by its registration groups, isbnlib's range data) stands above in 9 pt (ISBN
Users' Manual, 7.1). The symbol is shrunk to fit the printer's box across, never below 80 %,
GS1's smallest magnification; where the box is lower than the symbol (IngramSpark's is 1 in
high), the bars are shortened, as books' ISBN symbols commonly are, never below 60 % of their
height at that magnification, and the box keeps a little white above and below.
"""

from __future__ import annotations

from dataclasses import dataclass

import barcode
import isbnlib

MODULE = 0.33 * 72 / 25.4       # pt: the X dimension at 100 %
BAR_HEIGHT = 22.85 * 72 / 25.4  # pt
GUARD_EXTRA = 5                 # modules the guard bars reach below the others
QUIET_LEFT, QUIET_RIGHT = 11, 7 # modules
SYMBOL_MODULES = 95
MIN_MAGNIFICATION = 0.8
HEADING_PT = 9.0                # "ISBN 978-..." above the symbol
HEADING_LINE = HEADING_PT * 1.2
DIGITS_LINE = 3.08 * 72 / 25.4  # pt: the digits' band under the bars at 100 % (25.93 - 22.85 mm)
DIGITS_PT = DIGITS_LINE         # the digits' type, as high as their band
PADDING = 2.5                   # pt of white above the heading and below the digits
MIN_BAR_SHARE = 0.6             # bars shortened to fit a low box, never below this share
_GUARDS = (range(0, 3), range(45, 50), range(92, 95))


@dataclass(frozen=True)
class Bar:
    x: float                    # pt from the symbol's left edge (its quiet zone included)
    width: float
    height: float


@dataclass(frozen=True)
class Symbol:
    """An EAN-13 symbol laid out at `magnification`, in points from its top left corner."""

    digits: str                 # the 13 digits
    heading: str                # ISBN 978-0-306-40615-7
    magnification: float
    bars: list[Bar]
    width: float                # with its quiet zones
    height: float               # heading, bars and digits
    bar_height: float           # the bars' height (the guards reach 5 modules lower)

    @property
    def module(self) -> float:
        return MODULE * self.magnification


def ean13(isbn: str, box: tuple[float, float]) -> Symbol:
    """The symbol of the 13-digit `isbn`, as large as fits `box` (width, height in pt) up to
    100 %. Raises ValueError when the ISBN is not a valid ISBN-13 (its check digit is wrong),
    or when even 80 % does not fit the box."""
    if not isbnlib.is_isbn13(isbn):
        raise ValueError(f"{isbn} is not a valid ISBN-13 (its check digit does not match)")
    pattern = barcode.get("ean13", isbn).build()[0]
    natural_width = (QUIET_LEFT + SYMBOL_MODULES + QUIET_RIGHT) * MODULE
    magnification = min(1.0, box[0] / natural_width)
    module = MODULE * magnification
    room = box[1] - 2 * PADDING - HEADING_LINE - DIGITS_LINE * magnification - GUARD_EXTRA * module
    bar_height = min(BAR_HEIGHT * magnification, room)
    if magnification < MIN_MAGNIFICATION or bar_height < MIN_BAR_SHARE * BAR_HEIGHT * magnification:
        raise ValueError(f"the barcode box ({box[0] / 72:.2f} x {box[1] / 72:.2f} in) is too "
                         "small for an EAN-13 symbol at 80 %, the smallest GS1 allows")
    bars: list[Bar] = []
    start: int | None = None
    for index, bit in enumerate(pattern + "0"):
        if bit == "1" and start is None:
            start = index
        elif bit != "1" and start is not None:
            guard = any(start in guard for guard in _GUARDS)
            height = bar_height + (GUARD_EXTRA * module if guard else 0.0)
            bars.append(Bar((QUIET_LEFT + start) * module, (index - start) * module, height))
            start = None
    height = HEADING_LINE + bar_height + DIGITS_LINE * magnification + GUARD_EXTRA * module
    return Symbol(isbn, "ISBN " + isbnlib.mask(isbn), magnification, bars,
                  (QUIET_LEFT + SYMBOL_MODULES + QUIET_RIGHT) * module, height, bar_height)


def digit_groups(symbol: Symbol) -> list[tuple[str, float, float]]:
    """The digits under the bars as (text, x, width) in pt: the first in the left quiet zone,
    then six under each half, between the guards."""
    module = symbol.module
    return [(symbol.digits[0], 0.0, (QUIET_LEFT - 1) * module),
            (symbol.digits[1:7], (QUIET_LEFT + 3) * module, 42 * module),
            (symbol.digits[7:], (QUIET_LEFT + 50) * module, 42 * module)]
