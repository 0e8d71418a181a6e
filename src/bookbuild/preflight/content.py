"""Preflight stage: read a page's content stream the way a printer's RIP would.

A small interpreter for the operators that matter to a preflight: the graphics state (q, Q, cm),
text positioning and showing (BT, ET, Tm, Td, TD, T*, Tf, Tc, Tw, Tz, TL, TJ, Tj, ', "), colour
(rg, RG, k, K, cs, CS, sc, scn...), paths (m, l, c, v, y, re, h, S, s, f, B...) and forms (Do).
For each page it reports where text was set, its smallest size, glyphs missing from their font
(CID 0, read through the font's encoding CMap when it has one), the characters set in fonts that
are not the book's, device RGB colour, strokes drawn outside the trim (crop marks), and the box of
every object drawn: images (XObjects and inline), paths that are filled or stroked, the contents
of forms, each cut to the clipping path in force, the thinnest line inside the trim (`lines`)
and the lightest grey fill. White fills are left out: they print nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pypdf.generic import DictionaryObject, IndirectObject

from bookbuild.preflight.lines import MIN_LENGTH, band_weight, normalised, stroke_weight
from bookbuild.preflight.tokens import operations

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]                 # x0, y0, x1, y1 in PDF points, y up
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FILL_OR_STROKE = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_STROKES = {"S", "s", "B", "B*", "b", "b*"}
_RGB = {"rg", "RG"}
_FILLS_ONLY = {"f", "F", "f*"}
# The style's faces, and the fallbacks book.yaml declares (named "Bookbuild Fallback A", "B"... by
# bookbuild.fontset): a machine's own font never carries these names.
BOOK_FACES = ("Gentium", "BookbuildSymbols", "BookbuildMono", "BookbuildFallback")


def is_book_face(name: str) -> bool:
    """Whether a BaseFont ("ABCDEF+Gentium-Book-Plus") is one of the book's own faces."""
    family = name.lstrip("/").partition("+")[2] or name.lstrip("/")
    return any(face in family.replace("-", "").replace(" ", "") for face in BOOK_FACES)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: m x n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (x * a + y * c + e, x * b + y * d + f)


@dataclass
class Font:
    """What the preflight needs of a font: glyph widths and the text of each glyph."""

    name: str
    two_byte: bool
    widths: dict[int, float]
    default_width: float
    unicode: dict[int, str]                               # by code, as ToUnicode maps them
    cids: dict[int, int] | None = None                    # code to CID, from an encoding CMap
    foreign: bool = False                                 # not one of the book's faces

    def cid(self, code: int) -> int:
        return code if self.cids is None else self.cids.get(code, 0)

    def width(self, code: int) -> float:
        return self.widths.get(self.cid(code), self.default_width) / 1000


@dataclass(frozen=True)
class Run:
    """Text shown by one text operator: where it starts (PDF points, y up) and what it says."""

    x: float
    y: float
    size: float
    text: str
    end: float = 0.0        # where the text stops along the line


@dataclass(frozen=True)
class Drawn:
    """An object drawn on the page: what it is and its box, cut to the clip."""

    kind: str               # "image", "rule" or "path"
    box: Box
    detail: str = ""        # an image's size in pixels


@dataclass
class PageText:
    """What one page's content stream holds."""

    min_x: float | None = None
    max_x: float | None = None
    min_size: float | None = None
    smallest: str = ""                                    # the text set at min_size
    missing: list[tuple[str, str]] = field(default_factory=list)  # .notdef: its text, the run
    rgb: bool = False
    outside_strokes: int = 0                              # strokes beyond the trim box
    runs: list[Run] = field(default_factory=list)         # kept only when asked for
    drawn: list[Drawn] = field(default_factory=list)
    min_line: float | None = None                         # pt: the thinnest line in the trim
    min_tint: float | None = None                         # the lightest grey fill (0 to 1)
    foreign: dict[str, dict[str, None]] = field(default_factory=dict)  # font: its characters


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    font: Font | None = None
    size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scale: float = 1.0
    leading: float = 0.0
    clip: Box | None = None
    line_width: float = 1.0
    white_fill: bool = False
    white_stroke: bool = False
    fill_tint: float | None = None      # the fill's grey ink, 0 to 1; None: a colour, or unknown


class PageReader:
    """Reads one page (and the forms it draws) into a `PageText`."""

    def __init__(self, fonts: dict[int, Font], trim: tuple[float, float, float, float],
                 keep_text: bool = False) -> None:
        self.fonts = fonts
        self.trim = trim
        self.keep_text = keep_text
        self.result = PageText()

    def read(self, contents: Any, resources: DictionaryObject, pdf: Any, ctm: Matrix = IDENTITY,
             clip: Box | None = None) -> None:
        state = _State(ctm=ctm, clip=clip)
        stack: list[_State] = []
        text_matrix = line_matrix = IDENTITY
        path: list[tuple[float, float]] = []
        rects: list[Box] = []           # the path's rectangles, when it is made of nothing else
        shaped = False                  # the path has lines or curves of its own
        clipping = False
        if contents is None:
            return
        for operands, op in operations(contents.get_data(), inline_images=True):
            if op == "q":
                stack.append(_State(**vars(state)))
            elif op == "Q":
                state = stack.pop() if stack else state
            elif op == "cm":
                state.ctm = multiply(tuple(float(v) for v in operands), state.ctm)  # type: ignore[arg-type]
            elif op == "BT":
                text_matrix = line_matrix = IDENTITY
            elif op == "Tm":
                text_matrix = line_matrix = tuple(float(v) for v in operands)  # type: ignore[assignment]
            elif op in ("Td", "TD"):
                tx, ty = (float(v) for v in operands)
                if op == "TD":
                    state.leading = -ty
                line_matrix = multiply((1, 0, 0, 1, tx, ty), line_matrix)
                text_matrix = line_matrix
            elif op in ("T*", "'", '"'):
                line_matrix = multiply((1, 0, 0, 1, 0, -state.leading), line_matrix)
                text_matrix = line_matrix
                if op != "T*":
                    text_matrix = self._show(state, text_matrix, [operands[-1]])
            elif op == "TL":
                state.leading = float(operands[0])
            elif op == "Tf":
                state.font = self._font(resources, operands[0], pdf)
                state.size = float(operands[1])
            elif op == "Tc":
                state.char_spacing = float(operands[0])
            elif op == "Tw":
                state.word_spacing = float(operands[0])
            elif op == "Tz":
                state.scale = float(operands[0]) / 100
            elif op == "Tj":
                text_matrix = self._show(state, text_matrix, [operands[0]])
            elif op == "TJ":
                text_matrix = self._show(state, text_matrix, list(operands[0]))
            elif op in _RGB or (op in ("cs", "CS") and operands and operands[0] == "/DeviceRGB"):
                self.result.rgb = True
                if op in _RGB:
                    self._colour(state, op == "RG", operands)
            elif op in ("g", "G", "k", "K", "sc", "SC", "scn", "SCN"):
                self._colour(state, op.isupper(), operands)
            elif op == "w":
                state.line_width = float(operands[0])
            elif op in ("W", "W*"):
                clipping = True
            elif op in ("m", "l"):
                path.append(apply(state.ctm, float(operands[0]), float(operands[1])))
                shaped = True
            elif op in ("c", "v", "y"):
                path.append(apply(state.ctm, float(operands[-2]), float(operands[-1])))
                shaped = True
            elif op == "re":
                x, y, w, h = (float(v) for v in operands)
                corners = [apply(state.ctm, x, y), apply(state.ctm, x + w, y + h)]
                path += corners
                rects.append(normalised(*corners))
            elif op in _FILL_OR_STROKE or op == "n":
                if op in _STROKES and any(self._outside(point) for point in path):
                    self.result.outside_strokes += 1
                if path and clipping:
                    state.clip = _intersect(state.clip, _bounds(path))
                if path and op != "n":
                    self._paint(state, op, path, [] if shaped else rects)
                path, rects, shaped = [], [], False
                clipping = False
            elif op == "Do":
                self._form(resources, operands[0], pdf, state)
            elif op == "BI":
                self._image(state, "inline image", operands)

    @staticmethod
    def _colour(state: _State, stroke: bool, operands: list[Any]) -> None:
        values = [float(v) for v in operands if isinstance(v, float)]
        white = bool(values) and (all(v == 0 for v in values) if len(values) == 4
                                  else all(v == 1 for v in values))
        if stroke:
            state.white_stroke = white
        else:
            state.white_fill = white
            state.fill_tint = _grey_ink([float(v) for v in operands if isinstance(v, (int, float))])

    def _paint(self, state: _State, op: str, path: list[tuple[float, float]],
               rects: list[Box]) -> None:
        """Record a filled or stroked path (white fills print nothing); `rects`: its
        rectangles when it is made of nothing else."""
        stroked = op in _STROKES
        if (op in _FILLS_ONLY and state.white_fill) or (stroked and state.white_stroke
                                                        and op not in ("B", "B*", "b", "b*")):
            return
        x0, y0, x1, y1 = _bounds(path)
        visible = _intersect(state.clip, (x0, y0, x1, y1))
        if visible is not None and _intersect(self.trim, visible) is not None:
            # Inside the trim (a crop mark is outside it): its weight and its grey count.
            self._line(state, stroked, (x0, y0, x1, y1), rects)
            if op in _FILLS_ONLY or op.upper().startswith("B"):
                self._tint(state, visible)
        if stroked:
            a, b, c, d = state.ctm[:4]
            half = state.line_width * abs(a * d - b * c) ** 0.5 / 2
            x0, y0, x1, y1 = x0 - half, y0 - half, x1 + half, y1 + half
        box = _intersect(state.clip, (x0, y0, x1, y1))
        if box is not None:
            thin = min(box[2] - box[0], box[3] - box[1]) < 3
            self.result.drawn.append(Drawn("rule" if thin else "path", box))

    def _line(self, state: _State, stroked: bool, bounds: Box, rects: list[Box]) -> None:
        """Keep the weight of a line (`lines`): a stroke's width, a fill's thinnest band."""
        if stroked:
            long = max(bounds[2] - bounds[0], bounds[3] - bounds[1]) >= MIN_LENGTH
            weight = stroke_weight(state.line_width, state.ctm) if long else None
        else:
            weight = band_weight(rects) if rects else None
        if weight is not None and (self.result.min_line is None or weight < self.result.min_line):
            self.result.min_line = weight

    def _tint(self, state: _State, visible: Box) -> None:
        """Keep the lightest grey that fills something (white prints nothing and is left out;
        so are dots)."""
        tint = state.fill_tint
        if tint is None or tint < 0.001 \
                or max(visible[2] - visible[0], visible[3] - visible[1]) < MIN_LENGTH:
            return
        if self.result.min_tint is None or tint < self.result.min_tint:
            self.result.min_tint = tint

    def _image(self, state: _State, kind: str, size: list[Any]) -> None:
        """Record an image: the unit square through the CTM, cut to the clip."""
        corners = [apply(state.ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
        box = _intersect(state.clip, _bounds(corners))
        if box is not None:
            detail = f"{int(size[0])} x {int(size[1])} px" if len(size) == 2 else ""
            self.result.drawn.append(Drawn(kind, box, detail))

    def _outside(self, point: tuple[float, float]) -> bool:
        x0, y0, x1, y1 = self.trim
        return point[0] < x0 - 1 or point[0] > x1 + 1 or point[1] < y0 - 1 or point[1] > y1 + 1

    def _font(self, resources: DictionaryObject, name: Any, pdf: Any) -> Font | None:
        fonts = resources.get("/Font")
        if fonts is None:
            return None
        reference = fonts.get_object().raw_get(name)
        key = reference.idnum if isinstance(reference, IndirectObject) else id(reference)
        if key not in self.fonts:
            self.fonts[key] = read_font(reference.get_object())
            self.fonts[key].foreign = not is_book_face(self.fonts[key].name)
        return self.fonts[key]

    def _form(self, resources: DictionaryObject, name: Any, pdf: Any, state: _State) -> None:
        objects = resources.get("/XObject")
        if objects is None:
            return
        form = objects.get_object().get(name)
        if form is None:
            return
        form = form.get_object()
        if form.get("/Subtype") == "/Image":
            space = form.get("/ColorSpace")
            if space == "/DeviceRGB":
                self.result.rgb = True
            if not form.get("/ImageMask") or not state.white_fill:
                self._image(state, "image", [form.get("/Width", 0), form.get("/Height", 0)])
            return
        if form.get("/Subtype") != "/Form":
            return
        matrix: Matrix = tuple(float(v) for v in form.get("/Matrix", IDENTITY))  # type: ignore[assignment]
        ctm = multiply(matrix, state.ctm)
        clip = state.clip
        if form.get("/BBox") is not None:
            x0, y0, x1, y1 = (float(v) for v in form["/BBox"])
            corners = [apply(ctm, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
            clip = _intersect(clip, _bounds(corners))
            if clip is None:
                return
        inner = form.get("/Resources")
        self.read(form, inner.get_object() if inner is not None else resources, pdf, ctm, clip)

    def _show(self, state: _State, text_matrix: Matrix, items: list[Any]) -> Matrix:
        font = state.font
        if font is None:
            return text_matrix
        start = apply(multiply(text_matrix, state.ctm), 0, 0)
        advance = 0.0
        glyphs: list[int] = []
        for item in items:
            if isinstance(item, (int, float)) or hasattr(item, "as_numeric"):
                advance -= float(item) / 1000 * state.size * state.scale
                continue
            data = bytes(item.original_bytes if hasattr(item, "original_bytes") else item)
            step = 2 if font.two_byte else 1
            for index in range(0, len(data) - step + 1, step):
                code = int.from_bytes(data[index:index + step], "big")
                glyphs.append(code)
                spacing = state.char_spacing + (state.word_spacing if code == 32 and step == 1 else 0)
                advance += (font.width(code) * state.size + spacing) * state.scale
        end_matrix = multiply((1, 0, 0, 1, advance, 0), text_matrix)
        end = apply(multiply(end_matrix, state.ctm), 0, 0)
        self._record(state, text_matrix, start, end, glyphs, font)
        return end_matrix

    def _record(self, state: _State, text_matrix: Matrix, start: tuple[float, float],
                end: tuple[float, float], glyphs: list[int], font: Font) -> None:
        if not glyphs:
            return
        result = self.result
        low, high = min(start[0], end[0]), max(start[0], end[0])
        result.min_x = low if result.min_x is None else min(result.min_x, low)
        result.max_x = high if result.max_x is None else max(result.max_x, high)
        matrix = multiply(text_matrix, state.ctm)
        size = abs(state.size * (matrix[1] ** 2 + matrix[3] ** 2) ** 0.5)
        if size > 0 and (result.min_size is None or size < result.min_size):
            result.min_size = size
            result.smallest = "".join(font.unicode.get(g, "") for g in glyphs)
        if font.two_byte and any(font.cid(g) == 0 for g in glyphs):
            lost = "".join(font.unicode.get(g, "") for g in glyphs if font.cid(g) == 0)
            result.missing.append((lost or "glyph 0", "".join(
                "□" if font.cid(g) == 0 and g not in font.unicode else font.unicode.get(g, "")
                for g in glyphs)))
        if font.foreign:
            chars = result.foreign.setdefault(font.name.lstrip("/").partition("+")[2] or font.name, {})
            for g in glyphs:
                chars.setdefault(font.unicode.get(g) or f"glyph {font.cid(g)}", None)
        if self.keep_text:
            text = "".join(font.unicode.get(g, "") for g in glyphs)
            result.runs.append(Run(start[0], start[1], size, text, end[0]))


def _grey_ink(values: list[float]) -> float | None:
    """The ink of a grey given by a colour operator's operands: gray (1 value: 1 - g), RGB
    with three equal values (1 - r), CMYK with no cyan, magenta or yellow (k); None for a
    colour."""
    if len(values) == 1:
        return 1 - values[0]
    if len(values) == 3 and max(values) - min(values) < 0.002:
        return 1 - values[0]
    if len(values) == 4 and max(values[:3]) < 0.002:
        return values[3]
    return None


def _bounds(points: list[tuple[float, float]]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _intersect(clip: Box | None, box: Box) -> Box | None:
    """`box` cut to `clip`; None when nothing of it is left."""
    if clip is None:
        return box
    x0, y0 = max(clip[0], box[0]), max(clip[1], box[1])
    x1, y1 = min(clip[2], box[2]), min(clip[3], box[3])
    return (x0, y0, x1, y1) if x0 <= x1 and y0 <= y1 else None


_CIDCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*(\d+)")
_CIDRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)")
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def read_font(font: DictionaryObject) -> Font:
    """Widths and ToUnicode of a font dictionary (Type0/CIDFont or simple)."""
    name = str(font.get("/BaseFont", "?"))
    two_byte = font.get("/Subtype") == "/Type0"
    widths: dict[int, float] = {}
    default = 1000.0
    if two_byte:
        descendants: Any = font["/DescendantFonts"]
        descendant = descendants[0].get_object()
        default = float(descendant.get("/DW", 1000))
        entries = list(descendant.get("/W", []))
        index = 0
        while index < len(entries):
            first = int(entries[index])
            following = entries[index + 1]
            if isinstance(following, list) or hasattr(following, "__iter__"):
                for offset, width in enumerate(following):
                    widths[first + offset] = float(width)
                index += 2
            else:
                for code in range(first, int(following) + 1):
                    widths[code] = float(entries[index + 2])
                index += 3
    else:
        first = int(font.get("/FirstChar", 0))
        for offset, width in enumerate(font.get("/Widths", [])):
            widths[first + offset] = float(width)
        default = 0.0
    unicode: dict[int, str] = {}
    cmap = font.get("/ToUnicode")
    if cmap is not None:
        data = cmap.get_object().get_data()
        for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for source, target in _BFCHAR.findall(section):
                unicode[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be", "replace")
        for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
            for low, high, target in _BFRANGE.findall(section):
                base = int(target, 16)
                for code in range(int(low, 16), int(high, 16) + 1):
                    unicode[code] = chr(base + code - int(low, 16))
    return Font(name, two_byte, widths, default, unicode, _encoding(font))


def _encoding(font: DictionaryObject) -> dict[int, int] | None:
    """Code to CID from an embedded encoding CMap (WeasyPrint writes one when codes are not
    glyph ids, as for small capitals and .notdef boxes); None for Identity-H."""
    encoding = font.get("/Encoding")
    if encoding is None or not hasattr(encoding.get_object(), "get_data"):
        return None
    data = encoding.get_object().get_data()
    cids: dict[int, int] = {}
    for section in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
        for code, cid in _CIDCHAR.findall(section):
            cids[int(code, 16)] = int(cid)
    for section in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
        for low, high, cid in _CIDRANGE.findall(section):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                cids[int(low, 16) + offset] = int(cid) + offset
    return cids
