"""Checks stage (copy-editing): the prose of each chapter as the author typed it.

pandoc reads the chapters with `smart` off and `parse/typography.py` smartens the AST afterwards,
so what the author typed (straight or curly quotes, `...` or `…`, `--` or `–`) is only visible in
the source. The copy-edit checks therefore read the source lines of text and notes, with every
piece of markup that is not text overwritten by NUL characters of the same length: code spans,
HTML comments and tags, URLs, link targets, attributes, citations and note calls (which leave a
MARK where they stood), emphasis delimiters, block prefixes (`>`, list markers, `#`, `[^1]:`)
and escapes' backslashes. Lines that are not prose (fenced code, link definitions) become spaces.
Each chapter's text keeps the length and line breaks of the file, so an offset is a line and
column of the manuscript, and every finding can name its exact line.

Passages in another language (`[...]{lang=fr}`, `::: {lang=fr}`) are blanked too: no check reads
them. Italic spans and block quotes are recorded, not blanked: a title or a quotation keeps its
source's spelling and capitals (see `quotations.py` for quotations in marks).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final, NamedTuple

from bookbuild.model import Book, Chapter
from bookbuild.parse.scan import Kind

NUL = "\0"          # markup: neither text nor space
MARK = "\x01"       # where a citation or note call stood (the typography pass uses the same)


class Role:
    """What a paragraph is, besides running text: bit flags, plain ints (an IntFlag's `|` is a
    Python call, and every line of Gibbon takes a few)."""

    NONE: Final = 0
    NOTE: Final = 1             # a footnote definition
    HEADING: Final = 2
    TABLE: Final = 4            # a row of a pipe or grid table
    VERSE: Final = 8            # a line block (`| `)
    QUOTE: Final = 16           # a block quote (`>`)
    LIST: Final = 32            # a list item


@dataclass(frozen=True)
class Paragraph:
    """A run of prose lines: `text[start:end]` of its chapter, first line `line`."""

    start: int
    end: int
    line: int
    role: int                   # Role flags


def protected_role(paragraph: Paragraph) -> bool:
    """Block quotes, verse, tables and headings keep their own spelling and capitals."""
    return bool(paragraph.role & (Role.QUOTE | Role.VERSE | Role.TABLE | Role.HEADING))


@dataclass
class ChapterText:
    """One chapter's prose, offset for offset and line for line the manuscript file."""

    file: str
    text: str
    line_starts: list[int]
    paragraphs: list[Paragraph]
    italics: list[tuple[int, int]] = field(default_factory=list)     # (start, end), in order

    def line_of(self, offset: int) -> int:
        """The 1-based manuscript line of an offset."""
        return bisect.bisect_right(self.line_starts, offset)

    @cached_property
    def _paragraph_starts(self) -> list[int]:
        return [p.start for p in self.paragraphs]

    def paragraph_of(self, offset: int) -> Paragraph:
        """The paragraph an offset is in (the one before, for an offset between paragraphs)."""
        index = bisect.bisect_right(self._paragraph_starts, offset) - 1
        return self.paragraphs[max(index, 0)]


# -- block prefixes, line by line ------------------------------------------------------------------

_PROSE_KINDS = (Kind.TEXT, Kind.NOTE)
_PREFIX = re.compile(r"""
    (?P<indent>[ \t]+)
  | (?P<quote>>[ \t]?)
  | (?P<note>\[\^[^\]\s]+\]:[ \t]?)
  | (?P<list>(?:[-*+]|\d{1,9}[.)]|\#\.)(?:[ \t]+|$))
  | (?P<verse>\|(?:[ \t]|$))
  | (?P<definition>:[ \t]+)
""", re.VERBOSE)
_HEADING = re.compile(r"\#{1,6}(?:[ \t]+|$)")
_RULE = re.compile(r"[ \t]*(?:(?:[-*_][ \t]*){3,}|={3,}[ \t]*)$")      # rules, setext underlines
_TABLE_RULE = re.compile(r"[ \t]*[|+]?[ \t]*:?-{3,}:?[ \t]*(?:[|+][ \t]*:?-{3,}:?[ \t]*)*[|+]?[ \t]*$")
_DIV = re.compile(r"[ \t]*:{3,}(?P<attributes>.*)$")
_LANG = re.compile(r"\blang=")
_PREFIX_START = frozenset(" \t>[-*+0123456789#|:")


class _Line(NamedTuple):
    text: str                   # the line, block markup as NUL
    role: int | None            # Role flags; None: not prose
    opens: bool                 # opens a block of its own (a list item, a footnote definition)


def _prefix(line: str, note: bool) -> tuple[int, int, bool]:
    """How many leading characters of a line are block markup, the roles they give it, and
    whether it opens a list item or a footnote definition."""
    heading = _HEADING.match(line)
    if heading and not note:
        return heading.end(), Role.HEADING, True
    stripped = line.strip()
    if stripped[:1] in ("|", "+") and stripped[-1:] in ("|", "+") and len(stripped) > 1:
        return 0, Role.TABLE, True
    position, role, opens = 0, Role.NONE, False
    while (match := _PREFIX.match(line, position)) and match.end() > position:
        group = match.lastgroup
        if group == "note" and (position or not note):
            break                               # a note label only opens a note line
        position = match.end()
        if group == "quote":
            role |= Role.QUOTE
        elif group == "verse":
            role |= Role.VERSE
        elif group == "list":
            role |= Role.LIST
            opens = True
        elif group == "note":
            # After a note label comes text: a "1." or a "-" there is the author's.
            opens = True
            break
    return position, role, opens


_DASH_RULE = re.compile(r"[ \t]*-{3,}(?:[ \t]+-{3,})*[ \t]*$")
_NOTE_LABEL = re.compile(r" {0,3}\[\^[^\]\s]+\]:")


def _simple_tables(lines: list[str], kinds: list[Kind]) -> set[int]:
    """The lines (0-based) of pandoc's simple and multiline tables: rows under or between rules
    of dashes (`----- ------`). A single rule with a blank line after it is a horizontal rule
    or a setext heading's underline, not a table."""
    table: set[int] = set()
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        if kinds[index] not in _PROSE_KINDS or line[:1] not in " -" or not _DASH_RULE.match(line):
            index += 1
            continue
        groups = len(line.split())
        rows_follow = index + 1 < count and bool(lines[index + 1].strip())
        if groups < 2 and not rows_follow:
            index += 1
            continue
        first = index
        while first > 0 and lines[first - 1].strip() and groups >= 2 \
                and not _NOTE_LABEL.match(lines[first - 1]):
            first -= 1                                  # the header above the rule
        stop = index + 1
        if groups < 2:                                  # multiline: to the closing rule
            while stop < count and not (_DASH_RULE.match(lines[stop]) and len(lines[stop].split()) < 2):
                stop += 1
            stop += 1
        else:
            while stop < count and lines[stop].strip():
                stop += 1
        table.update(range(first, min(stop, count)))
        index = stop
    return table


def _lines(chapter: Chapter) -> Iterator[_Line]:
    """Each source line with its block markup as NUL and its role; None for a line that is not
    prose (code, a link definition, a blank line, a rule, a div fence, another language)."""
    lang_depth = 0
    source, kinds = chapter.source.lines, chapter.scan.kinds
    tables = _simple_tables(source, kinds) if "---" in chapter.source.text else set()
    for number, (line, kind) in enumerate(zip(source, kinds, strict=True)):
        if number in tables:
            yield _Line(" " * len(line) if _DASH_RULE.match(line) else line, Role.TABLE, True)
            continue
        if kind is Kind.TEXT and not lang_depth and line[:1] not in _PREFIX_START:
            yield _Line(line, Role.NONE, False)             # most lines: plain text
            continue
        if kind not in _PROSE_KINDS:
            yield _Line(" " * len(line), None, False)
            continue
        if line.lstrip(" ")[:3] == ":::" and (div := _DIV.match(line)):
            # A fenced div: `::: {lang=fr}` opens a passage in another language.
            attributes = div.group("attributes").strip()
            if lang_depth or _LANG.search(attributes):
                lang_depth += 1 if attributes else -1
            yield _Line(" " * len(line), None, False)
            continue
        if lang_depth or (line[:1] in "-*_= \t" and (_RULE.match(line) or _TABLE_RULE.match(line))):
            yield _Line(" " * len(line), None, False)
            continue
        cut, role, opens = _prefix(line, kind is Kind.NOTE) if line[:1] in _PREFIX_START \
            else (0, Role.NONE, False)
        if kind is Kind.NOTE:
            role |= Role.NOTE
        if role & Role.TABLE:
            yield _Line(line.replace("|", NUL).replace("+", NUL), role, True)
        else:
            yield _Line(NUL * cut + line[cut:], role, opens)


# -- inline markup, over the whole chapter ---------------------------------------------------------
#
# One pass per character that opens markup, each pattern starting with that literal character:
# the regex engine then skips plain text at memchr speed (an alternation of several first
# characters is scanned character by character, ten to a hundred times slower on Gibbon).

_Edit = tuple[int, int, str] | None     # (start, end, replacement) of the text replaced

_ANGLE = re.compile(r"""<(?:
    !--[\s\S]*?(?:-->|\Z)                                   # a comment
  | (?:https?|ftp|mailto):[^<>\s]*>                          # an autolink
  | [^<>\s@]+@[^<>\s@]+>                                    # an e-mail autolink
  | /?[A-Za-z][^<>\n]*>)                                     # an HTML tag
""", re.VERBOSE)
_CODE = re.compile(r"`+")
_URL = re.compile(r"""
    (?:https?|ftp)://[^\s<>"\0]*[^\s<>"\0.,;:!?)\]’”']
  | www\.[\w-]+\.[^\s<>"\0]*[^\s<>"\0.,;:!?)\]’”']
  | doi:\S*\w
""", re.VERBOSE)
_AT = re.compile(r"@\w(?:[\w:.\#$%&+?<>~/-]*\w)?")
_LOCAL_PART = re.compile(r"[\w.+-]+$")
_BRACKET = re.compile(r"""\[(?:
    (?P<noteref>\^[^\]\s]+\](?!:))
  | (?P<cite>[^\[\]\n]*?(?<![\w])-?@[^\[\]]*\])
  | (?P<text>(?:[^\[\]\n\\]|\\.|\n(?![ \t\0]*\n)|\[[^\[\]\n]*\])*)
    (?P<close>\]
      (?:\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?\)  # (target "title")
        |\[[^\[\]\n]*\]                                                   # [reference]
        |\{(?P<attributes>[^{}\n]*)\}                                     # {attributes}
      )?))
""", re.VERBOSE)
_BRACE = re.compile(r"\{(?:[\#.=][^{}\n]*|[^{}\n]*=[^{}\n]*)\}")
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
_SUPERSCRIPT = re.compile(r"\^[^\s^\[]+\^")
_STAR = re.compile(r"\*")
_UNDERSCORE = re.compile(r"_")
_TILDES = re.compile(r"~~")


def _masked(text: str) -> str:
    """NUL for every character of `text` but line breaks."""
    return re.sub(r"[^\n]", NUL, text) if "\n" in text else NUL * len(text)


def _rewrite(text: str, pattern: re.Pattern[str], edit: Callable[[re.Match[str]], _Edit]) -> str:
    """`text` with each match replaced as `edit` says; an edit may start before its match (an
    image's `!`, an e-mail's local part) or end after it (a code span), but not overlap the
    previous one."""
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        change = edit(match)
        if change is None or change[0] < last:
            continue
        start, end, replacement = change
        pieces.append(text[last:start])
        pieces.append(replacement)
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


class _Cleaner:
    """The inline passes over one chapter; records italic delimiters as it goes."""

    def __init__(self) -> None:
        self.stars: list[int] = []          # offsets of single `*` and `_` delimiters

    def clean(self, text: str) -> str:
        if "`" in text:
            text = _rewrite(text, _CODE, self._code)
        if "<" in text:
            text = _ANGLE.sub(lambda m: _masked(m.group()), text)
        if "://" in text or "www." in text or "doi:" in text:
            text = _URL.sub(lambda m: _masked(m.group()), text)
        if "[" in text:
            text = _rewrite(text, _BRACKET, self._bracket)
        if "@" in text:
            text = _rewrite(text, _AT, self._at)
        if "{" in text:
            text = _BRACE.sub(lambda m: _masked(m.group()), text)
        if "\\" in text:
            text = _ESCAPE.sub(lambda m: NUL + m.group()[1], text)
        if "^" in text:
            text = _SUPERSCRIPT.sub(lambda m: _masked(m.group()), text)
        if "~~" in text:
            text = _TILDES.sub(NUL + NUL, text)
        if "*" in text:
            text = _STAR.sub(self._emphasis, text)
        if "_" in text:
            text = _UNDERSCORE.sub(self._emphasis, text)
        return text

    @staticmethod
    def _code(match: re.Match[str]) -> _Edit:
        """A code span: from a run of backticks to the next run as long, within the paragraph."""
        ticks, text = match.group(), match.string
        if match.string[match.start() - 1: match.start()] == "`":
            return None                              # inside a longer run
        end = match.end()
        while (end := text.find(ticks, end)) >= 0:
            if text[end + len(ticks): end + len(ticks) + 1] != "`" and text[end - 1] != "`":
                return match.start(), end + len(ticks), _masked(text[match.start(): end + len(ticks)])
            end += len(ticks)
        return None

    @staticmethod
    def _at(match: re.Match[str]) -> _Edit:
        """`@key` is a citation, `-@key` one without the author; `name@host.org` an address."""
        start, text = match.start(), match.string
        before = text[start - 1: start]
        if before and (before.isalnum() or before in "._+-" and text[start - 2: start - 1].isalnum()):
            local = _LOCAL_PART.search(text, max(0, start - 64), start)
            first = local.start() if local else start
            return first, match.end(), _masked(text[first: match.end()])
        if before == "-":
            start -= 1
        return start, match.end(), MARK + _masked(text[start + 1: match.end()])

    @staticmethod
    def _bracket(match: re.Match[str]) -> _Edit:
        start, text = match.start(), match.string
        before = text[start - 1: start]
        if before == "\\":
            return None                             # an escaped bracket: the reader sees it
        end = match.end()
        if match.group("noteref") or match.group("cite"):
            if before == "-":
                start -= 1
            return start, end, MARK + _masked(text[start + 1: end])
        close = match.group("close")
        if _LANG.search(match.group("attributes") or ""):
            return start, end, _masked(match.group())   # another language: no check reads it
        if before == "^":
            # An inline note (its text is prose), or a link in superscript: ^[A1](#a1)^.
            if close == "]":
                return start - 1, end, MARK + NUL + match.group("text") + NUL
            return start, end, NUL + match.group("text") + _masked(close)
        if close == "]":
            return None                             # brackets the reader sees
        if before == "!":
            start -= 1                              # an image: its description is prose
        return start, end, NUL * (match.start("text") - start) + match.group("text") + _masked(close)

    def _emphasis(self, match: re.Match[str]) -> str:
        """Emphasis delimiters become NUL; single ones are remembered, for italic spans."""
        text, at = match.string, match.start()
        char = match.group()
        before, after = text[at - 1: at], text[at + 1: at + 2]
        if char == "_" and before.isalnum() and after.isalnum():
            return char                             # snake_case: pandoc leaves it alone
        if before != char and after != char:
            self.stars.append(at)
        return NUL


def _paragraphs(lines: list[_Line], line_starts: list[int]) -> list[Paragraph]:
    """Runs of prose lines. A blank line ends one, and so does a heading, a table row, a new list
    item or footnote, or a change between text, note and quote."""
    paragraphs: list[Paragraph] = []
    first: int | None = None            # index of the current paragraph's first line
    role = Role.NONE
    kind_mask = Role.NOTE | Role.QUOTE
    for index, line in enumerate(lines):
        if line.role is None or not line.text.strip(" \t\0"):
            if first is not None:
                paragraphs.append(_paragraph(first, index, role, line_starts))
            first = None
            continue
        if first is None or line.opens or role & (Role.HEADING | Role.TABLE) \
                or (line.role & kind_mask) != (role & kind_mask):
            if first is not None:
                paragraphs.append(_paragraph(first, index, role, line_starts))
            first, role = index, line.role
        else:
            role |= line.role & Role.VERSE
    if first is not None:
        paragraphs.append(_paragraph(first, len(lines), role, line_starts))
    return paragraphs


def _paragraph(first: int, stop: int, role: int, line_starts: list[int]) -> Paragraph:
    """Lines `first` to `stop - 1` (0-based); it ends before the line break of its last line."""
    return Paragraph(line_starts[first], line_starts[stop] - 1, first + 1, role)


def _pair_italics(stars: list[int], paragraphs: list[Paragraph]) -> list[tuple[int, int]]:
    """Single `*` or `_` delimiters, paired in order within each paragraph: italic spans."""
    spans: list[tuple[int, int]] = []
    starts = [p.start for p in paragraphs]
    pending: tuple[int, int] | None = None          # (paragraph index, offset)
    for offset in stars:
        index = bisect.bisect_right(starts, offset) - 1
        if pending is not None and pending[0] == index:
            spans.append((pending[1], offset + 1))
            pending = None
        else:
            pending = (index, offset)
    return spans


def read_chapter(chapter: Chapter) -> ChapterText:
    lines = list(_lines(chapter))
    line_starts = [0]
    for line in lines:
        line_starts.append(line_starts[-1] + len(line.text) + 1)
    cleaner = _Cleaner()
    text = cleaner.clean("\n".join(line.text for line in lines))
    paragraphs = _paragraphs(lines, line_starts)
    line_starts.pop()                   # the start of a line after the last
    return ChapterText(chapter.file, text, line_starts, paragraphs,
                       _pair_italics(cleaner.stars, paragraphs))


def read_prose(book: Book) -> list[ChapterText]:
    return [read_chapter(chapter) for chapter in book.chapters]
