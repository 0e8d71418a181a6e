"""Cover stage, step 1: the geometry of the print cover wrap, in points.

The sheet is bleed + back + spine + front + bleed across, bleed + trim + bleed down (KDP,
"Create a Paperback Cover", https://kdp.amazon.com/en_US/help/topic/G201953020). The spine is
the interior's page count times the printer's paper caliper (`delivery.spine_width`). Nothing
but the background may come within the safe distance of the trim or of a fold (KDP: 0.125 in;
a printer's profile may ask more). The spine carries the title and the author only from the
page count the printer prints spine text at (KDP: 79 pages, "at least 79"; we take 80, as KDP's
Cover Creator does) and only when the type that fits between the clearances (KDP: 0.0625 in each
side of the spine) is at least 6 pt; else the spine is left plain. The barcode box sits at the
foot of the back cover, by the spine, as KDP places its own: 2 x 1.2 in, 0.25 in from the spine
fold and from the trim (https://kdp.amazon.com/en_US/help/topic/G5HDYGP4BXLX4RUW).
"""

from __future__ import annotations

from dataclasses import dataclass

from bookbuild.config import BookConfig
from bookbuild.delivery import Profile, spine_width
from bookbuild.printspec import BLEED, PT_PER, points

SAFETY = 0.125                  # in: text keeps this far from the trim and the folds (KDP)
SPINE_TEXT_PAGES = 80           # pages: the fewest with spine text (KDP's Cover Creator)
SPINE_CLEARANCE = 0.0625        # in: spine text from each fold (KDP)
SPINE_TYPE_MIN = 6.0            # pt: smaller spine type is not legible on a shelf
SPINE_TYPE_MAX = 11.0           # pt
BARCODE_BOX = (2.0, 1.2)        # in: KDP's barcode area
BARCODE_MARGIN = 0.25           # in: from the spine fold and the bottom trim


@dataclass(frozen=True)
class CoverGeometry:
    """The wrap, in points, from the sheet's top left corner (bleed included)."""

    width: float                # trim width of one cover (front or back)
    height: float               # trim height
    bleed: float
    spine: float                # the spine's width
    spine_formula: str          # how it was found, in words, with its source
    safety: float               # text keeps this far from the trim and the folds
    spine_type: float           # the spine's type size, 0 when the spine carries no text
    spine_clearance: float
    barcode_box: tuple[float, float]
    barcode_margin: float
    pages: int

    @property
    def sheet(self) -> tuple[float, float]:
        """The whole sheet (the MediaBox): bleed + back + spine + front + bleed, by the
        trim's height and two bleeds."""
        return (2 * self.bleed + 2 * self.width + self.spine, 2 * self.bleed + self.height)

    @property
    def trim_size(self) -> tuple[float, float]:
        """The TrimBox: back + spine + front, by the trim's height."""
        return (2 * self.width + self.spine, self.height)

    @property
    def folds(self) -> tuple[float, float]:
        """The x of the spine's two folds on the sheet (back | spine, spine | front)."""
        return (self.bleed + self.width, self.bleed + self.width + self.spine)

    @property
    def barcode(self) -> tuple[float, float, float, float]:
        """The barcode box (x, y, width, height) on the sheet: at the foot of the back cover,
        `barcode_margin` from the spine fold and the bottom trim."""
        width, height = self.barcode_box
        x = self.folds[0] - self.barcode_margin - width
        y = self.bleed + self.height - self.barcode_margin - height
        return (x, y, width, height)


def cover_geometry(config: BookConfig, pages: int, profile: Profile | None) -> CoverGeometry:
    """The wrap of a book of `pages` pages (the interior's count, blank pages included) on
    book.yaml's paper and trim, by the printer's `profile` (None: KDP Print's rules, the
    strictest of the print-on-demand services').

    Raises ValueError when the trim is not a length (config validation prevents it)."""
    width, height = (points(length) for length in config.trim)
    metric = config.trim[0].endswith(("mm", "cm"))
    spine, formula = spine_width(profile, config.paper, pages)
    safety = max(SAFETY, _inches(profile, "cover-safety", SAFETY))
    clearance = _inches(profile, "spine-text-clearance", SPINE_CLEARANCE)
    minimum = _number(profile, "spine-text-min-pages", SPINE_TEXT_PAGES)
    room = spine * 72 - 2 * clearance * 72
    spine_type = min(SPINE_TYPE_MAX, room / 1.25)       # a line of type with its leading
    if pages < minimum or spine_type < SPINE_TYPE_MIN:
        spine_type = 0.0
    box = _box(profile)
    return CoverGeometry(
        width=width, height=height, bleed=3 * PT_PER["mm"] if metric else BLEED * 72,
        spine=spine * 72, spine_formula=formula, safety=safety * 72, spine_type=spine_type,
        spine_clearance=clearance * 72, barcode_box=(box[0] * 72, box[1] * 72),
        barcode_margin=box[2] * 72, pages=pages)


def _value(profile: Profile | None, name: str) -> object:
    rule = profile.rule(name) if profile is not None else None
    return rule.value if rule is not None else None


def _inches(profile: Profile | None, name: str, default: float) -> float:
    value = _value(profile, name)
    return float(value) if isinstance(value, (int, float)) else default


def _number(profile: Profile | None, name: str, default: int) -> int:
    value = _value(profile, name)
    return int(value) if isinstance(value, int) else default


def _box(profile: Profile | None) -> tuple[float, float, float]:
    """The barcode box's width, height and margin (in) the printer asks for."""
    value = _value(profile, "barcode")
    if isinstance(value, dict):
        return (float(value.get("width", BARCODE_BOX[0])), float(value.get("height", BARCODE_BOX[1])),
                float(value.get("margin", BARCODE_MARGIN)))
    return (*BARCODE_BOX, BARCODE_MARGIN)
