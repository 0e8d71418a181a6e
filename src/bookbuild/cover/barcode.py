"""Cover stage, step 2: the ISBN as an EAN-13 symbol, in the proportions GS1 specifies.

The bars come from python-barcode's EAN-13 encoder (its module pattern; we draw it, in 100 %
black ink, since printers reject barcodes in RGB or four-colour black: KDP,
https://kdp.amazon.com/en_US/help/topic/G5HDYGP4BXLX4RUW). At 100 % magnification a module is
0.33 mm, the bars 22.85 mm high, the guard bars 5 modules longer, with quiet zones of 11 modules
on the left and 7 on the right: 37.29 mm across (GS1 General Specifications 5.2.3.4; summarised
at https://www.gs1ie.org/standards/data-carriers/barcodes/ean-13/). The digits stand under the
bars: the first left of the start guard, then two groups of six; "ISBN 978-0-306-40615-7" (the
ISBN hyphenated by its registration groups, isbnlib's range data) stands above in 9 pt (ISBN
Users' Manual, 7.1). The symbol is shrunk to fit the printer's box, never below 80 %, GS1's
smallest magnification.
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
DIGITS_PT = 11.0                # the digits under the bars (2.75 mm high at 100 %)
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
    natural_height = _height(1.0)
    magnification = min(1.0, box[0] / natural_width, box[1] / natural_height)
    if magnification < MIN_MAGNIFICATION:
        raise ValueError(f"the barcode box ({box[0] / 72:.2f} x {box[1] / 72:.2f} in) is too "
                         "small for an EAN-13 symbol at 80 %, the smallest GS1 allows")
    module = MODULE * magnification
    bars: list[Bar] = []
    start: int | None = None
    for index, bit in enumerate(pattern + "0"):
        if bit == "1" and start is None:
            start = index
        elif bit != "1" and start is not None:
            guard = any(start in guard for guard in _GUARDS)
            height = (BAR_HEIGHT * magnification) + (GUARD_EXTRA * module if guard else 0.0)
            bars.append(Bar((QUIET_LEFT + start) * module, (index - start) * module, height))
            start = None
    return Symbol(isbn, "ISBN " + isbnlib.mask(isbn), magnification, bars,
                  (QUIET_LEFT + SYMBOL_MODULES + QUIET_RIGHT) * module, _height(magnification))


def _height(magnification: float) -> float:
    """Heading (with a little air), bars, and the digits' line."""
    return HEADING_PT * 1.3 + BAR_HEIGHT * magnification + DIGITS_PT * magnification * 1.1


def digit_groups(symbol: Symbol) -> list[tuple[str, float, float]]:
    """The digits under the bars as (text, x, width) in pt: the first in the left quiet zone,
    then six under each half, between the guards."""
    module = symbol.module
    return [(symbol.digits[0], 0.0, (QUIET_LEFT - 1) * module),
            (symbol.digits[1:7], (QUIET_LEFT + 3) * module, 42 * module),
            (symbol.digits[7:], (QUIET_LEFT + 50) * module, 42 * module)]
