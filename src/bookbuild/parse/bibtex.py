"""Parse stage: read a .bib file's fields ourselves, to know how its author meant it to be read.

pandoc reads a .bib file either as classic BibTeX or as BibLaTeX, and the two differ where it
matters to a reader: BibLaTeX splits publisher, location, institution and organization into
lists at " and " (so `publisher = {Chapel and Hall}` prints "Chapel; Hall"), while BibTeX keeps
them literal; BibTeX, for its part, does not know BibLaTeX's `location` or `addendum` and drops
them. This module scans the entries and their fields (with the line of each), decides which
dialect a file is written in when book.yaml does not say, and finds the list fields whose
" and " a BibLaTeX reading makes ambiguous. It also repairs what pandoc makes of LaTeX's dotless
`\\i` and `\\j` under an accent.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from bookbuild.diagnostics import Diagnostic, Place, warning

BIBTEX, BIBLATEX = "bibtex", "biblatex"

# Fields and entry types only BibLaTeX knows: classic BibTeX styles ignore them, so a file that
# uses them was written for BibLaTeX.
_BIBLATEX_FIELDS = frozenset("""
    location date journaltitle journalsubtitle urldate eprinttype eprintclass origdate eventdate
    maintitle mainsubtitle maintitleaddon booksubtitle booktitleaddon subtitle titleaddon
    issuetitle issuesubtitle langid langidopts origlocation origpublisher origlanguage venue
    pubstate addendum bookauthor shortjournal shorthand xdata ids related relatedtype editora
    editorb editorc editoratype annotator commentator introduction foreword afterword nameaddon
    indextitle sortname
""".split())
_BIBLATEX_TYPES = frozenset("""
    online mvbook mvcollection mvproceedings mvreference bookinbook suppbook suppcollection
    suppperiodical collection reference inreference report thesis periodical dataset software
    set xdata artwork audio image movie music performance video legislation jurisdiction legal
    letter review standard commentary
""".split())
# Fields BibTeX reading drops (pandoc's bibtex reader ignores them): one is enough to decide,
# since reading such a file as BibTeX would lose text without a word.
_LOST_IN_BIBTEX = frozenset({"location", "addendum"})
# Classic BibTeX names, which BibLaTeX accepts only as aliases of its own.
_BIBTEX_FIELDS = frozenset({"address", "journal", "year", "school"})
_BIBTEX_TYPES = frozenset({"techreport", "mastersthesis", "phdthesis"})

# BibLaTeX's literal lists whose items are names that may themselves hold "and" (Chapel and
# Hall, Faber and Faber). A list of places ("Oxford and New York") is what `location` means,
# and a place named with "and" is rare, so location and address are not reported.
_NAME_LISTS = {"publisher": "publishers", "institution": "institutions",
               "organization": "organizations"}

_AND = re.compile(r"\s+and\s+")
_NAME = re.compile(r"[^\s{}(),=#\"@%]+")


@dataclass(frozen=True)
class BibField:
    name: str           # lower case
    value: str          # the text between its delimiters, macros expanded, parts joined
    line: int
    explicit_list: bool  # every " and "-separated item braced on its own: {Chapel} and {Hall}


@dataclass(frozen=True)
class BibRecord:
    kind: str           # entry type, lower case
    key: str
    line: int
    fields: dict[str, BibField] = field(default_factory=dict)


@dataclass(frozen=True)
class Dialect:
    """How a file is read, and why (for messages)."""

    format: str         # BIBTEX or BIBLATEX
    reason: str
    lost: tuple[str, ...] = ()  # the fields it uses that a BibTeX reading would drop


def scan_bibtex(text: str) -> list[BibRecord]:
    """The entries of a .bib file with their fields; a damaged entry is skipped (pandoc, which
    reads the file for real, reports it)."""
    return _Scanner(text).entries()


def decide_dialect(records: list[BibRecord], setting: str | None, suffix: str) -> Dialect:
    """bibliography-format when set, else .bibtex files are BibTeX, else the file's content:
    any field BibTeX would drop, or more BibLaTeX-only names than classic BibTeX ones, make it
    BibLaTeX; anything else is classic BibTeX (which BibLaTeX would also accept)."""
    biblatex: dict[str, int] = {}
    bibtex: dict[str, int] = {}
    for record in records:
        if record.kind in _BIBLATEX_TYPES:
            biblatex.setdefault("@" + record.kind, record.line)
        if record.kind in _BIBTEX_TYPES:
            bibtex.setdefault("@" + record.kind, record.line)
        for name, found in record.fields.items():
            if name in _BIBLATEX_FIELDS:
                biblatex.setdefault(name, found.line)
            elif name in _BIBTEX_FIELDS and not (name == "year" and "date" in record.fields):
                bibtex.setdefault(name, found.line)
    lost = tuple(sorted(name for name in biblatex if name in _LOST_IN_BIBTEX))
    if setting:
        return Dialect(setting, f"book.yaml sets bibliography-format: {setting}", lost)
    if suffix == ".bibtex":
        return Dialect(BIBTEX, "its name ends in .bibtex", lost)
    if lost or len(biblatex) > len(bibtex):
        names = ", ".join(lost or sorted(biblatex, key=biblatex.__getitem__)[:3])
        return Dialect(BIBLATEX, f"it uses {names}, which only BibLaTeX knows", lost)
    if bibtex:
        names = ", ".join(sorted(bibtex, key=bibtex.__getitem__)[:3])
        return Dialect(BIBTEX, f"it uses {names} and nothing only BibLaTeX knows")
    return Dialect(BIBTEX, "it uses nothing only BibLaTeX knows")


def ambiguous_and(records: list[BibRecord], dialect: Dialect, file: str) -> list[Diagnostic]:
    """A warning at each publisher, institution or organization field that a BibLaTeX reading
    splits at " and " although its items could be one name."""
    if dialect.format != BIBLATEX:
        return []
    found = []
    for record in records:
        for name, plural in _NAME_LISTS.items():
            bib_field = record.fields.get(name)
            if bib_field is None or bib_field.explicit_list:
                continue
            items = _top_level_items(bib_field.value)
            if len(items) < 2:
                continue
            value = _squeeze(bib_field.value)
            listed = " and ".join("{" + _squeeze(item) + "}" for item in items)
            # BibTeX reading would keep it literal, but would also drop location and addendum.
            setting = ("" if dialect.lost else
                       "; or set 'bibliography-format: bibtex' in book.yaml to read such fields "
                       "literally")
            found.append(warning(
                "bibliography-ambiguous-and",
                f"{name} = {{{value}}} of {record.key} is read as a list of {len(items)} "
                f"{plural} ({'; '.join(_plain(item) for item in items)}): {file} is read as "
                f"BibLaTeX ({dialect.reason}), where ' and ' separates the items of this field. "
                f"If it is one name, brace it: {name} = {{{{{value}}}}}; if it is a list, brace "
                f"each item: {name} = {{{listed}}}{setting}",
                Place(file, bib_field.line)))
    return found


def _top_level_items(value: str) -> list[str]:
    """`value` split at " and " outside braces, as BibLaTeX splits a literal list."""
    items, depth, start = [], 0, 0
    position = 0
    while position < len(value):
        char = value[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and char.isspace():
            match = _AND.match(value, position)
            if match:
                items.append(value[start:position])
                start = position = match.end()
                continue
        position += 1
    items.append(value[start:])
    return [item for item in items if item.strip()]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _plain(item: str) -> str:
    return _squeeze(item.replace("{", "").replace("}", ""))


def _wholly_braced(item: str) -> bool:
    item = item.strip()
    if not (item.startswith("{") and item.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(item):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(item) - 1:
            return False
    return True


# -- dotless i and j -------------------------------------------------------------------------

_DOTLESS = {"\u0131": "i", "\u0237": "j"}
_DOT_ABOVE = "\u0307"


def undot(text: str) -> str:
    """LaTeX's `\\'\\i` is a dotless i under an accent, which pandoc keeps as U+0131 + U+0301;
    Unicode composes none of these, so "Anton{\\'\\i}n" would stay "Antonı́n". Under a mark above,
    the dotless letter becomes i or j (then NFC makes "í"), and a dot above is the letter's own."""
    if "\u0131" not in text and "\u0237" not in text:
        return text
    out: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        position += 1
        if char not in _DOTLESS:
            out.append(char)
            continue
        end = position
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        marks = text[position:end]
        if any(unicodedata.combining(mark) == 230 for mark in marks):
            char = _DOTLESS[char]
            marks = marks.replace(_DOT_ABOVE, "", 1)
        out.append(char + marks)
        position = end
    return "".join(out)


# -- the scanner ------------------------------------------------------------------------------

class _Damaged(Exception):
    pass


class _Scanner:
    """Entries, fields and lines of BibTeX syntax: `@type{key, name = {..} # "..." # macro}`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.macros: dict[str, str] = {}
        self.newlines = [match.start() for match in re.finditer("\n", text)]

    def entries(self) -> list[BibRecord]:
        records: list[BibRecord] = []
        while (start := self.text.find("@", self.at)) >= 0:
            self.at = start + 1
            try:
                record = self._entry(start)
            except _Damaged:
                self.at = start + 1     # resume at the next '@'
                continue
            if record is not None:
                records.append(record)
        return records

    def _line(self, position: int) -> int:
        return bisect.bisect_left(self.newlines, position) + 1

    def _skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def _name(self) -> str:
        self._skip_space()
        match = _NAME.match(self.text, self.at)
        if not match:
            raise _Damaged
        self.at = match.end()
        return match.group(0)

    def _expect(self, chars: str) -> str:
        self._skip_space()
        if self.at >= len(self.text) or self.text[self.at] not in chars:
            raise _Damaged
        self.at += 1
        return self.text[self.at - 1]

    def _entry(self, start: int) -> BibRecord | None:
        kind = self._name().lower()
        opening = self._expect("{(")
        closing = "}" if opening == "{" else ")"
        if kind in ("comment", "preamble"):
            self.at -= 1
            self._balanced(opening, closing)
            return None
        if kind == "string":
            name, value, _, _ = self._field()
            self.macros[name] = value
            self._expect(closing)
            return None
        key_start = self.at
        key = self._name()
        record = BibRecord(kind, key, self._line(key_start))
        while True:
            self._skip_space()
            if self.at < len(self.text) and self.text[self.at] == closing:
                self.at += 1
                return record
            self._expect(",")
            self._skip_space()
            if self.at < len(self.text) and self.text[self.at] == closing:
                self.at += 1
                return record
            name, value, line, explicit = self._field()
            record.fields[name] = BibField(name, value, line, explicit)

    def _field(self) -> tuple[str, str, int, bool]:
        self._skip_space()
        line = self._line(self.at)
        name = self._name().lower()
        self._expect("=")
        parts: list[str] = []
        while True:
            self._skip_space()
            char = self.text[self.at] if self.at < len(self.text) else ""
            if char == "{":
                parts.append(self._balanced("{", "}")[1:-1])
            elif char == '"':
                parts.append(self._quoted())
            else:
                word = self._name()
                parts.append(word if word.isdigit() else self.macros.get(word.lower(), ""))
            self._skip_space()
            if self.at < len(self.text) and self.text[self.at] == "#":
                self.at += 1
                continue
            value = "".join(parts)
            items = _top_level_items(value)
            return name, value, line, len(items) > 1 and all(map(_wholly_braced, items))

    def _balanced(self, opening: str, closing: str) -> str:
        start, depth = self.at, 0
        while self.at < len(self.text):
            char = self.text[self.at]
            self.at += 1
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    return self.text[start:self.at]
        raise _Damaged

    def _quoted(self) -> str:
        start, depth = self.at + 1, 0
        self.at += 1
        while self.at < len(self.text):
            char = self.text[self.at]
            self.at += 1
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == '"' and depth == 0:
                return self.text[start:self.at - 1]
        raise _Damaged
