"""Model stage: the one book model that every check and every writer reads.

The manuscript is parsed once; this model holds the result: chapters of blocks (pandoc JSON with
notes replaced by `NoteRef` nodes), the notes numbered once for the whole book, the citations,
anchors, links and images, each with the manuscript file and line it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.ast import Node, iter_text
from bookbuild.config import BookConfig
from bookbuild.diagnostics import Diagnostic, Place
from bookbuild.model.imagefiles import ImageProblem
from bookbuild.parse.bibliography import Bibliography
from bookbuild.parse.scan import Scan
from bookbuild.parse.sources import SourceFile
from bookbuild.parse.words import WordIndex


@dataclass
class Block:
    """A top-level block of a chapter and the manuscript lines it was written on."""

    node: Node
    place: Place


@dataclass
class Section:
    """A heading below the chapter title, for tables of contents."""

    id: str
    level: int
    title: list[Node]


@dataclass
class Chapter:
    index: int                  # 0-based, in reading order
    source: SourceFile
    id: str                     # the chapter heading's id, unique in the book
    page: str                   # file stem of its page in the HTML and EPUB editions
    title: list[Node]           # the heading's inlines
    title_text: str
    blocks: list[Block]
    sections: list[Section]
    scan: Scan = field(repr=False)
    words: WordIndex = field(repr=False)        # words of the text lines
    note_words: WordIndex = field(repr=False)   # words of the footnote definitions
    key: str = field(default="", repr=False)    # the build cache's key of its text and AST ("": none)

    @property
    def file(self) -> str:
        return self.source.name


@dataclass
class Note:
    """An endnote: written by the author (`footnote`) or generated from a citation."""

    seq: int                    # 1-based position in the book; ids are note-<seq>, noteref-<seq>
    number: int                 # the number printed, by the book's numbering policy
    chapter: int
    kind: str                   # "footnote" or "citation"
    label: str | None           # the author's label, e.g. "12" for [^12]
    blocks: list[Node]
    place: Place                # where its text is written
    call: Place                 # where it is called


@dataclass(frozen=True)
class CitationUse:
    key: str
    place: Place
    chapter: int
    note: int | None            # seq of the note the citation renders in


@dataclass(frozen=True)
class Anchor:
    id: str
    chapter: int
    place: Place
    explicit: bool              # written as {#id} in the manuscript, not generated
    kind: str = ""              # the node it is on: "Figure", "Table", "Header", "Span"...
    note: int | None = None     # the sequence number of the note it stands in, if any


# Cross-reference prefixes (Quarto's): the kind of element each names.
CROSSREF_KINDS = {"fig": "Figure", "tbl": "Table", "sec": "Header"}
PAGE_PREFIX = "page-"


@dataclass(frozen=True)
class IndexMark:
    """An index mark: the entry it adds to (levels split at "!", as makeindex does) and where."""

    id: str                     # the anchor at the mark (`index-<n>` unless the author gave one)
    end_id: str | None          # a range's end anchor (a fenced div), else None
    levels: tuple[str, ...]     # ("Soviets", "and factory committees"): three at most
    sort: str | None            # the sort key, when given (`sort="..."`)
    see: str | None             # `see="..."`: a cross-reference instead of a locator
    see_also: str | None
    chapter: int
    place: Place
    closed: bool = True         # a range whose fenced div has its closing fence
    note: int | None = None     # the sequence number of the note it stands in, if any

    @property
    def term(self) -> str:
        return "!".join(self.levels)


@dataclass(frozen=True)
class Label:
    """What a cross-reference to a figure, a table or a section prints."""

    kind: str                   # "Figure", "Table" or "Header" (the node type)
    number: str                 # "3", or "2.3" when numbered by chapter; "" for a section
    text: str                   # "Figure 3", "Table 1", or a section's title


@dataclass(frozen=True)
class CrossRef:
    """@fig-map, [-@tbl-wages], @sec-terror or @page-terror, where it is written."""

    key: str                    # as written after @
    form: str                   # "label" (Figure 3) or "number" (3)
    chapter: int
    place: Place

    @property
    def page(self) -> bool:
        """A page reference: p. 142 in print, to the element whose id follows `page-`."""
        return self.key.startswith(PAGE_PREFIX)

    @property
    def target(self) -> str:
        """The id it points to."""
        return self.key[len(PAGE_PREFIX):] if self.page else self.key


@dataclass(frozen=True)
class LinkUse:
    target: str                 # the id the link points to
    chapter: int
    place: Place
    url: str                    # as written in the manuscript


@dataclass(frozen=True)
class ImageUse:
    src: str                    # as written in the manuscript
    chapter: int
    place: Place
    path: Path | None           # inside the manuscript and fit for every edition, else None
    alt: str                    # its text alternative (the image's description)
    problem: ImageProblem | None = None     # why a file inside the folder cannot be used


@dataclass
class PrintPages:
    """Where the print edition put things, recorded when it is laid out, so the screen editions
    can carry print page numbers. Folios are labels: "1", "2"... (front matter is not counted)."""

    folios: list[str]                               # every page of the PDF, in order
    anchors: dict[str, str]                         # id -> folio of the page it lands on
    breaks: list[tuple[str, str, int]]              # (folio, block key, words of the block before it)
    blocks: dict[str, tuple[str, str]]              # block key -> (first folio, last folio)


_NOTE_TEXT_SKIP = frozenset({"Note", "NoteRef", "Image"})


def block_key(chapter: int, block: int) -> str:
    """The key of a chapter's top-level block; notes are "n<seq>", bibliography entries "r<i>"."""
    return f"c{chapter}-{block}"


@dataclass
class Book:
    config: BookConfig
    chapters: list[Chapter]
    notes: list[Note]
    citations: list[CitationUse]
    anchors: dict[str, Anchor]
    id_clashes: list[tuple[Anchor, Anchor]]       # (first, second) explicit ids given twice
    reserved_ids: list[Anchor]                    # explicit ids that take an edition's own name
    links: list[LinkUse]
    images: list[ImageUse]
    bibliography: Bibliography | None
    bibliography_blocks: list[Node]               # the formatted entries of works cited
    diagnostics: list[Diagnostic]                 # what parsing found
    print_pages: PrintPages | None = None         # set when the PDF is laid out
    crossrefs: list[CrossRef] = field(default_factory=list)
    labels: dict[str, Label] = field(default_factory=dict)    # by id: numbered figures...
    index_marks: list[IndexMark] = field(default_factory=list)
    _note_texts: tuple[PrintPages | None, list[str]] | None = field(default=None, repr=False,
                                                                   compare=False)

    @property
    def note_texts(self) -> list[str]:
        """Each note's text as its reader sees it, in the order of `notes` (an image shows a
        picture, not its description; a cross-reference its words, a page reference the print
        page once the print edition is laid out): what every edition is verified against."""
        memo = self._note_texts
        if memo is None or memo[0] is not self.print_pages:
            memo = self._note_texts = (self.print_pages, [
                re.sub(r"\s+", " ", "".join(iter_text(self._crossrefs_as_words(note.blocks),
                                                       _NOTE_TEXT_SKIP))).strip()
                for note in self.notes])
        return memo[1]

    @property
    def has_page_refs(self) -> bool:
        """Whether any cross-reference prints a print page (`@page-...`)."""
        return any(ref.page for ref in self.crossrefs)

    def crossref_text(self, key: str, form: str) -> str:
        """What a screen edition prints for `@key` (`form` "label" or "number"): "Figure 3",
        "3", a section's title, or "p. 142" from the print edition's page map when it is known,
        else the target's label or "this passage" (`render.crossrefs`)."""
        if key.startswith(PAGE_PREFIX):
            target = key[len(PAGE_PREFIX):]
            folio = self.print_pages.anchors.get(target) if self.print_pages is not None else None
            if folio is not None:
                return f"p.\u00a0{folio}"
            label = self.labels.get(target)
            return label.text if label is not None else "this passage"
        label = self.labels.get(key)
        if label is None:
            return "@" + key                    # a draft written despite `unknown-crossref`
        return label.number if form == "number" and label.number else label.text

    def _crossrefs_as_words(self, value: object) -> object:
        """`value` with each cross-reference span replaced by the words it prints."""
        if isinstance(value, list):
            return [self._crossrefs_as_words(item) for item in value]
        if not isinstance(value, dict):
            return value
        if value.get("t") == "Span" and "crossref" in value["c"][0][1]:
            settings = dict(value["c"][0][2])
            return {"t": "Str", "c": self.crossref_text(settings.get("target", ""),
                                                        settings.get("form", "label"))}
        if "c" not in value:
            return value
        return {**value, "c": self._crossrefs_as_words(value["c"])}

    def chapter_of_anchor(self, anchor_id: str) -> Chapter | None:
        anchor = self.anchors.get(anchor_id)
        return self.chapters[anchor.chapter] if anchor else None

    def notes_of(self, chapter: Chapter) -> list[Note]:
        return [note for note in self.notes if note.chapter == chapter.index]

    def chapter_view(self, chapter: Chapter) -> Book:
        """The book as one chapter sees it alone: its blocks, notes, citations and images, the
        bibliography; no anchors or links (those cross chapters)."""
        return Book(config=self.config, chapters=[chapter], notes=self.notes_of(chapter),
                    citations=[c for c in self.citations if c.chapter == chapter.index],
                    anchors={}, id_clashes=[], reserved_ids=[], links=[],
                    images=[i for i in self.images if i.chapter == chapter.index],
                    bibliography=self.bibliography, bibliography_blocks=[], diagnostics=[])
