"""Preflight stage: the weight of a line as it prints, from the path that draws it.

A printer's minimum line weight (KDP: 0.75 pt) is about the marks a reader sees as lines: rules,
borders, underlines. PDF draws them two ways, and both are measured:

- stroked: the weight is the line width (`w`) scaled by the CTM (PDF 32000-1:2008, 8.4.3.2);
- filled rectangles: WeasyPrint draws a solid border as a border box with its padding box cut out
  (even-odd), a rule as one thin rectangle; the weight is the thinnest band left between a
  rectangle and the one inside it, or a lone rectangle's short side.

Paths with curves (glyph-like shapes, rounded corners) are not lines and are left out, as are
marks shorter than `MIN_LENGTH`: a dot is not a line.
"""

from __future__ import annotations

Box = tuple[float, float, float, float]     # x0, y0, x1, y1 in PDF points
Matrix = tuple[float, float, float, float, float, float]

MIN_LENGTH = 2.0        # pt: a mark shorter than this in both directions is a dot, not a line
_EPSILON = 0.01         # pt: sides this close are one side (a border drawn on some sides only)


def stroke_weight(line_width: float, ctm: Matrix) -> float:
    """The printed width (pt) of a stroke of `line_width` user units under `ctm` (the mean
    scale, exact for the uniform scales and right angles books use). A width of 0 is the
    thinnest line the device can draw (PDF 8.4.3.2): reported as 0."""
    a, b, c, d = ctm[:4]
    return line_width * abs(a * d - b * c) ** 0.5


def band_weight(rects: list[Box]) -> float | None:
    """The thinnest band painted by filling `rects` (one path, axis-aligned, in page points):
    for a rectangle inside another, the narrowest non-zero gap between them; for a rectangle
    with none around it and none inside, its short side. None: nothing line-like (every mark
    shorter than `MIN_LENGTH`)."""
    weights: list[float] = []
    for index, rect in enumerate(rects):
        parent = _innermost_around(rect, rects, index)
        if parent is not None:
            gaps = [rect[0] - parent[0], rect[1] - parent[1], parent[2] - rect[2],
                    parent[3] - rect[3]]
            band = [gap for gap in gaps if gap > _EPSILON]
            if band and _long(parent):
                weights.append(min(band))
        elif not any(_inside(other, rect) for j, other in enumerate(rects) if j != index) \
                and _long(rect):
            weights.append(min(rect[2] - rect[0], rect[3] - rect[1]))
    return min(weights) if weights else None


def normalised(a: tuple[float, float], b: tuple[float, float]) -> Box:
    """The box with corners `a` and `b` (a rectangle may be drawn with a negative size)."""
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def _innermost_around(rect: Box, rects: list[Box], index: int) -> Box | None:
    around = [other for j, other in enumerate(rects) if j != index and _inside(rect, other)]
    return min(around, key=_area) if around else None


def _inside(inner: Box, outer: Box) -> bool:
    return (inner != outer and inner[0] >= outer[0] - _EPSILON and inner[1] >= outer[1] - _EPSILON
            and inner[2] <= outer[2] + _EPSILON and inner[3] <= outer[3] + _EPSILON)


def _area(box: Box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _long(box: Box) -> bool:
    return max(box[2] - box[0], box[3] - box[1]) >= MIN_LENGTH


__all__ = ["MIN_LENGTH", "band_weight", "normalised", "stroke_weight"]
