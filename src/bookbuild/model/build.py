"""Model stage: turn each chapter's pandoc AST into the book model.

One walk per chapter, in reading order, does everything: it gives each block its lines, pulls the
notes out (author footnotes and citation notes share one sequence), records citations, anchors,
links and images with their lines. Then book-wide passes make every id unique, point the links
at the final ids and number the notes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bookbuild.ast import ATTR_INDEX, Node, stringify
from bookbuild.config import BookConfig
from bookbuild.diagnostics import Diagnostic, Place, error
from bookbuild.model import Anchor, Block, Book, Chapter, CitationUse, ImageUse, LinkUse, Note, Section
from bookbuild.model.imagefiles import image_problem
from bookbuild.parse.bibliography import Bibliography
from bookbuild.parse.scan import FootnoteRef, Kind, scan
from bookbuild.parse.sourcemap import block_spans
from bookbuild.parse.sources import SourceFile
from bookbuild.parse.words import WordIndex

# Ids the editions use for their own elements; a manuscript id must not take them.
_RESERVED_IDS = {"contents", "endnotes", "bibliography", "main", "cover", "title-page",
                 "half-title", "copyright", "landmarks", "toc", "page-list", "top", "refs",
                 "endnotes-title", "bibliography-title", "contents-title", "toc-title"}
_RESERVED_ID = re.compile(r"(note|noteref|endnotes|page)-\d+|ref-.*")
# Page names the HTML and EPUB editions use for their own pages.
_RESERVED_PAGES = {"index", "notes", "bibliography", "contents", "nav", "cover", "title", "toc"}


def is_reserved_id(anchor_id: str) -> bool:
    return anchor_id in _RESERVED_IDS or bool(_RESERVED_ID.fullmatch(anchor_id))


def build_book(config: BookConfig, sources: list[SourceFile], parsed: list[list[Node]],
               bibliography: Bibliography | None) -> Book:
    builder = _BookBuilder(config, sources)
    chapters = [_ChapterReader(builder, i, source, blocks).read()
                for i, (source, blocks) in enumerate(zip(sources, parsed, strict=True))]
    builder.finish(chapters)
    return Book(config=config, chapters=chapters, notes=builder.notes,
                citations=builder.citations, anchors=builder.anchors,
                id_clashes=builder.id_clashes, reserved_ids=builder.reserved_ids,
                links=builder.links, images=builder.images,
                bibliography=bibliography, bibliography_blocks=[],
                diagnostics=builder.diagnostics)


@dataclass
class _IdUse:
    id: str
    chapter: int
    place: Place
    attr: list[object]          # the node's attributes, rewritten when the id must change
    explicit: bool


@dataclass
class _LinkNode:
    target: str | None          # None: the chapter itself
    chapter: int                # the chapter whose ids the target refers to
    source_chapter: int
    place: Place
    node: Node
    url: str


class _BookBuilder:
    """State shared by the chapter walks, and the book-wide passes that follow them."""

    def __init__(self, config: BookConfig, sources: list[SourceFile]) -> None:
        self.config = config
        self.chapter_by_file = {source.name: i for i, source in enumerate(sources)}
        self.notes: list[Note] = []
        self.citations: list[CitationUse] = []
        self.images: list[ImageUse] = []
        self.id_uses: list[_IdUse] = []
        self.link_nodes: list[_LinkNode] = []
        self.diagnostics: list[Diagnostic] = []
        self.anchors: dict[str, Anchor] = {}
        self.explicit_ids: set[str] = set()
        self.id_clashes: list[tuple[Anchor, Anchor]] = []
        self.reserved_ids: list[Anchor] = []
        self.links: list[LinkUse] = []

    def finish(self, chapters: list[Chapter]) -> None:
        renames = self._assign_ids(len(chapters))
        pages: set[str] = set()
        for chapter in chapters:
            chapter.id = self._chapter_id(chapter)
            chapter.sections = [Section(b.node["c"][1][0], 2, b.node["c"][2]) for b in chapter.blocks
                                if b.node["t"] == "Header" and b.node["c"][0] == 2]
            while chapter.page in pages:
                chapter.page += "-2"
            pages.add(chapter.page)
        self._resolve_links(renames, chapters)
        self._number_notes()

    def _chapter_id(self, chapter: Chapter) -> str:
        """The id of the chapter's heading; one is made up when the heading is missing."""
        heading = chapter.blocks[0].node if chapter.blocks else None
        if heading and heading["t"] == "Header" and heading["c"][0] == 1 and heading["c"][1][0]:
            return str(heading["c"][1][0])
        chapter_id = self._unique(chapter.page)
        self.anchors[chapter_id] = Anchor(chapter_id, chapter.index, Place(chapter.file, 1), False)
        return chapter_id

    # -- ids -----------------------------------------------------------------------------------

    def _assign_ids(self, chapter_count: int) -> list[dict[str, str]]:
        """Make every id unique in the book; explicit ids win over generated ones.

        Returns, per chapter, the generated ids that had to change (old -> new), so links
        written against pandoc's per-file ids can follow them.
        """
        self.explicit_ids = explicit = {use.id for use in self.id_uses if use.explicit}
        renames: list[dict[str, str]] = [{} for _ in range(chapter_count)]
        for use in self.id_uses:
            taken = use.id in self.anchors or is_reserved_id(use.id)
            if use.explicit:
                new_id = self._unique(use.id) if taken else use.id
                anchor = Anchor(new_id, use.chapter, use.place, True)
                first = self.anchors.get(use.id)
                if first is not None and first.explicit:
                    self.id_clashes.append((first, Anchor(use.id, use.chapter, use.place, True)))
                elif is_reserved_id(use.id):
                    self.reserved_ids.append(Anchor(use.id, use.chapter, use.place, True))
            else:
                new_id = self._unique(use.id) if taken or use.id in explicit else use.id
                anchor = Anchor(new_id, use.chapter, use.place, False)
                if new_id != use.id:
                    renames[use.chapter].setdefault(use.id, new_id)
            use.attr[0] = new_id
            self.anchors[new_id] = anchor
        return renames

    def _unique(self, base: str) -> str:
        if is_reserved_id(f"{base}-1"):         # "endnotes", "page"...: every suffix is taken
            base += "-id"
        number = 1
        while (candidate := f"{base}-{number}") in self.anchors or candidate in self.explicit_ids \
                or is_reserved_id(candidate):
            number += 1
        return candidate

    def _resolve_links(self, renames: list[dict[str, str]], chapters: list[Chapter]) -> None:
        for link in self.link_nodes:
            if link.target is None:             # a link to a chapter file: its heading
                target = chapters[link.chapter].id
            else:
                target = renames[link.chapter].get(link.target, link.target)
            link.node["c"][2][0] = "#" + target
            self.links.append(LinkUse(target, link.source_chapter, link.place, link.url))

    # -- notes ---------------------------------------------------------------------------------

    def add_note(self, note: Note) -> None:
        self.notes.append(note)

    def _number_notes(self) -> None:
        per_chapter = self.config.note_numbering == "chapter"
        counters: dict[int, int] = {}
        for note in self.notes:
            key = note.chapter if per_chapter else 0
            counters[key] = counters.get(key, 0) + 1
            note.number = counters[key]


@dataclass
class _Where:
    """Where the walk is: the lines being read, and the note or citation it is inside."""

    place: Place
    locator: _Locator
    note: int | None = None             # seq of the enclosing note
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

    def __init__(self, book: _BookBuilder, index: int, source: SourceFile, blocks: list[Node]) -> None:
        self.book = book
        self.index = index
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

    def read(self) -> Chapter:
        spans = block_spans(self.blocks, self.source.lines, self.scan, self.words)
        blocks: list[Block] = []
        for node, span in zip(self.blocks, spans, strict=True):
            place = Place(self.source.name, span.start, span.end)
            self._walk(node, _Where(place, _Locator(self.source.lines, place)))
            blocks.append(Block(node, place))
        title, title_text = self._title(blocks)
        return Chapter(index=self.index, source=self.source, id="", page=_page_name(self.source.name),
                       title=title, title_text=title_text, blocks=blocks, sections=[],
                       scan=self.scan, words=self.words, note_words=self.note_words)

    def _title(self, blocks: list[Block]) -> tuple[list[Node], str]:
        first = blocks[0] if blocks else None
        if first and first.node["t"] == "Header" and first.node["c"][0] == 1:
            return first.node["c"][2], stringify(first.node["c"][2])
        place = first.place if first else Place(self.source.name, 1)
        self.book.diagnostics.append(error(
            "missing-heading", f"{self.source.name} does not open with a level-1 heading; make its "
            "first line the chapter title, written '# Title'", Place(place.file, place.line)))
        fallback = self.source.path.stem
        return [{"t": "Str", "c": fallback}], fallback

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
        seq = len(self.book.notes) + 1
        if where.cite is not None:
            kind, label, place, call = "citation", None, where.cite, where.cite
        else:
            kind, label, place, call = self._footnote_source(where)
        blocks = note["c"]
        self.book.add_note(Note(seq=seq, number=seq, chapter=self.index, kind=kind, label=label,
                                blocks=blocks, place=place, call=call))
        self._walk(blocks, _Where(place, _Locator(self.source.lines, place), note=seq))
        return {"t": "NoteRef", "c": seq}

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
        citations, content = cite["c"]
        places = [Place(self.source.name, where.locator.line_of("@" + c["citationId"]))
                  for c in citations]
        before = len(self.book.notes)
        first = places[0] if places else where.place
        self._walk(content, _Where(where.place, where.locator, where.note, cite=first))
        note = before + 1 if len(self.book.notes) > before else where.note
        self.book.citations.extend(CitationUse(c["citationId"], place, self.index, note)
                                   for c, place in zip(citations, places, strict=True))

    def _attributes(self, node: Node, where: _Where) -> None:
        attr = node["c"][ATTR_INDEX[node["t"]]]
        anchor_id = attr[0]
        if not anchor_id:
            return
        explicit = anchor_id in self.explicit_ids
        line = where.locator.line_of("#" + anchor_id) if explicit else where.place.line
        self.book.id_uses.append(_IdUse(anchor_id, self.index, Place(self.source.name, line),
                                        attr, explicit))

    def _link(self, link: Node, where: _Where) -> None:
        url = link["c"][2][0]
        target = self._internal_target(url)
        if target is None:
            return
        chapter, anchor_id = target
        place = Place(self.source.name, where.locator.line_of(url))
        self.book.link_nodes.append(_LinkNode(anchor_id, chapter, self.index, place, link, url))

    def _internal_target(self, url: str) -> tuple[int, str | None] | None:
        """(chapter whose ids apply, id) for a link inside the book, else None."""
        if url.startswith("#"):
            return self.index, unquote(url[1:])
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.endswith((".md", ".markdown")):
            return None
        path = (self.book.config.root / unquote(parts.path)).resolve()
        name = path.relative_to(self.book.config.root).as_posix() \
            if path.is_relative_to(self.book.config.root) else parts.path
        chapter = self.book.chapter_by_file.get(name)
        if chapter is None:
            return self.index, parts.path   # reported as a broken link
        return chapter, unquote(parts.fragment) if parts.fragment else None

    def _image(self, image: Node, where: _Where) -> None:
        src = image["c"][2][0]
        place = Place(self.source.name, where.locator.line_of(src))
        parts = urlsplit(src)
        path: Path | None = None
        problem = None
        if not parts.scheme and not parts.netloc:
            candidate = (self.book.config.root / unquote(parts.path)).resolve()
            path = candidate if candidate.is_relative_to(self.book.config.root) else None
        if path is not None and path.is_file():
            problem = image_problem(path, self.book.config.relative(path))
            path = None if problem else path    # never embedded, even in a draft
        self.book.images.append(ImageUse(src, self.index, place, path, stringify(image["c"][1]),
                                         problem))


def _page_name(name: str) -> str:
    """A page name from the chapter's file name: ASCII, lower case, no folders."""
    stem = name.rsplit(".", 1)[0].replace("/", "-")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    page = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-").lower() or "chapter"
    return f"{page}-chapter" if page in _RESERVED_PAGES else page
