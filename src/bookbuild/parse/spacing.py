"""Parse stage: the spaces a line may not break at, and the em dashes it may not break before.

A good press keeps some words on one line: initials with each other and with the surname, a
number with its unit, "p." with its page, a title with its name, and it never starts a line with
a dash or an ellipsis. Each chapter's AST gets that here, once, after the typography pass, so
every edition (EPUB, HTML, PDF) carries it.

Each inline list is read as one stream across markup (emphasis, links, spans, quotations,
citations as rendered; a note call counts as the end of a word; code, math, images and autolinks
are one opaque character that no rule matches). Each rule in `RULES` reads the stream's text and
names the characters to change: a space (a `Space` or `SoftBreak` node) that becomes a no-break
space, or an em dash that gets a WORD JOINER before it. A chosen space becomes a `Str` holding the
no-break character, merged with the `Str` nodes either side of it, as pandoc writes a no-break
space; renderers print it as it is. The first rule to claim a character decides it. Code, math,
raw HTML, URLs, and the `Citation` records of a `Cite` (the source's prefix and suffix, which
the renderers do not print) are never touched.

The characters: U+00A0 NO-BREAK SPACE; U+202F NARROW NO-BREAK SPACE (French, before ; ! ? and
between digit groups); U+2060 WORD JOINER (zero width, no glyph drawn: UAX #14 class WJ
forbids a break on either side of it, where an em dash, class B2, would allow one before it).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import Any

Node = dict[str, Any]

NBSP = "\u00a0"
NNBSP = "\u202f"
WORD_JOINER = "\u2060"

# What a rule returns: the offset of one character of the stream's text and what it becomes.
Edit = tuple[int, str]
# A rule reads a stream's text and the book's language (`en`, `fr`...) and names its edits.
Rule = Callable[[str, str], Iterator[Edit]]

_DIGIT = re.compile(r"\d")
_NOTE = "\x01"          # a note call: a word has just ended
_OPAQUE = "\x02"        # code, math, an image, an autolink: matched by no rule

_TRANSPARENT = {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
_INLINE = _TRANSPARENT | {"Str", "Space", "SoftBreak", "LineBreak", "Span", "Link", "Quoted",
                          "Cite", "Note", "NoteRef", "Code", "Math", "RawInline", "Image"}
_GAPS = {"Space", "SoftBreak"}       # a LineBreak is a break the author asked for
_NO_TEXT = {"CodeBlock", "RawBlock"}


# -- the rules ---------------------------------------------------------------------------------
# A gap is a breakable space of the stream (" "); `(?P<gap> )` names the one a pattern decides.

def _gaps(pattern: re.Pattern[str], text: str, char: str,
          accept: Callable[[re.Match[str]], bool] | None = None) -> Iterator[Edit]:
    for match in pattern.finditer(text):
        if accept is None or accept(match):
            yield match.start("gap"), char


# Patterns start with the character class of their first character, and test what stands before
# that character with a lookbehind after it: Python's re then skips ahead to the candidates
# instead of trying every position (four times faster on War and Peace).
_WORD_START = r"(?<![\w.’'-].)"        # after the first character: it starts a word
_CAPITALS = "A-ZÀ-ÖØ-ÞĀ-žА-ЯЁΑ-Ω"        # and some small letters: each match is checked
_INITIALS = re.compile(rf"[{_CAPITALS}]{_WORD_START}\.(?:-?[{_CAPITALS}]\.)*(?P<gap> )"
                       r"(?=[^\W\d_])")


def initials(text: str, lang: str) -> Iterator[Edit]:
    """`A. M. Sheridan Smith`, `J.-P. Sartre`: between initials, and between the last initial
    and the surname (Chicago 17th ed., 6.121, cited by its Q&A on word division: "P. D.
    James"). A capital must follow; "Plan B. Then" joins too, which costs only a break."""
    yield from _gaps(_INITIALS, text, NBSP,
                     lambda m: all(c.isupper() for c in m.group() if c.isalpha())
                     and m.string[m.end("gap")].isupper())


_TITLES = re.compile(rf"[MDS]{_WORD_START}(?:r|rs|s|essrs|me|mes|lle|lles|gr|t)\.?(?P<gap> )"
                     r"(?=[^\W\d_])")
TITLES = ("Mr", "Mrs", "Ms", "Messrs", "Dr", "St", "Mme", "Mmes", "Mlle", "Mlles", "Mgr")


def titles(text: str, lang: str) -> Iterator[Edit]:
    """`Mr Smith`, `Dr. Moss`, `St Paul`, `Mme Curie`: a title before a capitalised name, with or
    without its period (house style; Chicago's Q&A on word division: "some typesetters" keep
    "Dr. Smith" and "St. Louis" together)."""
    yield from _gaps(_TITLES, text, NBSP, lambda m: m.group().rstrip(". ") in TITLES
                     and m.string[m.end("gap")].isupper())


# `p. 142`, `pp. 12–15`, `vol. 2`, `vols. 1–3`, `no. 5`, `ch. 3`, `chap. IV`, `fig. 2`, `n. 3`,
# `sec. 4`, `pt. 2`, `bk. 9`, `col. 3`, `art. 5`, `l. 12`, `ll. 3–5`, `f. 12`, `fol. 3r`,
# `t. II` (French "tome"), and their capitalised forms; `n° 5`; `§ 3`, `§§ 3–5`, `¶ 4`.
REFERENCES = frozenset(form for word in (
    "p", "pp", "vol", "vols", "no", "nos", "ch", "chap", "chs", "fig", "figs", "n", "nn", "sec",
    "pt", "bk", "col", "cols", "art", "l", "ll", "f", "fol", "fols", "t")
    for form in (word + ".", word.capitalize() + "."))
_LOCATOR = r"(?:\d|(?:[ivxlcdm]+|[IVXLCDM]+)(?![\w’']))"
_REFERENCE_GAP = re.compile(r"\. (?=" + _LOCATOR + ")")
_SIGN_GAP = re.compile(rf"(?:[§¶]{_WORD_START}[§¶]?|[Nn]{_WORD_START}[°º])(?P<gap> )(?="
                       + _LOCATOR + ")")
_WORD_BEFORE = re.compile(r"[^\s(\[{“‘«„\"'\x01\x02]*\Z")


def references(text: str, lang: str) -> Iterator[Edit]:
    """`p. 142`, `pp. 12–15`, `vol. 2`, `§ 3`: a reference word or sign and the number (arabic
    or roman) that follows it (house style, as pandoc's `smart` does after "p." and "vol.";
    here also inside citations as citeproc rendered them, and "§", "n°")."""
    for match in _REFERENCE_GAP.finditer(text):
        at = match.start() + 1
        word = _WORD_BEFORE.search(text, max(0, at - 6), at)
        if word and word.group() in REFERENCES:
            yield at, NBSP
    yield from _gaps(_SIGN_GAP, text, NBSP)


# Abbreviated units after a number (Chicago's Q&A on word division: "between a numeral and an
# abbreviated unit of measure (e.g., 1 kg)"; the SI Brochure, 9th ed., 5.4.3). Single capitals
# (A, J, K, N, V, W, L) are left out: "Exhibit 3 A" is likelier than amperes.
UNITS = (
    # SI and metric
    "km", "m", "cm", "mm", "µm", "μm", "nm", "km²", "m²", "cm²", "mm²", "m³", "cm³", "ha",
    "kg", "g", "mg", "µg", "t", "l", "ml", "mL", "cl", "cL", "dl", "hl",
    "s", "ms", "µs", "ns", "min", "h", "Hz", "kHz", "MHz", "GHz",
    "kW", "MW", "GW", "kWh", "MWh", "mV", "kV", "mA", "kJ", "MJ", "kN",
    "Pa", "kPa", "hPa", "MPa", "bar", "mbar", "°C", "°F", "°", "mol", "dB", "km/h", "m/s",
    "kB", "MB", "GB", "TB",
    # imperial and US
    "ft", "yd", "mi", "oz", "lb", "lbs", "cwt", "mph",
    # per cent, per mille; currency signs and ISO 4217 codes written after the amount (fr 10 €)
    "%", "‰", "per cent", "percent", "pour cent", "€", "$", "£", "¥", "₹", "₽",
    "EUR", "USD", "GBP", "CHF", "JPY", "RUB", "INR", "CNY",
    # times and eras
    "a.m.", "p.m.", "BC", "BCE", "AD", "CE", "av. J.-C.", "apr. J.-C.",
)
# A number: a sign or digit that starts a word, then its digits (at least one after a sign).
_NUMBER = r"[-−+±\d](?<![\w.,’'].)(?:(?<=\d)|\d)\d*(?:[.,]\d+)*"
_UNIT_AFTER = re.compile(
    _NUMBER + r"(?P<gap> )(?:"
    + "|".join(re.escape(u).replace(r"\ ", " ") for u in sorted(UNITS, key=len, reverse=True))
    + r")(?![\w’'])")
# The space inside "per cent" once the number is before it.
_PER_CENT = re.compile(r"(?<=\d )(?:per|pour)(?P<gap> )(?=cent(?![\w’']))")
# A currency sign set a space before the amount: "£ 5", "€ 20".
_SIGN_BEFORE = re.compile(r"[£€$¥₹₽](?<![\w.,].)(?P<gap> )(?=\d)")


def units(text: str, lang: str) -> Iterator[Edit]:
    """`10 km`, `5 per cent`, `20 %`, `10 €`, `£ 5`, `3 p.m.`, `79 AD`: a number and its
    abbreviated unit, sign or era."""
    if not _DIGIT.search(text):
        return
    for match in _UNIT_AFTER.finditer(text):
        yield match.start("gap"), NBSP
    yield from _gaps(_PER_CENT, text, NBSP)
    yield from _gaps(_SIGN_BEFORE, text, NBSP)


_GROUPS = re.compile(r"\d(?<![\w.,’'].)\d{0,2}(?P<gap> )(?=\d{3}(?!\w))")


def digit_groups(text: str, lang: str) -> Iterator[Edit]:
    """`10 000`, `1 000 000`: digits grouped by spaces stay one number (Chicago 17th ed., 9.55 on
    SI-style numerals, as its Q&A on word division cites it; in French a narrow no-break space,
    as the Imprimerie nationale's Lexique sets it). Only spaces the author typed: "10000" and
    "10,000" are left as they are."""
    if _DIGIT.search(text):
        yield from _gaps(_GROUPS, text, NNBSP if lang == "fr" else NBSP)


_DASH_AFTER = re.compile(r"(?P<gap> )(?=[–—⸺⸻])")


def spaced_dash(text: str, lang: str) -> Iterator[Edit]:
    """`word – word`, `word — word`: a spaced dash does not begin a line, so the space before it
    does not break (the one after it does; house style for the British spaced dash). French
    dialogue is left alone: after the end of a sentence a dash may begin a line, for it opens
    the next speaker's words."""
    if "–" not in text and "—" not in text and "⸺" not in text and "⸻" not in text:
        return
    for match in _DASH_AFTER.finditer(text):
        at = match.start("gap")
        if lang == "fr" and at and text[at - 1] in ".!?…»":
            continue
        yield at, NBSP


_EM_DASH = re.compile(r"(?<=[^\s\u2060—⸺⸻])[—⸺⸻]")


def unspaced_em_dash(text: str, lang: str) -> Iterator[Edit]:
    """`word—word`: a line may break after the dash, never before it. Unicode's line breaking
    (UAX #14, class B2), which browsers and WeasyPrint follow, allows both, so a WORD JOINER
    goes before the dash. Not inside an address: `https://x.org—y` is left as written."""
    if "—" not in text and "⸺" not in text and "⸻" not in text:
        return
    for match in _EM_DASH.finditer(text):
        at = match.start()
        word = text[max(text.rfind(" ", 0, at), 0):at]
        if "://" in word or "www." in word or "@" in word:
            continue
        yield at, WORD_JOINER + match.group()


_ELLIPSIS = re.compile(r"(?P<gap> )(?=…|\.[ \u00a0]\.[ \u00a0]\.)|(?<=\s\.)(?P<inner> )(?=\.)")


def ellipsis(text: str, lang: str) -> Iterator[Edit]:
    """`word …`, `word . . .`: an ellipsis does not begin a line (house style: Chicago's Q&A lets
    one begin a line, but keeps the dots of `. . .`, and a ; ? ! after them, together with
    no-break spaces)."""
    if "…" not in text and ". ." not in text:
        return
    for match in _ELLIPSIS.finditer(text):
        yield match.start(match.lastgroup or "gap"), NBSP


_BEFORE_PUNCTUATION = re.compile(r"(?P<gap> )(?=[;:!?»›])")
_AFTER_GUILLEMET = re.compile(r"(?<![^\s(\[])[«‹](?P<gap> )")


def spaced_punctuation(text: str, lang: str) -> Iterator[Edit]:
    """`« texte »`, `quoi ?`, `ainsi :`, and Chicago's `like this . . . ;`: a space before
    ; : ! ? and a closing guillemet, or after an opening one, does not break (Imprimerie
    nationale, Lexique des règles typographiques: a narrow no-break space before ; ! ?, a no-break
    space before : and inside guillemets). German uses » « the other way round: left alone."""
    if lang == "de":
        return
    for match in _BEFORE_PUNCTUATION.finditer(text):
        following = text[match.end("gap")]
        yield match.start("gap"), NNBSP if lang == "fr" and following in ";!?" else NBSP
    if "«" in text or "‹" in text:
        yield from _gaps(_AFTER_GUILLEMET, text, NBSP)


_SPACED_QUOTES = re.compile(r"[“‘„‚](?P<open> )(?=[“‘„‚])|[’”](?P<close> )(?=[’”])")


def spaced_quotes(text: str, lang: str) -> Iterator[Edit]:
    """`“ ‘Lamps,’ he said ’ ”`: a single and a double quotation mark set a space apart stay
    together (Chicago 17th ed., 6.11, as its Q&A on word division cites it)."""
    if "“ " in text or "‘ " in text or " ’" in text or " ”" in text or "„ " in text:
        for match in _SPACED_QUOTES.finditer(text):
            yield match.start(match.lastgroup or "open"), NBSP


RULES: list[Rule] = [spaced_dash, unspaced_em_dash, ellipsis, spaced_punctuation, spaced_quotes,
                     initials, titles, references, units, digit_groups]


# -- the stream ----------------------------------------------------------------------------------
# A list's text is the text of each of its nodes (its pieces) joined: a Str its text, a gap " ",
# markup the text inside it. A position in the text is found again by bisecting the pieces'
# offsets, going down into markup only where an edit falls.

def _pieces(inlines: list[Node], later: list[Any]) -> list[str]:
    """The text of each node of `inlines`. Notes and images' descriptions go to `later`:
    streams of their own."""
    return [inline["c"] if inline["t"] == "Str" else " " if inline["t"] in _GAPS
            else _markup(inline, later) for inline in inlines]


def _inner(inline: Node) -> list[Node] | None:
    """The inlines inside markup the stream reads through; a Cite as rendered, never its
    records; an autolink is opaque (it shows its URL)."""
    t = inline["t"]
    c: Any = inline.get("c")
    if t in _TRANSPARENT:
        return c  # type: ignore[no-any-return]
    if t in ("Span", "Cite", "Quoted") or t == "Link" and not {"uri", "email"} & set(c[0][1]):
        return c[1]  # type: ignore[no-any-return]
    return None


def _markup(inline: Node, later: list[Any]) -> str:
    t = inline["t"]
    inner = _inner(inline)
    if inner is not None:
        text = "".join(_pieces(inner, later))
        return "“" + text + "”" if t == "Quoted" else text
    if t == "LineBreak":
        return "\n"
    if t == "Note":
        later.append(inline["c"])
    elif t == "Image":
        later.append(inline["c"][1])
        return _OPAQUE
    if t in ("Note", "NoteRef"):
        return _NOTE
    return "" if t == "RawInline" else _OPAQUE     # raw HTML is markup, not text


def space_blocks(blocks: list[Node], lang: str) -> list[Node]:
    """No-break spaces and word joiners for a chapter's blocks, in place; returns them."""
    _walk(blocks, lang.split("-")[0].lower())
    return blocks


def _walk(value: Any, lang: str) -> None:
    """Find every inline list: a paragraph, heading, line of a poem, table cell, caption, note."""
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and value[0].get("t") in _INLINE:
            _space(value, lang)
            return
        for item in value:
            _walk(item, lang)
    elif isinstance(value, dict):
        t = value.get("t")
        if t in _NO_TEXT:
            return
        if t is None:
            for item in value.values():
                _walk(item, lang)
        elif "c" in value:
            _walk(value["c"], lang)


def _space(inlines: list[Node], lang: str) -> None:
    later: list[Any] = []
    pieces = _pieces(inlines, later)
    text = "".join(pieces)
    edits: dict[int, str] = {}
    for rule in RULES:
        for at, replacement in rule(text, lang):
            edits.setdefault(at, replacement)
    if edits:
        _apply(inlines, pieces, edits)
    for part in later:
        _walk(part, lang)


def _locate(inlines: list[Node], pieces: list[str], at: int,
            offsets: dict[int, list[int]]) -> tuple[Node, list[Node], int] | None:
    """The Str or gap at position `at` of the list's text, the list that holds it, and the
    offset in it; None inside something opaque."""
    starts = offsets.get(id(inlines))
    if starts is None:
        starts = offsets[id(inlines)] = list(accumulate(map(len, pieces), initial=0))
    index = bisect.bisect_right(starts, at) - 1
    if not 0 <= index < len(inlines):
        return None
    inline, offset = inlines[index], at - starts[index]
    if inline["t"] == "Str" or inline["t"] in _GAPS:
        return inline, inlines, offset
    inner = _inner(inline)
    if inner is None:
        return None
    marks = 1 if inline["t"] == "Quoted" else 0         # its opening and closing marks
    offset -= marks
    if not 0 <= offset < len(pieces[index]) - 2 * marks:
        return None
    return _locate(inner, _pieces(inner, []), offset, offsets)


def _apply(inlines: list[Node], pieces: list[str], edits: dict[int, str]) -> None:
    """Word joiners into their Str nodes (in place), then each chosen gap into a Str merged with
    its neighbours, in each inline list that holds one."""
    chosen: dict[int, str] = {}
    lists: dict[int, list[Node]] = {}
    inserts: dict[int, tuple[Node, list[tuple[int, str]]]] = {}
    offsets: dict[int, list[int]] = {}
    for at, replacement in edits.items():
        found = _locate(inlines, pieces, at, offsets)
        if found is None:
            continue
        node, parent, offset = found
        if node["t"] != "Str":
            if len(replacement) == 1 and replacement.isspace():
                chosen[id(node)] = replacement
                lists[id(parent)] = parent
        elif offset < len(node["c"]):
            inserts.setdefault(id(node), (node, []))[1].append((offset, replacement))
    for node, changes in inserts.values():
        text: str = node["c"]
        for offset, replacement in sorted(changes, reverse=True):
            text = text[:offset] + replacement + text[offset + 1:]
        node["c"] = text
    for parent in lists.values():
        parent[:] = _merge(parent, chosen)


def _merge(inlines: list[Node], chosen: dict[int, str]) -> list[Node]:
    out: list[Node] = []
    glue = False                # the last node is a no-break space: a Str after it joins it
    for inline in inlines:
        char = chosen.get(id(inline))
        if char is not None:
            if out and out[-1]["t"] == "Str":
                out[-1] = {"t": "Str", "c": out[-1]["c"] + char}
            else:
                out.append({"t": "Str", "c": char})
            glue = True
            continue
        if glue and inline["t"] == "Str":
            out[-1] = {"t": "Str", "c": out[-1]["c"] + inline["c"]}
        else:
            out.append(inline)
        glue = False
    return out
