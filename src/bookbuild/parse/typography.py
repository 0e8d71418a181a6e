"""Parse stage: smart punctuation, decided once over each chapter's AST for every edition.

pandoc's `smart` extension decides each straight quote on its own, blind to the markup around
it: `[The quay](#quay)'s 'lamps'` becomes "The quay‘s ’lamps’". So chapters are read with
`smart` off and this pass does its work on the AST instead, after pandoc and before the AST is
cached. It sees the text of each block as one stream across markup (emphasis, links, spans, line
breaks; a note call counts as the end of a word), decides each straight quote by an ordered list
of small rules (`_RULES`, first answer wins), pairs opening and closing quotes, and rewrites the
Str nodes. A pair whose two marks sit in the same inline list becomes a `Quoted` node, as with
pandoc, so the renderer still chooses the book language's marks; a mark left unpaired, or paired
across markup (`*'lamps* were'`), is written as the language's character directly.

It also does what `smart` did besides quotes, exactly as pandoc 3.9 does it: `---` and `--` to
em and en dashes, `...` to an ellipsis, and a no-break space after an abbreviation such as "Mr."
(pandoc's default list). Code, math, raw HTML and URLs are never touched; quotes that citeproc
wrote (curly characters, `Quoted` nodes) are left as they are and only count as context.
`smarten()` does the same to a plain string, such as a title from book.yaml.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Node = dict[str, Any]

APOSTROPHE = "\u2019"
NBSP = "\u00a0"

# Opening and closing double, then single marks per language (render/html.py uses this table
# for the `Quoted` nodes it renders). French guillemets hold a no-break space inside.
QUOTES = {
    "en": ("“", "”", "‘", "’"), "de": ("„", "“", "‚", "‘"),
    "fr": ("«\u00a0", "\u00a0»", "‹\u00a0", "\u00a0›"),
    "es": ("«", "»", "“", "”"), "it": ("«", "»", "“", "”"), "ru": ("«", "»", "„", "“"),
    "nl": ("“", "”", "‘", "’"), "pl": ("„", "”", "‚", "’"),
}

# Words that start with an elided letter, after which a straight quote is an apostrophe and
# never an opening quote ('tis, rock 'n' roll). Forms with the apostrophe inside a word
# (o'clock, ma'am, fo'c'sle) need no list: a quote between two letters is always one.
ELISIONS = {
    # Words that are also words without the quote ('round, 'ere, 'im) are left out: a quotation
    # may start with them.
    "en": ("tis", "twas", "twere", "twill", "twould", "twixt", "em", "n", "cause", "cos", "til",
           "bout", "neath", "gainst", "midst", "prentice", "cept", "fraid", "nuff", "pon"),
    "nl": ("s", "t", "k", "n"),         # 's morgens, 't huis, 'k ben
    "de": ("s", "n", "ne", "nen"),      # wie 's geht, so 'n Ding
    "fr": (), "es": (), "it": (), "ru": (), "pl": (),
}

# pandoc's default abbreviations (`pandoc --print-default-data-file abbreviations`, 3.9):
# `smart` puts a no-break space after them.
ABBREVIATIONS = frozenset("""
aet. aetat. al. Apr. Aug. bk. Bros. c. Capt. cf. ch. chap. chs. Co. col. Corp. cp. d. Dec. Dr.
e.g. ed. eds. esp. f. fasc. Feb. ff. fig. fl. fol. fols. Fr. Gen. Gov. Hon. i.e. ill. Inc.
incl. Jan. Jr. Jul. Jun. Ltd. M.A. M.D. Mar. Mr. Mrs. Ms. n. n.b. nn. No. Nov. Oct. p. Ph.D.
pp. Pres. Prof. pt. q.v. Rep. Rev. s.v. s.vv. saec. sec. Sen. Sep. Sept. Sgt. Sr. St. univ.
viz. vol. vs.
""".split())

# The characters the stream stands in for what is not text.
_NOTE = "\x01"          # a note call or citation note: a word has just ended
_OPAQUE = "\x02"        # code, math, an image, a URL: a word that must not be touched

_DASHES = re.compile(r"---|--")
_ELLIPSIS = "..."
_STRAIGHT = re.compile(r"['\"]")
# pandoc's `str` parser: letters, digits, and dots not followed by a dot.
_ABBREVIATION = re.compile(r"(?:[^\W_]|\.(?!\.))+\Z")
_OPENERS = set("([{<‘“«„‚‹-–—/")
_CLOSERS = set(")]}>’”»›")
_TRANSPARENT = {"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
_INLINE = _TRANSPARENT | {"Str", "Space", "SoftBreak", "LineBreak", "Span", "Link", "Quoted",
                          "Cite", "Note", "NoteRef", "Code", "Math", "RawInline", "Image"}
_NO_TEXT = {"CodeBlock", "RawBlock"}


def language(lang: str) -> str:
    """The key of a language tag in QUOTES and ELISIONS (`en-GB` -> `en`); English if unknown."""
    key = lang.split("-")[0].lower()
    return key if key in QUOTES else "en"


# -- quotes: the rules -----------------------------------------------------------------------------

OPEN, CLOSE, APOS = "open", "close", "apostrophe"


@dataclass
class Quote:
    """A straight quote in a stream, what comes either side of it, and what was decided."""

    char: str                   # ' or "
    at: int                     # its offset in the stream's text
    before: str                 # the character before (a decided quote: what it became), or " "
    after: str                  # the character after (note calls skipped), or " "
    following: str              # the stream's text after it, for the elision list
    elisions: re.Pattern[str] | None
    decision: str = ""
    pair: int = -1              # the index of the other quote of its pair


Rule = Callable[[Quote], str | None]


def _kind(char: str) -> str:
    """'space', 'open' (a space-like opening context), 'close' (a closing mark), 'word', 'punct'."""
    if char.isspace():
        return "space"
    if char in _OPENERS:
        return "open"
    if char in _CLOSERS:
        return "close"
    if char.isalnum() or char in (_NOTE, _OPAQUE):
        return "word"
    return "punct"


def elided(quote: Quote) -> str | None:
    """'80s, '17, 'tis, 'em, rock 'n' roll: an elision at a word's start is an apostrophe."""
    if quote.char != "'" or _kind(quote.before) == "word":
        return None
    if re.match(r"\d\d(?!\d)(?!')", quote.following):
        return APOS
    if quote.elisions and quote.elisions.match(quote.following):
        return APOS
    return None


def inside_word(quote: Quote) -> str | None:
    """quay's, o'clock, fo'c'sle, *Nature*'s, word[^1]'s: between two letters or digits."""
    if quote.char == "'" and _kind(quote.before) == "word" and _kind(quote.after) == "word":
        return APOS
    return None


def after_closing_mark(quote: Quote) -> str | None:
    """(Smith)'s, "Lamps"'s: right after a closing mark and before a letter."""
    if quote.char == "'" and _kind(quote.before) == "close" and _kind(quote.after) == "word":
        return APOS
    return None


def spaced_opening(quote: Quote) -> str | None:
    """`" 'You...`: an opening quote set a space apart from the one it encloses."""
    if quote.before.isspace() and quote.following[:1] == " " \
            and quote.following[1:2] in ("'", '"', "‘", "“"):
        return OPEN
    return None


def opening(quote: Quote) -> str | None:
    """After a space, a dash, an opening bracket or quote, or at the start: opens, unless a
    space follows."""
    if _kind(quote.before) in ("space", "open") and not quote.after.isspace():
        return OPEN
    return None


def closing(quote: Quote) -> str | None:
    """Anything else closes (a single quote with nothing to close is an apostrophe)."""
    return CLOSE


_RULES: list[Rule] = [elided, inside_word, after_closing_mark, spaced_opening, opening, closing]


def _decide(quotes: list[Quote]) -> None:
    """Decide each quote in order and pair each closing quote with its opening one."""
    stack: list[int] = []
    for index, quote in enumerate(quotes):
        if index and quotes[index - 1].at == quote.at - 1:      # the quote just before
            before = quotes[index - 1]
            quote.before = "“" if before.decision == OPEN else "”"
        if not quote.decision:          # else decided beforehand: the second quote of 'n'
            quote.decision = next(d for rule in _RULES if (d := rule(quote)) is not None)
        if quote.decision == OPEN:
            stack.append(index)
        elif quote.decision == CLOSE:
            match = next((k for k in range(len(stack) - 1, -1, -1)
                          if quotes[stack[k]].char == quote.char), None)
            if match is None:
                quote.decision = APOS if quote.char == "'" else CLOSE
                continue
            opener = stack[match]
            del stack[match:]           # openers inside the pair stay unpaired
            quote.pair, quotes[opener].pair = opener, index


def _mark(quote: Quote, marks: tuple[str, str, str, str]) -> str:
    """The character an unpaired (or markup-crossing) quote becomes."""
    if quote.decision == APOS:
        return APOSTROPHE
    double = quote.char == '"'
    if quote.decision == OPEN:
        return marks[0] if double else marks[2]
    return marks[1] if double else marks[3]


# -- the stream ----------------------------------------------------------------------------------

_SPACES = {"Space", "SoftBreak", "LineBreak"}


def _content(t: str, c: Any) -> list[Node] | None:
    """The inlines inside markup the stream reads through; None for anything else."""
    if t in _TRANSPARENT:
        return c  # type: ignore[no-any-return]
    if t in ("Span", "Quoted", "Cite"):
        return c[1]  # type: ignore[no-any-return]
    if t == "Link" and not {"uri", "email"} & set(c[0][1]):        # an autolink shows its URL
        return c[1]  # type: ignore[no-any-return]
    return None


@dataclass
class _Stream:
    """One block's text across its markup, with where each Str sits."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    starts: list[int] = field(default_factory=list)             # of each Str in the text
    strs: list[tuple[Node, list[Node]]] = field(default_factory=list)   # (Str, its list)

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def add_inlines(self, inlines: list[Node]) -> None:
        for inline in inlines:
            t = inline["t"]
            c: Any = inline.get("c")
            if t == "Str":
                self.starts.append(self.length)
                self.strs.append((inline, inlines))
                self.add(c)
            elif t in _SPACES:
                self.add(" ")
            elif (inner := _content(t, c)) is not None:
                if t == "Quoted":               # citeproc's: context only
                    self.add("“")
                    self.add_inlines(inner)
                    self.add("”")
                else:
                    self.add_inlines(inner)
            elif t in ("Note", "NoteRef"):
                self.add(_NOTE)
            elif t != "RawInline":              # raw HTML is markup, not text
                self.add(_OPAQUE)


def smarten_blocks(blocks: list[Node], lang: str) -> list[Node]:
    """Smart punctuation for a chapter's blocks, in place; returns them."""
    key = language(lang)
    elisions = ELISIONS.get(key) or ()
    pattern = re.compile(rf"(?:{'|'.join(sorted(elisions, key=len, reverse=True))})(?![\w'])|n'(?!\w)",
                         re.IGNORECASE) if elisions else None
    _Smartener(QUOTES[key], pattern).walk(blocks)
    return blocks


class _Smartener:
    def __init__(self, marks: tuple[str, str, str, str], elisions: re.Pattern[str] | None) -> None:
        self.marks = marks
        self.elisions = elisions
        # Own streams (notes, captions, a citation's prefix), each with whether citeproc wrote it.
        self.later: list[tuple[Any, bool]] = []

    def walk(self, value: Any, cited: bool = False) -> None:
        """Find every stream: the inlines of a paragraph, heading, line block, caption, term."""
        if isinstance(value, list):
            if value and isinstance(value[0], dict) and value[0].get("t") in _INLINE:
                self.stream([value], cited)
                return
            for item in value:
                self.walk(item, cited)
        elif isinstance(value, dict):
            t = value.get("t")
            if t in _NO_TEXT:
                return
            if t == "LineBlock":            # a poem: quotes may run from line to line
                self.stream(value["c"], cited)
                return
            if t is None:
                for item in value.values():
                    self.walk(item, cited)
            elif "c" in value:
                self.walk(value["c"], cited)

    def stream(self, lines: list[list[Node]], cited: bool) -> None:
        start = len(self.later)
        # Most blocks have no straight quote: they need only the cheap pass.
        if any([self.prepare(inlines, cited) for inlines in lines]):
            stream = _Stream()
            for number, inlines in enumerate(lines):
                if number:
                    stream.add(" ")
                stream.add_inlines(inlines)
            self.quotes(stream, "".join(stream.parts))
        own, self.later[start:] = self.later[start:], []
        for part, part_cited in own:
            self.walk(part, part_cited)

    def prepare(self, inlines: list[Node], cited: bool) -> bool:
        """Dashes, ellipses and abbreviations; queues the inlines that are streams of their own.
        `cited`: inside a citation as citeproc rendered it, which pandoc's `smart` never saw: its
        "vol. 2" keeps its space. Returns whether a straight quote is left to decide."""
        quotes = False
        periods: list[int] = []
        for index, inline in enumerate(inlines):
            t = inline["t"]
            if t == "Str":
                c = inline["c"]
                if "--" in c or "..." in c:
                    inline["c"] = c = _dashes(c)
                if not quotes and ("'" in c or '"' in c):
                    quotes = True
                if c[-1:] == "." and not cited:
                    periods.append(index)
            elif t in _SPACES:
                continue
            elif (inner := _content(t, inline["c"])) is not None:
                if t == "Cite":
                    self.later.extend((part, False) for citation in inline["c"][0]
                                      for part in (citation["citationPrefix"], citation["citationSuffix"]))
                quotes = self.prepare(inner, cited or t == "Cite") or quotes
            elif t == "Note":
                self.later.append((inline["c"], cited))
            elif t == "Image":
                self.later.append((inline["c"][1], cited))
        if periods:
            _abbreviations(inlines, periods)
        return quotes

    def quotes(self, stream: _Stream, text: str) -> None:
        quotes: list[Quote] = []
        for match in _STRAIGHT.finditer(text):
            at = match.start()
            before = text[at - 1] if at else " "
            after = next((ch for ch in text[at + 1:at + 8] if ch != _NOTE), " ")
            quotes.append(Quote(match.group(), at, before, after, text[at + 1:at + 12],
                                self.elisions))
        # rock 'n' roll: the second quote of 'n' is an apostrophe too.
        for index, quote in enumerate(quotes[:-1]):
            if quote.following[:2] == "n'" and quotes[index + 1].at == quote.at + 2 \
                    and elided(quote) and _kind(text[quote.at + 3:quote.at + 4] or " ") != "word":
                quotes[index + 1].decision = APOS
        _decide(quotes)
        self.rewrite(stream, quotes)

    def rewrite(self, stream: _Stream, quotes: list[Quote]) -> None:
        """Put each decision into its Str; pairs within one inline list become Quoted nodes."""
        owner = [bisect.bisect_right(stream.starts, q.at) - 1 for q in quotes]
        edits: dict[int, list[tuple[int, str | tuple[str, int]]]] = {}
        for index, quote in enumerate(quotes):
            str_index = owner[index]
            node, parent = stream.strs[str_index]
            offset = quote.at - stream.starts[str_index]
            if quote.pair >= 0 and stream.strs[owner[quote.pair]][1] is parent:
                edit: str | tuple[str, int] = (quote.decision, min(index, quote.pair))
            else:
                edit = _mark(quote, self.marks)
            edits.setdefault(str_index, []).append((offset, edit))
        lists: dict[int, list[Node]] = {}
        pieces: dict[int, list[str | tuple[str, int]]] = {}
        for str_index, changes in edits.items():
            node, parent = stream.strs[str_index]
            text: str = node["c"]
            out: list[str | tuple[str, int]] = []
            position = 0
            for offset, edit in changes:
                out.append(text[position:offset])
                out.append(edit)
                position = offset + 1
            out.append(text[position:])
            pieces[id(node)] = out
            lists[id(parent)] = parent
        kinds = {index: quote.char for index, quote in enumerate(quotes)}
        for parent in lists.values():
            parent[:] = _fold(parent, pieces, kinds)


def _fold(inlines: list[Node], pieces: dict[int, list[str | tuple[str, int]]],
          kinds: dict[int, str]) -> list[Node]:
    """The inlines with edited Str nodes spliced in and each marked pair wrapped in Quoted."""
    stack: list[list[Node]] = [[]]
    for inline in inlines:
        parts = pieces.get(id(inline)) if inline["t"] == "Str" else None
        if parts is None:
            stack[-1].append(inline)
            continue
        for part in parts:
            if isinstance(part, str):
                if part:
                    _append_text(stack[-1], part)
            elif part[0] == OPEN:
                stack.append([])
            else:
                content = stack.pop()
                kind = "DoubleQuote" if kinds[part[1]] == '"' else "SingleQuote"
                stack[-1].append({"t": "Quoted", "c": [{"t": kind}, content]})
    return stack[0]


def _append_text(inlines: list[Node], text: str) -> None:
    if inlines and inlines[-1]["t"] == "Str":
        inlines[-1] = {"t": "Str", "c": inlines[-1]["c"] + text}
    else:
        inlines.append({"t": "Str", "c": text})


# -- dashes, ellipses, abbreviations -------------------------------------------------------------

def _dashes(text: str) -> str:
    """pandoc's `smart`: `---` an em dash, `--` an en dash (so `----` is em and hyphen), `...`
    an ellipsis."""
    if "--" in text:
        text = _DASHES.sub(lambda m: "\u2014" if len(m.group()) == 3 else "\u2013", text)
    if _ELLIPSIS in text:
        text = text.replace(_ELLIPSIS, "\u2026")
    return text


def _abbreviations(inlines: list[Node], candidates: list[int]) -> None:
    """`Mr. Smith`: the space after an abbreviation becomes a no-break space, as pandoc's `smart`
    makes it (not before a line break, a citation or a note). `candidates`: the Str nodes that
    end with a period; from the last, so that merging leaves the earlier indexes valid."""
    for index in reversed(candidates):
        if index + 2 >= len(inlines) or inlines[index + 1]["t"] != "Space" \
                or inlines[index + 2]["t"] in ("Cite", "Note"):
            continue
        text = inlines[index]["c"]
        match = _ABBREVIATION.search(text)
        if match is None or match.group() not in ABBREVIATIONS:
            continue
        following = inlines[index + 2]
        if following["t"] == "Str":         # pandoc's Str runs on: "Mr.\u00a0Smith"
            inlines[index: index + 3] = [{"t": "Str", "c": text + NBSP + following["c"]}]
        else:
            inlines[index: index + 2] = [{"t": "Str", "c": text + NBSP}]


# -- plain text ----------------------------------------------------------------------------------

def smarten(text: str, lang: str) -> str:
    """Smart punctuation for a plain string, such as a title in book.yaml: the characters of the
    book's language (`Harbour's "Lamps"` -> `Harbour’s “Lamps”`)."""
    # A Space keeps the whitespace it stands for ("s"), so only `smart`'s changes show.
    inlines: list[Node] = [{"t": "Space", "s": piece} if piece.isspace() else {"t": "Str", "c": piece}
                           for piece in re.split(r"(\s+)", text) if piece]
    if not inlines:
        return text
    blocks = smarten_blocks([{"t": "Plain", "c": inlines}], lang)
    return "".join(_plain(blocks[0]["c"], QUOTES[language(lang)]))


def _plain(inlines: list[Node], marks: tuple[str, str, str, str]) -> Iterator[str]:
    for inline in inlines:
        if inline["t"] == "Str":
            yield inline["c"]
        elif inline["t"] == "Space":
            yield inline["s"]
        elif inline["t"] == "Quoted":
            double = inline["c"][0]["t"] == "DoubleQuote"
            yield marks[0] if double else marks[2]
            yield from _plain(inline["c"][1], marks)
            yield marks[1] if double else marks[3]


# -- escapes -------------------------------------------------------------------------------------

# `\'`, `\"`, `\-`, `\.` are how an author keeps a character straight under `smart`. With `smart`
# off pandoc reads them as the bare character, which this pass would then change, so they go to
# pandoc as private-use placeholders (which no rule touches) and come back afterwards.
_ESCAPED = re.compile(r"(?<!\\)((?:\\\\)*)\\(['\"\-.])")
_PLACEHOLDERS = {"'": "\ue000", '"': "\ue001", "-": "\ue002", ".": "\ue003"}
_CHARACTERS = {ord(p): c for c, p in _PLACEHOLDERS.items()}
_ESCAPES = {ord(p): "\\" + c for c, p in _PLACEHOLDERS.items()}
_LITERAL = {"Code": 1, "Math": 1, "RawInline": 1, "CodeBlock": 1, "RawBlock": 1}


def protect_escapes(text: str) -> str | None:
    """The chapter with its escaped quotes, hyphens and dots as placeholders, or None when it
    has none (or already uses the placeholders' characters: then they are not protected)."""
    if "\\" not in text or not _ESCAPED.search(text) \
            or any(p in text for p in _PLACEHOLDERS.values()):
        return None
    return _ESCAPED.sub(lambda m: m.group(1) + _PLACEHOLDERS[m.group(2)], text)


def restore_escapes(value: Any) -> Any:
    """Undo `protect_escapes` in a parsed chapter, in place: the plain character in text, URLs
    and attributes (where pandoc reads escapes), the escape as written in code, math and raw
    HTML (where it does not)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                value[index] = item.translate(_CHARACTERS)
            else:
                restore_escapes(item)
    elif isinstance(value, dict):
        t = value.get("t")
        if t == "Str":
            value["c"] = value["c"].translate(_CHARACTERS)
        elif t in _LITERAL:
            value["c"][1] = value["c"][1].translate(_ESCAPES)
            restore_escapes(value["c"][0])
        else:
            for key, item in value.items():
                if isinstance(item, str):
                    if key != "t":
                        value[key] = item.translate(_CHARACTERS)
                else:
                    restore_escapes(item)
    return value
