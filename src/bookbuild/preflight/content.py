"""Preflight stage: read a page's content stream the way a printer's RIP would.

A small interpreter for the operators that matter to a preflight: the graphics state (q, Q, cm),
text positioning and showing (BT, ET, Tm, Td, TD, T*, Tf, Tc, Tw, Tz, TL, TJ, Tj, ', "), colour
(rg, RG, k, K, cs, CS, sc, scn...), paths (m, l, c, v, y, re, h, S, s, f, B...) and forms (Do).
For each page it reports where text was set, its smallest size, glyphs missing from their font,
device RGB colour, and strokes drawn outside the trim (crop marks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pypdf.generic import DictionaryObject, IndirectObject

from bookbuild.preflight.tokens import operations

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FILL_OR_STROKE = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
_STROKES = {"S", "s", "B", "B*", "b", "b*"}
_RGB = {"rg", "RG"}


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
    unicode: dict[int, str]

    def width(self, code: int) -> float:
        return self.widths.get(code, self.default_width) / 1000


@dataclass(frozen=True)
class Run:
    """Text shown by one text operator: where it starts (PDF points, y up) and what it says."""

    x: float
    y: float
    size: float
    text: str
    end: float = 0.0        # where the text stops along the line


@dataclass
class PageText:
    """What one page's content stream holds."""

    min_x: float | None = None
    max_x: float | None = None
    min_size: float | None = None
    smallest: str = ""                                    # the text set at min_size
    missing: list[str] = field(default_factory=list)     # text around each .notdef glyph
    rgb: bool = False
    outside_strokes: int = 0                              # strokes beyond the trim box
    runs: list[Run] = field(default_factory=list)         # kept only when asked for


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    font: Font | None = None
    size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scale: float = 1.0
    leading: float = 0.0


class PageReader:
    """Reads one page (and the forms it draws) into a `PageText`."""

    def __init__(self, fonts: dict[int, Font], trim: tuple[float, float, float, float],
                 keep_text: bool = False) -> None:
        self.fonts = fonts
        self.trim = trim
        self.keep_text = keep_text
        self.result = PageText()

    def read(self, contents: Any, resources: DictionaryObject, pdf: Any, ctm: Matrix = IDENTITY) -> None:
        state = _State(ctm=ctm)
        stack: list[_State] = []
        text_matrix = line_matrix = IDENTITY
        path: list[tuple[float, float]] = []
        if contents is None:
            return
        for operands, op in operations(contents.get_data()):
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
            elif op in ("m", "l"):
                path.append(apply(state.ctm, float(operands[0]), float(operands[1])))
            elif op in ("c", "v", "y"):
                path.append(apply(state.ctm, float(operands[-2]), float(operands[-1])))
            elif op == "re":
                x, y, w, h = (float(v) for v in operands)
                path += [apply(state.ctm, x, y), apply(state.ctm, x + w, y + h)]
            elif op in _FILL_OR_STROKE or op == "n":
                if op in _STROKES and any(self._outside(point) for point in path):
                    self.result.outside_strokes += 1
                path = []
            elif op == "Do":
                self._form(resources, operands[0], pdf, state.ctm)

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
        return self.fonts[key]

    def _form(self, resources: DictionaryObject, name: Any, pdf: Any, ctm: Matrix) -> None:
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
            return
        if form.get("/Subtype") != "/Form":
            return
        matrix = tuple(float(v) for v in form.get("/Matrix", IDENTITY))
        inner = form.get("/Resources")
        self.read(form, inner.get_object() if inner is not None else resources, pdf,
                  multiply(matrix, ctm))  # type: ignore[arg-type]

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
        if font.two_byte and 0 in glyphs:
            result.missing.append("".join(font.unicode.get(g, "□") for g in glyphs))
        if self.keep_text:
            text = "".join(font.unicode.get(g, "") for g in glyphs)
            result.runs.append(Run(start[0], start[1], size, text, end[0]))


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
    return Font(name, two_byte, widths, default, unicode)
