"""Typeset stage: one paragraph of WeasyPrint's box tree, read, measured, broken and written back.

1. `flatten` reads a line box's inline content as one text with its runs (text boxes) and the
   widths inline boxes add (padding, borders, margins of a note call).
2. `measure` shapes every run with Pango, with the style WeasyPrint will lay it out with, so the
   widths are the ones WeasyPrint's own breaker sees.
3. `candidates` lists where a line may end: Pango's break opportunities (UAX #14) and the
   hyphenation points the house rules allow, less the breaks that would start a line with a dash
   or an ellipsis.
4. `knuth_plass.break_paragraph` chooses the breaks of the whole paragraph.
5. `write_back` leaves WeasyPrint no other choice: every break opportunity not chosen gets a
   WORD JOINER (U+2060, no width, no glyph), every chosen hyphenation a SOFT HYPHEN, and
   `hyphens: auto` becomes `manual`; every line's text goes in text boxes of its own, with the
   line's tracking and, where it shrinks, a negative `word-spacing` (WeasyPrint only stretches).
   WeasyPrint's first fit then sets exactly these lines, and justifies them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.text.ffi import FROM_UNITS, ffi, pango
from weasyprint.text.line_break import create_layout, get_log_attrs

from bookbuild.typeset.hyphenation import hyphenation_points
from bookbuild.typeset.knuth_plass import INFINITE, Candidate, Rules, break_paragraph, line_ratio

WORD_JOINER = "\u2060"
SOFT_HYPHEN = "\u00ad"
ZERO_WIDTH_SPACE = "\u200b"
SPACES = " \u00a0"                  # the spaces WeasyPrint stretches when it justifies
INVISIBLE = "\u2060\u00ad\u200b"      # no width, no tracking
TRACKING_EM = 0.010                 # the most a letter's tracking moves at ratio 1, in em
MAX_TRACKING_RATIO = 2.0            # and it moves no further than at ratio 2 (0.02 em)
COMPOUND_HYPHENS = "-\u2010"
NO_LINE_START = "\u2013\u2014\u2026"     # en dash, em dash, ellipsis

# The passes, as TeX's: first without hyphenation and a strict tolerance (\pretolerance), then
# with hyphenation (\tolerance), then an emergency pass that accepts loose lines, and a last one
# that accepts a runt or a hyphen before the last line where nothing else can be done. Word spaces
# stretch by half a space at ratio 1 and shrink by a third: in Gentium (a space of 0.22 em) the
# passes allow spaces up to 0.385 em, 0.495 em, and as wide as they must be.
# A hyphenation costs HYPHEN_PENALTY rather than TeX's 50: measured on Ten Days and War and Peace
# (bench/bench_typography.py), 300 hyphenates a quarter to a half less often than 50 (7.2 % of
# lines instead of 10.1 %; 3.8 % instead of 7.1 %) with the same share of loose lines, because the
# lines it gives up are the ones a hyphen only made a little tighter.
HYPHEN_PENALTY = 300.0
PASSES: tuple[tuple[bool, Rules], ...] = (
    (False, Rules(tolerance=1.0)),
    (True, Rules(tolerance=2.5, hyphen_penalty=HYPHEN_PENALTY)),
    (True, Rules(tolerance=20.0, hyphen_penalty=HYPHEN_PENALTY, badness_cap=INFINITE)),
    (True, Rules(tolerance=20.0, hyphen_penalty=HYPHEN_PENALTY, badness_cap=INFINITE,
                 runt_lines=1_000_000, final_hyphen=True)),
)


class Unsupported(Exception):
    """The paragraph holds what the breaker does not model; WeasyPrint breaks it (first fit)."""


@dataclass
class Run:
    box: Any                # weasyprint TextBox
    parent: Any             # the line box or inline box holding it
    start: int              # in the paragraph's text
    end: int
    tracked: bool = True    # a hung note number is not: the notes' text must start at one place
    raised: bool = False    # in a superscript or a note call


@dataclass
class Flat:
    """A paragraph's inline content as one text."""

    text: str = ""
    runs: list[Run] = field(default_factory=list)
    opening: dict[int, float] = field(default_factory=dict)   # px an inline box adds at its start
    closing: dict[int, float] = field(default_factory=dict)   # px it adds at its end

    def run_at(self, index: int) -> Run:
        for run in self.runs:
            if run.start <= index < run.end:
                return run
        raise IndexError(index)


@dataclass
class Plan:
    """The chosen lines of a paragraph: `lines` are their texts (for the read-back check)."""

    passes: int
    lines: list[str]


# Inline elements whose letters are never tracked: the hung numbers of notes (print.css).
UNTRACKED_CLASSES = frozenset({"note-number"})


def flatten(linebox: Any) -> Flat:
    """The inline content of `linebox`; raises Unsupported for images, inline blocks, floats,
    positioned boxes and forced line breaks."""
    flat = Flat()
    _walk(linebox, flat, tracked=True, raised=False)
    if "\n" in flat.text or "\t" in flat.text:
        raise Unsupported("a forced line break or a tab")
    return flat


def _walk(box: Any, flat: Flat, tracked: bool, raised: bool) -> None:
    for child in box.children:
        if not child.is_in_normal_flow():
            raise Unsupported("a float or a positioned box")
        if isinstance(child, boxes.TextBox):
            if child.style["white_space"] not in ("normal", "nowrap"):
                raise Unsupported("preserved white space")
            start = len(flat.text)
            flat.text += child.text
            # An address's segments (nowrap spans) are not tracked either: the gaps between
            # their boxes would grow, and text extraction would read spaces into the address.
            flat.runs.append(Run(child, box, start, len(flat.text),
                                 tracked and child.style["white_space"] == "normal", raised))
        elif isinstance(child, boxes.InlineBox):
            at = len(flat.text)
            flat.opening[at] = flat.opening.get(at, 0.0) + _edges(child.style, "left")
            element = child.element
            classes = set((element.get("class") or "").split()) if element is not None else set()
            _walk(child, flat, tracked and not classes & UNTRACKED_CLASSES,
                  raised or child.style["vertical_align"] != "baseline")
            at = len(flat.text)
            flat.closing[at] = flat.closing.get(at, 0.0) + _edges(child.style, "right")
        else:
            raise Unsupported("an image or an inline block")


def _edges(style: Any, side: str) -> float:
    """Margin, border and padding of an inline box on one side, in px."""
    total = float(style[f"border_{side}_width"])
    for name in (f"margin_{side}", f"padding_{side}"):
        value = style[name]
        if value == "auto":
            continue
        if value.unit != "px":
            raise Unsupported(f"a {name} in {value.unit}")
        total += value.value
    return total


def measure(flat: Flat, context: Any, breaks: list[int]) -> list[float]:
    """x[i]: the natural width, in px, of the paragraph's text before index i (len(text) + 1
    values). Closing edges at i are in x[i]; opening edges at i only in x[i + 1].

    The text is shaped as it will be set, with a word joiner at every break opportunity (all
    but a line's last become one): a joiner after a space stops the font's kerning of the
    space with the next letter, and widths must be those WeasyPrint will see."""
    sorted_breaks = sorted(breaks)
    widths = [0.0] * len(flat.text)
    for run in flat.runs:
        # The joiners go before the breaks inside the run; each one's advance (0, or its
        # share of a cluster) is given to the letter after it.
        points = sorted_breaks[bisect_left(sorted_breaks, run.start):
                               bisect_left(sorted_breaks, run.end)]
        bounds = [run.start, *points, run.end]
        text = WORD_JOINER.join(flat.text[a:b] for a, b in zip(bounds, bounds[1:], strict=False))
        shaped = advances(text, run.box.style, context)
        kept = shaped[:bounds[1] - bounds[0]]
        at = len(kept)
        for a, b in zip(bounds[1:], bounds[2:], strict=False):
            joiner, at = shaped[at], at + 1
            piece = shaped[at:at + b - a]
            if piece:
                piece[0] += joiner
            kept.extend(piece)
            at += b - a
        widths[run.start:run.end] = kept
    for index, width in flat.closing.items():
        if index:
            widths[index - 1] += width
    for index, width in flat.opening.items():
        if index < len(widths):
            widths[index] += width
    return list(accumulate(widths, initial=0.0))


_GLYPH_INTS = 5         # a PangoGlyphInfo: glyph, width, x_offset, y_offset, attributes


def advances(text: str, style: Any, context: Any) -> list[float]:
    """The advance of every character of `text` in px, as Pango shapes it in `style` (a cluster's
    width on its first character)."""
    assert ffi.sizeof("PangoGlyphInfo") == 4 * _GLYPH_INTS
    layout = create_layout(text, style, context, max_width=None, justification_spacing=0)
    encoded = text.encode()
    by_byte = [0] * len(encoded)
    line = pango.pango_layout_get_line_readonly(layout.layout, 0)
    run = line.runs
    while run != ffi.NULL:
        item, glyphs = run.data.item, run.data.glyphs
        count = glyphs.num_glyphs
        clusters = ffi.unpack(glyphs.log_clusters, count)
        infos = memoryview(ffi.buffer(glyphs.glyphs, count * 4 * _GLYPH_INTS)).cast("i")
        for cluster, width in zip(clusters, infos[1::_GLYPH_INTS], strict=True):
            by_byte[item.offset + cluster] += width
        run = run.next
    # One value per character: the bytes that start a UTF-8 sequence.
    result = [width * FROM_UNITS for byte, width in zip(encoded, by_byte, strict=True)
              if byte & 0xC0 != 0x80]
    spacing = style["letter_spacing"]
    if spacing != "normal" and result:
        result[-1] += spacing       # as WeasyPrint's line_size adds it once per text box
    return result


def opportunities(flat: Flat, lang: str | None) -> list[int]:
    """Indexes before which Pango (UAX #14) lets WeasyPrint break, in a box that wraps."""
    text = flat.text
    # PangoLogAttr is a 32-bit field whose lowest bit is is_line_break.
    attrs = memoryview(ffi.buffer(get_log_attrs(text, lang))).cast("I")
    found = [index for index in range(1, len(text)) if attrs[index] & 1]
    kept = [(run.start, run.end) for run in flat.runs if run.box.style["white_space"] != "normal"]
    if kept:    # no break after a character of a box that does not wrap (.url > span)
        found = [i for i in found if not any(start <= i - 1 < end for start, end in kept)]
    return found


@dataclass
class Prefix:
    """Counts before every index of a paragraph's text: stretchable spaces, letters (every other
    character that takes room: tracking applies to them) and words."""

    spaces: list[int]
    letters: list[int]
    words: list[int]

    @classmethod
    def of(cls, text: str) -> Prefix:
        is_space = [char in SPACES for char in text]
        is_letter = [not space and char not in INVISIBLE for char, space in zip(text, is_space,
                                                                                 strict=True)]
        starts = [not space and after
                  for space, after in zip(is_space, [True, *is_space[:-1]], strict=True)]
        return cls(list(accumulate(is_space, initial=0)), list(accumulate(is_letter, initial=0)),
                   list(accumulate(starts, initial=0)))


@dataclass(frozen=True)
class Glue:
    """How far a line may stretch and shrink, in px: per word space, and per letter (tracking,
    which only ever opens: Pango's tracking of a tight line is not exactly what it adds up to,
    and a line that overflows by a hair is not justified)."""

    space_stretch: float
    space_shrink: float
    tracking: float


def candidates(flat: Flat, xs: list[float], prefix: Prefix, glue: Glue, breaks: list[int],
               hyphens: dict[int, float], rules: Rules) -> tuple[list[Candidate], list[int]]:
    """The break candidates (start and end included) and the text index of each."""
    text = flat.text
    words = prefix.words
    stretch = [spaces * glue.space_stretch + letters * glue.tracking
               for spaces, letters in zip(prefix.spaces, prefix.letters, strict=True)]
    shrink = [spaces * glue.space_shrink for spaces in prefix.spaces]

    # The paragraph's start, a candidate at each break, and its end (Candidate's fields: x,
    # x_next, stretch, stretch_next, shrink, shrink_next, words, words_next, extra, hyphen,
    # penalty).
    lead = len(text) - len(text.lstrip(" "))
    found = [Candidate(xs[0], xs[lead], stretch[0], stretch[lead], shrink[0], shrink[lead],
                       words[0], words[lead])]
    where = [lead]
    raised = {run.start for run in flat.runs if run.raised}
    penalty = rules.hyphen_penalty
    length = len(text)
    breakable = set(breaks)
    for index in sorted(breakable | hyphens.keys()):
        following = index
        while following < length and text[following] == " ":
            following += 1
        if text[following:following + 1] in NO_LINE_START or text.startswith("...", following):
            continue
        if index in raised and text[index - 1] != " ":
            continue            # a note call stays with the word before it
        if index not in breakable:              # a hyphenation point
            found.append(Candidate(xs[index], xs[index], stretch[index], stretch[index],
                                   shrink[index], shrink[index], words[index], words[index],
                                   hyphens[index], True, penalty))
            where.append(index)
            continue
        end = index
        while end > 0 and text[end - 1] == " ":
            end -= 1
        compound = text[end - 1] in COMPOUND_HYPHENS
        found.append(Candidate(xs[end], xs[index], stretch[end], stretch[index], shrink[end],
                               shrink[index], words[end], words[index], 0.0, compound,
                               penalty if compound else 0.0))
        where.append(index)
    end = len(text.rstrip(" "))
    found.append(Candidate(xs[end], xs[end], stretch[end], stretch[end], shrink[end], shrink[end],
                           words[end], words[end]))
    where.append(len(text))
    return found, where


def hyphenation_widths(flat: Flat, lang: str | None, limits: tuple[int, int, int],
                       context: Any) -> dict[int, float]:
    """Allowed hyphenation points (text index -> width of the hyphen there, px), in runs whose
    style asks for `hyphens: auto`."""
    points: dict[int, float] = {}
    if not lang:
        return points
    for run in flat.runs:
        style = run.box.style
        if style["hyphens"] != "auto" or style["white_space"] != "normal":
            continue
        hyphen = _hyphen_width(style, context)
        for point in hyphenation_points(run.box.text, lang, limits):
            points[run.start + point] = hyphen
    return points


@dataclass
class Line:
    """A chosen line: where its text starts and ends, and the spacing it is set with, in px, added
    to its style's: `word_spacing` negative for a line that shrinks (WeasyPrint only stretches
    spaces, when it justifies), `letter_spacing` the line's tracking."""

    start: int
    end: int
    word_spacing: float = 0.0
    letter_spacing: float = 0.0
    cut: int = 0            # where its own text boxes begin: after its first word


def write_back(flat: Flat, breaks: list[int], lines: list[Line], hyphens: set[int]) -> None:
    """Put the chosen breaks into the text boxes: a soft hyphen at each chosen hyphenation, a
    word joiner at every other break opportunity, `hyphens: manual` where it was `auto`, and
    each line's text in text boxes of its own, with its spacing.

    A line's boxes start after its first word (`cuts`), so that every break falls inside a text
    box, where Pango sees the letters on both sides: between two boxes WeasyPrint asks Pango
    about two characters alone, and Pango then refuses breaks it allows in context (after the
    hyphen of "Tsay-ee-kah", UAX #14 LB20a). The first word, which has no space, is set with the
    line before's tracking (`spaced_lines` allows for it)."""
    chosen = {line.end for line in lines}
    inserts: dict[int, str] = {index: SOFT_HYPHEN for index in hyphens}
    replaced: dict[int, str] = {}
    for index in breaks:
        if index in chosen:
            continue
        if flat.text[index - 1] == ZERO_WIDTH_SPACE:
            replaced[index - 1] = WORD_JOINER       # UAX #14 breaks after ZWSP even before WJ
        else:
            inserts[index] = WORD_JOINER
    cuts = [line.cut for line in lines[1:]]
    edits = sorted({*inserts, *replaced})
    styles: dict[tuple[int, float, float], Any] = {}
    for run in flat.runs:
        pieces = []
        bounds = [run.start] + [cut for cut in cuts if run.start < cut < run.end] + [run.end]
        for left, right in zip(bounds, bounds[1:], strict=False):
            text = _edited(flat.text, left, right, edits, inserts, replaced)
            piece = run.box.copy_with_text(text)
            line = _line_at(lines, cuts, left)
            if not run.tracked:
                line = Line(line.start, line.end, line.word_spacing)
            piece.style = _style(run.box.style, line, styles)
            pieces.append(piece)
        children = list(run.parent.children)
        position = next(i for i, child in enumerate(children) if child is run.box)
        children[position:position + 1] = pieces
        run.parent.children = children


def _edited(text: str, left: int, right: int, edits: list[int], inserts: dict[int, str],
            replaced: dict[int, str]) -> str:
    """text[left:right] with a string inserted before, or put in place of, some characters."""
    pieces, at = [], left
    for index in edits[bisect_left(edits, left):bisect_left(edits, right)]:
        pieces.append(text[at:index])
        pieces.append(inserts.get(index, "") + replaced.get(index, text[index]))
        at = index + 1
    pieces.append(text[at:right])
    return "".join(pieces)


def _line_at(lines: list[Line], cuts: list[int], index: int) -> Line:
    """The line whose boxes hold the text at `index` (cuts[k] begins lines[k + 1]'s)."""
    return lines[bisect_right(cuts, index)]


def _style(style: Any, line: Line, copies: dict[tuple[int, float, float], Any]) -> Any:
    """`style` with `hyphens: manual` (WeasyPrint must not hyphenate beside the breaker) and the
    line's spacing added; copies are shared by the boxes that shared the style."""
    key = (id(style), line.word_spacing, line.letter_spacing)
    if key not in copies:
        copy = style.copy()
        if copy["hyphens"] == "auto":
            copy["hyphens"] = "manual"
        copy["word_spacing"] = style["word_spacing"] + line.word_spacing
        if line.letter_spacing:
            tracking = 0.0 if style["letter_spacing"] == "normal" else style["letter_spacing"]
            copy["letter_spacing"] = tracking + line.letter_spacing
        copies[key] = copy
    return copies[key]


def manual_hyphens(box: Any, copies: dict[int, Any]) -> None:
    """Turn `hyphens: auto` into `manual` on `box` (a copy of its style, shared by the boxes
    that shared it): WeasyPrint must not hyphenate beside the breaker."""
    if box.style["hyphens"] != "auto":
        return
    key = id(box.style)
    if key not in copies:
        copy = box.style.copy()
        copy["hyphens"] = "manual"
        copies[key] = copy
    box.style = copies[key]


def plan(linebox: Any, containing_block: Any, context: Any) -> Plan:
    """Choose and write back the breaks of the paragraph in `linebox`; raises Unsupported."""
    style = linebox.style
    if style["text_align_all"] != "justify" or style["direction"] != "ltr":
        raise Unsupported("not justified")
    flat = flatten(linebox)
    if not flat.text.strip():
        raise Unsupported("no text")
    measure_px = containing_block.width
    indent = style["text_indent"]
    indent_px = indent.value * measure_px / 100 if indent.unit == "%" else indent.value
    lang = style["lang"]
    breaks = opportunities(flat, lang)
    xs = measure(flat, context, breaks)
    prefix = Prefix.of(flat.text)
    glue = _glue(style, context)
    listed: dict[bool, tuple[list[Candidate], list[int]]] = {}
    for number, (hyphenate, rules) in enumerate(PASSES, start=1):
        if hyphenate not in listed:     # the passes that hyphenate share their candidates
            points = hyphenation_widths(flat, lang, _limits(style), context) if hyphenate else {}
            # Not inside a ligature ("dif|ferent" under "ff"): its width is all on one side.
            points = {i: width for i, width in points.items() if xs[i + 1] > xs[i]}
            listed[hyphenate] = candidates(flat, xs, prefix, glue, breaks, points, rules)
        found, where = listed[hyphenate]
        chosen = break_paragraph(found, measure_px, measure_px - indent_px, rules)
        if chosen is not None:
            lines = _lines(flat, prefix, glue, (found, where), chosen, measure_px - indent_px,
                           measure_px)
            hyphens = {line.end for line in lines[:-1] if line.end not in breaks}
            write_back(flat, breaks, lines, hyphens)
            return Plan(number, [normalised(flat.text[line.start:line.end]) for line in lines])
    raise Unsupported("no breaks within the tolerance")


def _lines(flat: Flat, prefix: Prefix, glue: Glue, listed: tuple[list[Candidate], list[int]],
           chosen: list[int], first_measure: float, measure_px: float) -> list[Line]:
    """The chosen lines and their spacing. A line that stretches is tracked by its ratio (less if
    it could overflow) and WeasyPrint's justification stretches its spaces to fill it; a line
    that shrinks has its spaces shrunk a hair (0.02 px a space) more than it needs. A line's
    first word keeps the line before's tracking (write_back), which is allowed for here."""
    found, where = listed
    text = flat.text
    lines: list[Line] = []
    previous, tracking = 0, 0.0
    for number, index in enumerate(chosen):
        start, end = found[previous], found[index]
        first, last = where[previous] if previous else 0, where[index]
        cut = first
        if number:
            while cut < last and text[cut] not in SPACES:
                cut += 1
        available = first_measure if number == 0 else measure_px
        head = prefix.letters[cut] - prefix.letters[first]
        natural = end.x - start.x_next + end.extra + tracking * (head + 1 if head else 0)
        line = Line(first, last, cut=cut)
        if index != len(found) - 1 or natural > available:
            ratio = max(-1.0, line_ratio(natural, available, start, end))
            set_end = last                  # the spaces a break takes are not set
            while set_end > cut and text[set_end - 1] == " ":
                set_end -= 1
            spaces = prefix.spaces[set_end] - prefix.spaces[cut]
            # Pango tracks every character, spaces included; WeasyPrint adds it once a box.
            inside = [run for run in flat.runs if run.start < last and run.end > cut]
            tracked = (prefix.letters[last] - prefix.letters[cut] + spaces + end.hyphen
                       + sum(1 if run.tracked else -(min(run.end, last) - max(run.start, cut))
                             for run in inside))
            room = available - natural
            if ratio >= 0 and tracked > 0:
                # A fifth to spare: justification fills what tracking leaves, never the reverse.
                # Never more than at ratio 2: a loose line's spaces take the rest, its letters
                # stay letters (and text extraction still finds its words whole).
                line.letter_spacing = min(min(ratio, MAX_TRACKING_RATIO) * glue.tracking,
                                          max(0.0, room - 0.05) / (1.2 * tracked))
            elif room < 0 and spaces:
                line.word_spacing = room / spaces - 0.02
        lines.append(line)
        previous, tracking = index, line.letter_spacing
    return lines


def discipline(box: Any, context: Any) -> None:
    """For a paragraph the breaker leaves to WeasyPrint: hyphenation under the house rules only
    (soft hyphens where they allow one, `hyphens: manual`)."""
    copies: dict[int, Any] = {}
    for text_box in _text_boxes(box):
        style = text_box.style
        if style["hyphens"] != "auto" or not style["lang"]:
            continue
        points = set(hyphenation_points(text_box.text, style["lang"], _limits(style)))
        if points:
            text_box.text = "".join((SOFT_HYPHEN if i in points else "") + char
                                    for i, char in enumerate(text_box.text))
        manual_hyphens(text_box, copies)


def _text_boxes(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TextBox):
            yield child
        elif isinstance(child, boxes.InlineBox):
            yield from _text_boxes(child)


def _limits(style: Any) -> tuple[int, int, int]:
    total, left, right = style["hyphenate_limit_chars"]
    return (6 if total == "auto" else total, 3 if left == "auto" else left,
            3 if right == "auto" else right)


_GLUE: dict[tuple[Any, ...], Glue] = {}
_HYPHEN: dict[tuple[Any, ...], float] = {}


def _font_key(style: Any) -> tuple[Any, ...]:
    return (tuple(style["font_family"]), style["font_size"], style["font_style"],
            style["font_weight"], style["font_variant_caps"], style["letter_spacing"],
            style["hyphenate_character"], style["font_feature_settings"])


def _hyphen_width(style: Any, context: Any) -> float:
    key = _font_key(style)
    if key not in _HYPHEN:
        _HYPHEN[key] = sum(advances(style["hyphenate_character"], style, context))
    return _HYPHEN[key]


def _glue(style: Any, context: Any) -> Glue:
    """How far a line may stretch at ratio 1 and shrink at ratio -1, in px: a word space by a
    half and a third of the face's space, Computer Modern's proportions (The TeXbook, ch. 12),
    and every letter stretches by TRACKING_EM (pdfTeX's font expansion, as the microtype package
    sets it, varies glyph widths by 2 %: about 0.009 em of an average letter of Gentium)."""
    key = _font_key(style)
    if key not in _GLUE:
        space = advances("x x", style, context)[1]
        _GLUE[key] = Glue(space / 2, space / 3, TRACKING_EM * style["font_size"])
    return _GLUE[key]


def normalised(line: str) -> str:
    """A line's text for comparing the planned lines with the lines WeasyPrint set."""
    for char in (WORD_JOINER, SOFT_HYPHEN, "\u2010"):
        line = line.replace(char, "")
    return line.replace(ZERO_WIDTH_SPACE, "").strip(" ")
