"""Model stage, step 2: the book-wide passes that place each chapter's reading in the book.

Each chapter's reading (`model.read`) depends on that chapter alone and may come from the build
cache; these passes are what crosses chapters: the notes numbered in one sequence, every id made
unique in the book, the links pointed at the final ids (a link to another chapter file resolved),
the images looked at. Every pass sets its results from the reading's own values and never from
what an earlier pass wrote, so a reading kept in memory can be placed again, in another book.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bookbuild.ast import stringify
from bookbuild.config import BookConfig
from bookbuild.diagnostics import Diagnostic, Place
from bookbuild.model import (
    CROSSREF_KINDS,
    Anchor,
    Book,
    Chapter,
    CitationUse,
    CrossRef,
    ImageUse,
    IndexMark,
    Label,
    LinkUse,
    Note,
    Section,
)
from bookbuild.model.imagefiles import image_problem
from bookbuild.model.read import ChapterReading, IdUse, LinkNode, LocalIndexMark
from bookbuild.parse.bibliography import Bibliography
from bookbuild.parse.sources import SourceFile

# Ids the editions use for their own elements; a manuscript id must not take them.
_RESERVED_IDS = {"contents", "endnotes", "bibliography", "main", "cover", "title-page",
                 "half-title", "copyright", "landmarks", "toc", "page-list", "top", "refs",
                 "endnotes-title", "bibliography-title", "contents-title", "toc-title",
                 "book-index", "book-index-title"}
_RESERVED_ID = re.compile(r"(note|noteref|endnotes|page)-\d+|index-\d+(-end)?|ref-.*")
# Page names the HTML and EPUB editions use for their own pages.
_RESERVED_PAGES = {"index", "notes", "bibliography", "contents", "nav", "cover", "title", "toc",
                   "book-index"}


def is_reserved_id(anchor_id: str) -> bool:
    return anchor_id in _RESERVED_IDS or bool(_RESERVED_ID.fullmatch(anchor_id))


def build_book(config: BookConfig, sources: list[SourceFile], readings: list[ChapterReading],
               bibliography: Bibliography | None) -> Book:
    """The book from each chapter's reading, in reading order (`sources[i]` read as
    `readings[i]`)."""
    builder = _BookBuilder(config, sources)
    chapters = [builder.place(i, source, reading)
                for i, (source, reading) in enumerate(zip(sources, readings, strict=True))]
    builder.finish(chapters)
    return Book(config=config, chapters=chapters, notes=builder.notes,
                citations=builder.citations, anchors=builder.anchors,
                id_clashes=builder.id_clashes, reserved_ids=builder.reserved_ids,
                links=builder.links, images=builder.images,
                bibliography=bibliography, bibliography_blocks=[],
                diagnostics=builder.diagnostics, crossrefs=builder.crossrefs,
                labels=builder.labels, index_marks=builder.index_marks)


@dataclass
class _Placed:
    """A reading's ids and links, with the chapter they are in."""

    chapter: int
    id_uses: list[IdUse]
    links: list[LinkNode]
    note_offset: int = 0        # the notes placed before this chapter's


class _BookBuilder:
    """State shared by the chapters as they are placed, and the book-wide passes that follow."""

    def __init__(self, config: BookConfig, sources: list[SourceFile]) -> None:
        self.config = config
        self.chapter_by_file = {source.name: i for i, source in enumerate(sources)}
        self.notes: list[Note] = []
        self.citations: list[CitationUse] = []
        self.images: list[ImageUse] = []
        self.placed: list[_Placed] = []
        self.diagnostics: list[Diagnostic] = []
        self.anchors: dict[str, Anchor] = {}
        self.explicit_ids: set[str] = set()
        self.id_clashes: list[tuple[Anchor, Anchor]] = []
        self.reserved_ids: list[Anchor] = []
        self.links: list[LinkUse] = []
        self.crossrefs: list[CrossRef] = []
        self.labels: dict[str, Label] = {}
        self.index_marks: list[IndexMark] = []
        self.index_anchors: list[Anchor] = []     # ids given to index marks: none an author's

    def place(self, index: int, source: SourceFile, reading: ChapterReading) -> Chapter:
        """Put a chapter's reading at `index`: its notes after the notes placed so far."""
        chapter = reading.chapter
        chapter.index, chapter.source = index, source      # the source: this book's file
        chapter.page = _page_name(source.name)
        offset = len(self.notes)
        for local, note in enumerate(reading.notes, start=1):
            note.seq = note.number = offset + local
            note.chapter = index
        self.notes.extend(reading.notes)
        for ref, local in reading.noterefs:
            ref["c"] = offset + local
        self.citations.extend(
            CitationUse(c.key, c.place, index, None if c.note is None else offset + c.note)
            for c in reading.citations)
        self.images.extend(self._image(index, image.src, image.place, image.alt)
                           for image in reading.images)
        self.placed.append(_Placed(index, reading.id_uses, reading.links, offset))
        self.crossrefs.extend(CrossRef(c.target, c.form, index, c.place) for c in reading.crossrefs)
        for mark in reading.index_marks:
            self._index_mark(index, mark, offset)
        self.diagnostics.extend(reading.diagnostics)
        return chapter

    def _image(self, chapter: int, src: str, place: Place, alt: str) -> ImageUse:
        parts = urlsplit(src)
        path: Path | None = None
        problem = None
        if not parts.scheme and not parts.netloc:
            candidate = (self.config.root / unquote(parts.path)).resolve()
            path = candidate if candidate.is_relative_to(self.config.root) else None
        if path is not None and path.is_file():
            problem = image_problem(path, self.config.relative(path))
            path = None if problem else path    # never embedded, even in a draft
        return ImageUse(src, chapter, place, path, alt, problem)

    def finish(self, chapters: list[Chapter]) -> None:
        renames = self._assign_ids(len(chapters))
        self.anchors.update((anchor.id, anchor) for anchor in self.index_anchors)
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
        self._label()

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
        uses = [(placed, use) for placed in self.placed for use in placed.id_uses]
        self.explicit_ids = explicit = {use.id for _, use in uses if use.explicit}
        renames: list[dict[str, str]] = [{} for _ in range(chapter_count)]
        for placed, use in uses:
            chapter = placed.chapter
            note = None if use.note is None else placed.note_offset + use.note
            taken = use.id in self.anchors or is_reserved_id(use.id)
            if use.explicit:
                new_id = self._unique(use.id) if taken else use.id
                anchor = Anchor(new_id, chapter, use.place, True, use.kind, note)
                first = self.anchors.get(use.id)
                if first is not None and first.explicit:
                    self.id_clashes.append((first, Anchor(use.id, chapter, use.place, True)))
                elif is_reserved_id(use.id):
                    self.reserved_ids.append(Anchor(use.id, chapter, use.place, True))
            else:
                new_id = self._unique(use.id) if taken or use.id in explicit else use.id
                anchor = Anchor(new_id, chapter, use.place, False, use.kind, note)
                if new_id != use.id:
                    renames[chapter].setdefault(use.id, new_id)
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
        for placed in self.placed:
            for link in placed.links:
                chapter, anchor_id = self._internal_target(link.url, placed.chapter)
                if anchor_id is None:           # a link to a chapter file: its heading
                    target = chapters[chapter].id
                else:
                    target = renames[chapter].get(anchor_id, anchor_id)
                link.node["c"][2][0] = "#" + target
                self.links.append(LinkUse(target, placed.chapter, link.place, link.url))

    def _internal_target(self, url: str, source_chapter: int) -> tuple[int, str | None]:
        """(chapter whose ids apply, id; None: the chapter itself) of a link inside the book."""
        if url.startswith("#"):
            return source_chapter, unquote(url[1:])
        parts = urlsplit(url)
        root = self.config.root
        path = (root / unquote(parts.path)).resolve()
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else parts.path
        chapter = self.chapter_by_file.get(name)
        if chapter is None:
            return source_chapter, parts.path   # reported as a broken link
        return chapter, unquote(parts.fragment) if parts.fragment else None

    # -- index marks -----------------------------------------------------------------------------

    def _index_mark(self, chapter: int, mark: LocalIndexMark, note_offset: int) -> None:
        """Give the mark its anchor (and a range its end's), numbered through the book."""
        number = len(self.index_marks) + 1
        note = None if mark.note is None else note_offset + mark.note
        mark_id = mark.own_id or f"index-{number}"
        mark.node["c"][0][0] = mark_id
        end_id = None
        if mark.end is not None:
            end_id = f"index-{number}-end"
            mark.end["c"][0][0] = end_id
            self.index_anchors.append(Anchor(end_id, chapter, mark.place, False, "Span", note))
        if not mark.own_id:
            self.index_anchors.append(Anchor(mark_id, chapter, mark.place, False, mark.node["t"],
                                             note))
        levels = tuple(level.strip() for level in mark.term.split("!"))
        self.index_marks.append(IndexMark(mark_id, end_id, levels, mark.sort, mark.see,
                                          mark.see_also, chapter, mark.place, mark.closed, note))

    # -- cross-references ------------------------------------------------------------------------

    def _label(self) -> None:
        """Number the figures and tables whose explicit id has their prefix (fig-, tbl-), in
        reading order, through the book or within each chapter ("Figure 2.3"); a section's label
        is its title."""
        per_chapter = self.config.crossref_numbering == "chapter"
        counters: dict[tuple[str, int], int] = {}
        for placed in self.placed:
            for use in placed.id_uses:
                kind = CROSSREF_KINDS.get(use.id.split("-", 1)[0])
                if not use.explicit or kind is None or kind != use.kind:
                    continue
                final = str(use.attr[0])
                if kind == "Header":
                    title = use.node["c"][2] if use.node is not None else []
                    self.labels[final] = Label(kind, "", stringify(title))
                    continue
                key = (kind, placed.chapter if per_chapter else 0)
                counters[key] = counters.get(key, 0) + 1
                number = f"{placed.chapter + 1}.{counters[key]}" if per_chapter else str(counters[key])
                self.labels[final] = Label(kind, number, f"{kind} {number}")

    # -- notes ---------------------------------------------------------------------------------

    def _number_notes(self) -> None:
        per_chapter = self.config.note_numbering == "chapter"
        counters: dict[int, int] = {}
        for note in self.notes:
            key = note.chapter if per_chapter else 0
            counters[key] = counters.get(key, 0) + 1
            note.number = counters[key]


def _page_name(name: str) -> str:
    """A page name from the chapter's file name: ASCII, lower case, no folders."""
    stem = name.rsplit(".", 1)[0].replace("/", "-")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    page = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_stem).strip("-").lower() or "chapter"
    return f"{page}-chapter" if page in _RESERVED_PAGES else page
