"""Printers' rules, shared by the PDF writer and the preflight that checks its work.

Figures are KDP Print's, the strictest of the print-on-demand services: minimum gutters by page
count, minimum outside margins, paper thickness for the spine, the smallest page count.
"""

from __future__ import annotations

import re

PT_PER = {"in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "pt": 1.0}
GUTTERS = ((150, 0.375), (300, 0.5), (500, 0.625))      # (up to this many pages, inches)
GUTTER_BEYOND = 0.75
PAPERS = {"white": 0.002252, "cream": 0.0025}            # inches per page
MIN_OUTSIDE = 0.25                                       # inches, without bleed
MIN_OUTSIDE_BLEED = 0.375                                # inches, with bleed
MIN_TEXT = 7.0                                           # points
BLEED = 0.125                                            # inches (3 mm for metric trims)


def points(length: str) -> float:
    """A CSS length (in, mm, cm, pt) in points."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(in|mm|cm|pt)", length)
    if not match:
        raise ValueError(f"not a length: {length}")
    return float(match.group(1)) * PT_PER[match.group(2)]


def minimum_gutter(pages: int) -> float:
    """The minimum inside margin, in inches, for a book of `pages` pages."""
    for limit, gutter in GUTTERS:
        if pages <= limit:
            return gutter
    return GUTTER_BEYOND


def binding_allowance(pages: int) -> float:
    """What the binding of a book of `pages` pages takes from the inside margin, in inches: the
    minimum gutter less the minimum margin every other edge keeps (0.125 in up to 150 pages, 0.25
    to 300, 0.375 to 500, 0.5 beyond). The reader sees the inside margin less this."""
    return minimum_gutter(pages) - MIN_OUTSIDE
