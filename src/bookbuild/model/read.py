"""Model stage, step 1: one walk over one chapter's AST, which depends on that chapter alone.

The walk gives each block its lines, pulls the notes out (author footnotes and citation notes
share one sequence), and records citations, ids, links and images with their lines. What it
finds is a `ChapterReading`: a function of the chapter's name, text and AST only (notes are
numbered within the chapter, links keep their URL as written, images are not opened), so it can
be kept in the build cache and used again in any book that holds the same chapter. The book-wide
passes (`model.build`) then place every reading in the book.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bookbuild.ast import ATTR_INDEX, Node, iter_text, stringify
from bookbuild.diagnostics import Diagnostic, Place, error
from bookbuild.model import Block, Chapter, Note
from bookbuild.parse.scan import FootnoteRef, Kind, scan
from bookbuild.parse.sourcemap import block_spans
from bookbuild.parse.sources import SourceFile
from bookbuild.parse.words import WordIndex


@dataclass
class IdUse:
    id: str                     # as pandoc gave it (the book-wide pass may have to change it)
    place: Place
    attr: list[object]          # the node's attributes, rewritten when the id must change
    explicit: bool
    kind: str = ""              # the node's type: "Figure", "Table", "Header", "Span"...
    node: Node | None = None    # the node (a heading's title is its cross-reference text)
    note: int | None = None     # local number of the note it stands in, if any


@dataclass
class LocalCrossRef:
    """A cross-reference as written: @fig-map (form "label") or [-@fig-map] (form "number")."""

    target: str                 # the key after @: fig-map, tbl-wages, sec-terror, page-terror
    form: str
    place: Place


@dataclass
class LinkNode:
    url: str                    # as written in the manuscript
    place: Place
    node: Node                  # the Link, whose target the book-wide pass sets


@dataclass
class LocalCitation:
    key: str
    place: Place
    note: int | None            # the chapter's own note number (1-based) it renders in


@dataclass
class LocalIndexMark:
    """[words]{.index ...} or a fenced div ::: {.index term="..."} (a range), as written."""

    term: str                   # levels separated by "!" (makeindex); the marked words by default
    sort: str | None
    see: str | None
    see_also: str | None
    place: Place
    node: Node                  # the Span or Div, which the book-wide pass gives its id
    end: Node | None = None     # a range: the empty Span at its end, which gets the end's id
    own_id: str = ""            # the id the author gave it, if any
    closed: bool = True         # a range: its fenced div has its closing fence
    note: int | None = None     # local number of the note it stands in, if any


@dataclass
class LocalImage:
    src: str                    # as written in the manuscript
    place: Place
    alt: str


@dataclass
class ChapterReading:
    """What the walk over one chapter found. Notes are numbered 1, 2... within the chapter:
    `notes[i]` is the chapter's note i + 1, and each `NoteRef` node to be numbered in the book
    is kept with that local number."""

    chapter: Chapter
    notes: list[Note] = field(default_factory=list)
    noterefs: list[tuple[Node, int]] = field(default_factory=list)
    citations: list[LocalCitation] = field(default_factory=list)
    id_uses: list[IdUse] = field(default_factory=list)
    links: list[LinkNode] = field(default_factory=list)
    crossrefs: list[LocalCrossRef] = field(default_factory=list)
    index_marks: list[LocalIndexMark] = field(default_factory=list)
    images: list[LocalImage] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def read_chapter(source: SourceFile, blocks: list[Node]) -> ChapterReading:
    """Walk `blocks` (the chapter's AST, changed in place: notes become `NoteRef` nodes)."""
    return _ChapterReader(source, blocks).read()


@dataclass
class _Where:
    """Where the walk is: the lines being read, and the note or citation it is inside."""

    place: Place
    locator: _Locator
    note: int | None = None             # local number of the enclosing note
    cite: Place | None = None           # the enclosing citation


class _Locator:
    """Finds, in order, the line of each occurrence of a piece of text within a line range."""

    def __init__(self, lines: list[str], place: Place) -> None:
        self.lines = lines
        self.start = place.line or 1
        self.end = place.end_line or self.start
        self.resume: dict[str, tuple[int, int]] = {}

    def line_of(self, needle: str) -> int:
        line, column = self.resume.get(needle, (self.start, 0))
        for number in range(line, min(self.end, len(self.lines)) + 1):
            found = self.lines[number - 1].find(needle, column if number == line else 0)
            if found >= 0:
                self.resume[needle] = (number, found + len(needle))
                return number
        return self.start


class _ChapterReader:
    """One walk over one chapter's AST."""

    def __init__(self, source: SourceFile, blocks: list[Node]) -> None:
        self.source = source
        self.blocks = blocks
        self.scan = scan(source.text)
        lines = source.lines
        self.words = WordIndex(lines, self.scan.kinds, (Kind.TEXT, Kind.FENCE))
        self.note_words = WordIndex(lines, self.scan.kinds, (Kind.NOTE,))
        defined = self.scan.defined_labels()
        self.calls: Iterator[FootnoteRef] = iter(
            [ref for ref in self.scan.refs if ref.label is None or ref.label in defined])
        # pandoc uses the last definition of a label; so do we.
        self.definitions = {d.label: d for d in self.scan.defs}
        self.explicit_ids = {anchor_id for anchor_id, _ in self.scan.explicit_ids}
        self.found: ChapterReading | None = None

    def read(self) -> ChapterReading:
        spans = block_spans(self.blocks, self.source.lines, self.scan, self.words)
        chapter = Chapter(index=0, source=self.source, id="", page="", title=[], title_text="",
                          blocks=[], sections=[], scan=self.scan, words=self.words,
                          note_words=self.note_words)
        self.found = found = ChapterReading(chapter)
        for node, span in zip(self.blocks, spans, strict=True):
            place = Place(self.source.name, span.start, span.end)
            self._walk(node, _Where(place, _Locator(self.source.lines, place)))
            chapter.blocks.append(Block(node, place))
        chapter.title, chapter.title_text = self._title(chapter.blocks)
        return found

    def _title(self, blocks: list[Block]) -> tuple[list[Node], str]:
        first = blocks[0] if blocks else None
        if first and first.node["t"] == "Header" and first.node["c"][0] == 1:
            return first.node["c"][2], stringify(first.node["c"][2])
        place = first.place if first else Place(self.source.name, 1)
        self._found.diagnostics.append(error(
            "missing-heading", f"{self.source.name} does not open with a level-1 heading; make its "
            "first line the chapter title, written '# Title'", Place(place.file, place.line)))
        fallback = self.source.path.stem
        return [{"t": "Str", "c": fallback}], fallback

    @property
    def _found(self) -> ChapterReading:
        assert self.found is not None
        return self.found

    # -- the walk ------------------------------------------------------------------------------

    def _walk(self, value: object, where: _Where) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    t = item.get("t")
                    if t == "Str":
                        continue
                    if t == "Note":
                        value[i] = self._note(item, where)
                        continue
                self._walk(item, where)
            return
        if not isinstance(value, dict):
            return
        t = value.get("t")
        if t is None:
            for item in value.values():
                self._walk(item, where)
            return
        if t == "Cite":
            self._cite(value, where)
            return
        if t in ATTR_INDEX:
            self._attributes(value, where)
            if t == "Span" and "crossref" in value["c"][0][1]:
                self._crossref(value, where)
                return
            if t in ("Span", "Div") and "index" in value["c"][0][1]:
                self._index_mark(value, where)
        if t == "Link":
            self._link(value, where)
        elif t == "Image":
            # An image's description is words only: the reader stage moved its notes out, and a
            # figure's caption (the other copy of the same words) holds them.
            self._image(value, where)
            return
        content = value.get("c")
        if isinstance(content, (list, dict)):
            self._walk(content, where)

    def _note(self, note: Node, where: _Where) -> Node:
        found = self._found
        local = len(found.notes) + 1
        if where.cite is not None:
            kind, label, place, call = "citation", None, where.cite, where.cite
        else:
            kind, label, place, call = self._footnote_source(where)
        blocks = note["c"]
        found.notes.append(Note(seq=local, number=local, chapter=0, kind=kind, label=label,
                                blocks=blocks, place=place, call=call))
        self._walk(blocks, _Where(place, _Locator(self.source.lines, place), note=local))
        ref: Node = {"t": "NoteRef", "c": local}
        found.noterefs.append((ref, local))
        return ref

    def _footnote_source(self, where: _Where) -> tuple[str, str | None, Place, Place]:
        call = next(self.calls, None)
        if call is None:                        # the scan missed a call: fall back to the block
            return "footnote", None, where.place, where.place
        call_place = Place(self.source.name, call.line)
        if call.label is None:                  # an inline note, ^[...]
            return "footnote", None, call_place, call_place
        definition = self.definitions[call.label]
        text = Place(self.source.name, definition.line, definition.end_line)
        return "footnote", call.label, text, call_place

    def _cite(self, cite: Node, where: _Where) -> None:
        found = self._found
        citations, content = cite["c"]
        places = [Place(self.source.name, where.locator.line_of("@" + c["citationId"]))
                  for c in citations]
        before = len(found.notes)
        first = places[0] if places else where.place
        self._walk(content, _Where(where.place, where.locator, where.note, cite=first))
        note = before + 1 if len(found.notes) > before else where.note
        found.citations.extend(LocalCitation(c["citationId"], place, note)
                               for c, place in zip(citations, places, strict=True))

    def _attributes(self, node: Node, where: _Where) -> None:
        attr = node["c"][ATTR_INDEX[node["t"]]]
        anchor_id = attr[0]
        if not anchor_id:
            return
        explicit = anchor_id in self.explicit_ids
        line = where.locator.line_of("#" + anchor_id) if explicit else where.place.line
        self._found.id_uses.append(IdUse(anchor_id, Place(self.source.name, line), attr, explicit,
                                         node["t"], node, where.note))

    def _crossref(self, span: Node, where: _Where) -> None:
        settings = dict(span["c"][0][2])
        target = settings.get("target", "")
        place = Place(self.source.name, where.locator.line_of("@" + target))
        self._found.crossrefs.append(LocalCrossRef(target, settings.get("form", "label"), place))

    def _index_mark(self, node: Node, where: _Where) -> None:
        attr, content = node["c"]
        settings = dict(attr[2])
        term = settings.get("term") or _marked_words(content if node["t"] == "Span" else [])
        line = where.place.line
        for name in ("term", "see", "see-also"):
            if name in settings:
                line = where.locator.line_of(settings[name])
                break
        end: Node | None = None
        closed = True
        if node["t"] == "Div":                  # a range: an anchor where it ends
            closed = _fence_closes(self.source.lines, where.place.line or 1)
            end = {"t": "Span", "c": [["", ["index-end"], []], []]}
            last = content[-1] if content else None
            if last is not None and last["t"] in ("Para", "Plain"):
                last["c"].append(end)
            else:
                content.append({"t": "Plain", "c": [end]})
        self._found.index_marks.append(LocalIndexMark(
            " ".join(term.split()), settings.get("sort"), settings.get("see"),
            settings.get("see-also"), Place(self.source.name, line), node, end, str(attr[0]),
            closed, where.note))

    def _link(self, link: Node, where: _Where) -> None:
        url = link["c"][2][0]
        if is_internal(url):
            place = Place(self.source.name, where.locator.line_of(url))
            self._found.links.append(LinkNode(url, place, link))

    def _image(self, image: Node, where: _Where) -> None:
        src = image["c"][2][0]
        place = Place(self.source.name, where.locator.line_of(src))
        self._found.images.append(LocalImage(src, place, stringify(image["c"][1])))


_FENCE = re.compile(r"^\s*:{3,}\s*(\S?)")


def _fence_closes(lines: list[str], start: int) -> bool:
    """Whether the fenced div opened on line `start` is closed (pandoc would silently run an
    unclosed one to the end of the chapter)."""
    depth = 0
    for line in lines[start - 1:]:
        fence = _FENCE.match(line)
        if fence is None:
            continue
        depth += 1 if fence.group(1) else -1
        if depth == 0:
            return True
    return False


def is_internal(url: str) -> bool:
    """A link inside the book: to an anchor, or to a chapter file (which may not exist)."""
    if url.startswith("#"):
        return True
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and parts.path.endswith((".md", ".markdown"))


def _marked_words(inlines: list[Node]) -> str:
    """The words a span marks for the index, its italics kept as `*...*` (`index.terms`).
    The pieces are joined before the spaces are squeezed: a Space alone reads as " "."""
    text = "".join(f"*{stringify(node['c'])}*" if node["t"] == "Emph"
                   else "".join(iter_text([node], frozenset({"Note", "NoteRef"})))
                   for node in inlines)
    return " ".join(text.replace("\u2060", "").split())
