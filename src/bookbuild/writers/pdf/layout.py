"""Write stage, PDF: lay the book out and write it as PDF/X.

The book is laid out in parts with WeasyPrint and joined: the text first (its folios start at 1),
then the back matter (its note running heads need the pages of the note calls), then the front
matter (its contents need every part's pages, in roman folios). Blank pages keep every part
opening on a recto and the page count even. The gutter follows the page count; if the first
estimate proves wrong the parts are laid out again. The print page of every element is recorded
in the model for the screen editions. `finish` sets the page boxes, the output intent and the
page labels (the folios: roman in the front matter, arabic from the text's first page).
"""

from __future__ import annotations

import dataclasses
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from markupsafe import Markup
from weasyprint import Document, Page

from bookbuild.diagnostics import BookError, error
from bookbuild.model import Book, Chapter, PrintPages
from bookbuild.printspec import minimum_gutter
from bookbuild.render.html import balanced_lines
from bookbuild.render.view import EditionView, NoteGroup
from bookbuild.resources import style_file
from bookbuild.writers.base import WriteContext
from bookbuild.writers.links import DocumentLinks
from bookbuild.writers.pdf.finish import finisher
from bookbuild.writers.pdf.geometry import Geometry, estimate_pages, geometry, guess_folios
from bookbuild.writers.pdf.pages import PartPages, read_pages
from bookbuild.writers.pdf.parts import PartRenderer
from bookbuild.writers.pdf.retype import retype_page_refs
from bookbuild.writers.pdf.tagging import tagged_for_readers
from bookbuild.writers.pdf.variants import Variant


@dataclass
class _Chapter:
    title: str              # the running head of its rectos
    html: Markup
    notes: NoteGroup | None  # when notes go at the end of each chapter
    verso: str = ""         # the running head of its versos


@dataclass
class _ContentsEntry:
    title: Markup
    href: str
    page: str


@dataclass
class Layout:
    """The laid-out parts and the folio of every page of the joined book."""

    pages: list[Page] = field(default_factory=list)
    folios: list[str] = field(default_factory=list)
    first: Document | None = None
    print_pages: PrintPages | None = None
    renderer: PartRenderer | None = None    # released (its font files removed) once written

    def add(self, document: Document, folios: list[str]) -> None:
        self.first = self.first or document
        self.pages.extend(document.pages)
        self.folios.extend(folios)


# Layouts at most, when page references (@page-...) print page numbers that move pages.
PAGE_REF_PASSES = 4


def write_pdf(book: Book, path: Path, context: WriteContext, variant: Variant) -> None:
    """Lay the book out and write it to `path` as `variant`.

    A page reference prints the page of its target, known only once the book is laid out: the
    first layout prints a guess (`geometry.guess_folios`), and the folio found is set in its
    box (`retype`) when it is as wide as the guess. When one is not, as TeX does, the book is
    laid out again printing the pages of the last layout (the layout cache lays out again only
    the pieces whose text changed), until every number is set; the page map is published once,
    from the last layout. Raises BookError (page-ref-unsettled) when numbers still move
    after PAGE_REF_PASSES layouts."""
    if not book.has_page_refs:
        _write_pdf(book, path, context, variant)
        return
    publish, maps = context.laid_out, list[PrintPages | None]()
    quiet = dataclasses.replace(context, laid_out=maps.append)
    for _ in range(PAGE_REF_PASSES):
        unresolved = _write_pdf(book, path, quiet, variant)
        if not unresolved:
            break
    else:
        raise _unsettled(book, unresolved)
    if publish is not None and maps:
        publish(maps[-1])


def _unsettled(book: Book, targets: set[str]) -> BookError:
    """The page references whose numbers still move the pages they name: the sentence around
    each grows or shrinks by a line as its number changes (exceedingly rare)."""
    return BookError([error(
        "page-ref-unsettled",
        f"the page number of @page-{ref.target} moves the page it names each time it is set "
        f"(after {PAGE_REF_PASSES} layouts): reword the sentence around it, or point it at a "
        "nearby element", ref.place) for ref in book.crossrefs if ref.page and ref.target in targets])


def _write_pdf(book: Book, path: Path, context: WriteContext, variant: Variant) -> set[str]:
    """Lay the book out and write it to `path` as `variant`: in parts, in parallel, when the
    book has several chapters and the machine several cores. The reader PDF is laid out in one
    process and written in one go, so that its structure tree is one tree (`tagging`): the
    parts' trees joined would need every page's and link's key in the parent tree renumbered,
    and the IDs of table headers, which WeasyPrint numbers per file, made unique.

    Returns the targets of the page references that print a folio other than their target's
    (not set again in their box: `retype`)."""
    config = book.config
    bleed = variant.bleed(config.bleed)
    words = sum(len(c.words.words) for c in book.chapters)
    note_words = sum(len(c.note_words.words) for c in book.chapters) + 25 * len(book.notes)
    shape = geometry(config, estimate_pages(words, note_words, config), bleed, variant.crop_marks)
    from bookbuild.writers.pdf.split import plan_gatherings, plan_parts, write_in_parts
    if len(plan_parts(book, 1 if variant.reader else context.jobs)) > 1:
        plan = plan_gatherings(book)
        with tempfile.TemporaryDirectory(prefix=".parts-", dir=path.parent) as work:
            written = write_in_parts(book, path, context, variant, shape, plan, Path(work))
            if minimum_gutter(written.pages) != minimum_gutter(shape.pages):
                # The real page count needs another gutter: nothing was written; again.
                shape = geometry(config, written.pages, bleed, variant.crop_marks)
                written = write_in_parts(book, path, context, variant, shape, plan, Path(work))
        return written.unresolved
    layout = lay_out(book, shape, context, variant)
    if minimum_gutter(len(layout.folios)) != minimum_gutter(shape.pages):
        shape = geometry(config, len(layout.folios), bleed, variant.crop_marks)
        _release(layout)
        layout = lay_out(book, shape, context, variant)
    try:
        assert layout.print_pages is not None
        # Only a book with page references has boxes to look for (a walk of every box).
        unresolved = (retype_page_refs(layout.pages, layout.print_pages.anchors)
                      if book.has_page_refs else set())
        _write(book, layout, path, context, variant, shape)
    finally:
        _release(layout)
    return unresolved


def _release(layout: Layout) -> None:
    if layout.renderer is not None:
        layout.renderer.release()


def _write(book: Book, layout: Layout, path: Path, context: WriteContext, variant: Variant,
           shape: Geometry) -> None:
    config = book.config
    assert layout.first is not None
    book.print_pages = layout.print_pages       # every variant: its page references read it
    if variant.name == "pdf" and context.laid_out is not None:
        context.laid_out(layout.print_pages)
    document = layout.first.copy(layout.pages)
    document_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bookbuild:{config.slug}:{variant.name}"))
    if not variant.reader:
        document.write_pdf(str(path), pdf_variant=variant.pdf_variant, pdf_version=variant.pdf_version,
                           finisher=finisher(shape, variant.crop_marks, document_id, layout.folios,
                                             flat=variant.flat))
        return
    with tagged_for_readers(document.pages) as structure:
        document.write_pdf(str(path), pdf_variant=variant.pdf_variant,
                           finisher=finisher(shape, variant.crop_marks, document_id, layout.folios,
                                             structure))


def lay_out(book: Book, shape: Geometry, context: WriteContext, variant: Variant) -> Layout:
    """Lay out the text as one document, then the back matter, then the front matter."""
    view = pdf_view(book)
    parts = PartRenderer(book, view, shape, variant.crop_marks, context.iso, context.progress,
                         reader=variant.reader)
    pad = parts.render("pdf/pad.html")
    text = parts.render("pdf/main.html", chapters=text_chapters(view, book.chapters))
    text_pages = read_pages(text)
    text_folios = [str(i + 1) for i in range(len(text.pages) + len(text.pages) % 2)]
    matter = lay_out_matter(book, view, parts, text_pages, text_folios)

    layout = Layout(renderer=parts)
    layout.add(matter.front, matter.front_folios[:len(matter.front.pages)])
    if len(matter.front.pages) % 2:
        layout.add(pad, matter.front_folios[-1:])
    layout.add(text, text_folios[:len(text.pages)])
    if len(text.pages) % 2:
        layout.add(pad, [""])
    if matter.back is not None:
        layout.add(matter.back, matter.back_folios)
        if len(matter.back.pages) % 2:
            layout.add(pad, [""])
    layout.print_pages = print_pages(layout.folios, text_pages, text_folios, matter.back_pages,
                                     matter.back_folios)
    return layout


def pdf_view(book: Book) -> EditionView:
    """The print edition's view. Each note opens with its number, a link back to its call, which
    hangs in the margin of the notes (print.css): the word space after it goes (on a justified
    first line it would stretch, and the text would not start where its turnover lines do), and
    a number shorter than the book's longest is marked `short-K`, K figures short."""
    view = EditionView(book, DocumentLinks(book), backlink="number", keyed=True,
                       page_guesses=guess_folios(book))
    figures = len(str(max((note.number for note in book.notes), default=1)))
    tag = '<a class="note-number"'
    for group in view.note_groups:
        for note in group.notes:
            html = str(note.html)
            start = html.find(tag)
            end = html.find("</a> ", start)
            if start < 0 or end < 0:
                continue
            short = figures - len(str(note.number))
            opening = f'<a class="note-number short-{short}"' if short else tag
            note.html = Markup(html[:start] + opening + html[start + len(tag):end + len("</a>")]
                               + html[end + len("</a> "):])
    return view


def text_chapters(view: EditionView, chapters: list[Chapter]) -> list[_Chapter]:
    """The chapters to lay out (all of the book's, or a part's), with their running heads."""
    result = []
    for chapter in chapters:
        title = view.title(chapter.title).striptags()
        verso, recto = running_heads(view, title)
        result.append(_Chapter(recto, view.chapter_html(chapter), view.notes_of(chapter), verso))
    return result


def running_heads(view: EditionView, chapter_title: str) -> tuple[str, str]:
    """(verso, recto) over a chapter: the book's title and the chapter's; in a book of one
    chapter, or over a chapter titled as the book is, the author (or editor) and the title, so
    that a spread never shows one title twice. A book without author or editor keeps its title
    on the versos."""
    config = view.config
    names = config.authors or config.editors
    if names and (len(view.book.chapters) == 1 or _same_words(chapter_title, config.title)):
        return ", ".join(names), config.title
    return config.title, chapter_title


def _same_words(a: str, b: str) -> bool:
    def words(text: str) -> list[str]:
        return unicodedata.normalize("NFKC", text).casefold().split()
    return words(a) == words(b)


@dataclass
class Matter:
    """The front and back matter, laid out once the text's pages are known."""

    front: Document
    front_folios: list[str]             # roman, one more when a pad page follows
    back: Document | None
    back_pages: PartPages
    back_folios: list[str]

    @property
    def back_start(self) -> int:
        return int(self.back_folios[0]) if self.back_folios else 0


def lay_out_matter(book: Book, view: EditionView, parts: PartRenderer, text_pages: PartPages,
                   text_folios: list[str]) -> Matter:
    """The back matter (its note running heads need the pages of the calls), then the front
    matter (its contents need every chapter's page)."""
    back_start = len(text_folios) + 1
    back = None
    back_pages = PartPages(count=0)
    if has_back_matter(book, view):
        calls = note_calls(book, text_pages, text_folios)
        folios = index_folios(book, text_pages, text_folios)
        back = lay_out_back(parts, parts.html("pdf/back.html", heads={}, folios=folios), book,
                            calls, back_start, folios)
        back_pages = read_pages(back)
    back_folios = [str(back_start + i) for i in range(back_pages.count)]
    entries = contents_entries(book, view, text_pages, text_folios, back_pages, back_folios)
    front = lay_out_front(parts, front_html(book, parts, entries, copyright_flows=False), entries)
    return Matter(front, front_folios(len(front.pages)), back, back_pages, back_folios)


def has_back_matter(book: Book, view: EditionView) -> bool:
    return bool((book.notes and not view.notes_at_chapter_end) or book.bibliography_blocks
                or book.index_marks)


def index_folios(book: Book, text_pages: PartPages, text_folios: list[str]) -> dict[str, str]:
    """The folio of each index mark in the text (and of each range's end), by its anchor."""
    ids = [i for mark in book.index_marks for i in (mark.id, mark.end_id) if i is not None]
    return {i: folio for i in ids if (folio := folio_of(text_pages, i, text_folios))}


def note_calls(book: Book, text_pages: PartPages, text_folios: list[str]) -> dict[int, str]:
    """The folio of each note's call, by the note's sequence number."""
    return {note.seq: folio_of(text_pages, f"noteref-{note.seq}", text_folios)
            for note in book.notes}


def lay_out_back(parts: PartRenderer, draft_html: str, book: Book, calls: dict[int, str],
                 back_start: int, folios: dict[str, str]) -> Document:
    """The back matter laid out twice: once to see on which page each note falls, then with
    the running heads that follow ("Notes to pages 12-18")."""
    draft = parts.lay_out(draft_html, back_start)
    pages = read_pages(draft)
    heads = _note_heads(pages, book, calls, back_start)
    del draft               # Gibbon's notes fill 1,500 pages: never hold two layouts of them
    # Index marks in the notes: the notes stand before the index, so they fall on the same pages
    # whatever the index's locators say.
    in_notes = [mark.id for mark in book.index_marks if mark.note is not None]
    back_folios = [str(back_start + index) for index in range(pages.count)]
    folios = {**folios, **{i: folio for i in in_notes if (folio := folio_of(pages, i, back_folios))}}
    return parts.render("pdf/back.html", first_folio=back_start, heads=heads, folios=folios)


def contents_entries(book: Book, view: EditionView, text_pages: PartPages, text_folios: list[str],
                     back_pages: PartPages, back_folios: list[str]) -> list[_ContentsEntry]:
    entries = [_ContentsEntry(view.title(c.title), view.links.anchor(c.id) or "",
                              folio_of(text_pages, c.id, text_folios)) for c in book.chapters]
    if book.notes and not view.notes_at_chapter_end:
        entries.append(_ContentsEntry(Markup("Notes"), "#endnotes",
                                      folio_of(back_pages, "endnotes", back_folios)))
    if book.bibliography_blocks:
        entries.append(_ContentsEntry(Markup("Bibliography"), "#bibliography",
                                      folio_of(back_pages, "bibliography", back_folios)))
    if book.index_marks:
        entries.append(_ContentsEntry(Markup("Index"), "#book-index",
                                      folio_of(back_pages, "book-index", back_folios)))
    return entries


def front_html(book: Book, parts: PartRenderer, entries: list[_ContentsEntry],
               copyright_flows: bool) -> str:
    title, subtitle = _display_lines(book, parts)
    return parts.html("pdf/front.html", entries=entries, title=title, subtitle=subtitle,
                      copyright_flows=copyright_flows)


def lay_out_front(parts: PartRenderer, html: str, entries: list[_ContentsEntry]) -> Document:
    front = parts.lay_out(html)
    if _runs_over_the_top(front, "colophon"):
        # A copyright page longer than the page: it cannot stand at the foot; it flows.
        front = parts.lay_out(front_html(parts.book, parts, entries, copyright_flows=True))
    return front


def front_folios(count: int) -> list[str]:
    """Roman folios of the `count` pages of the front matter, one more when a pad page follows."""
    return [_roman(i + 1) for i in range(count + count % 2)]


def _display_lines(book: Book, parts: PartRenderer) -> tuple[Markup, Markup]:
    """The title and subtitle of the title page, broken into balanced lines (print.css sets
    their sizes: the title 2.3 em, the subtitle 1.05 em italic between margins of 8 %)."""
    shape = parts.geometry
    block = shape.width - shape.inside - shape.outside
    size = shape.font_size
    config = book.config

    def lines(text: str | None, face: str, points: float, measure: float) -> Markup:
        if not text:
            return Markup("")
        # 3 % to spare: the widths leave out kerning.
        broken = balanced_lines(text, 0.97 * measure, lambda line: _text_width(line, face) * points)
        return Markup("<br/>\n").join(broken)
    return (lines(config.title, "GentiumBookPlus-Regular.ttf", 2.3 * size, block),
            lines(config.subtitle, "GentiumBookPlus-Italic.ttf", 1.05 * size, 0.84 * block))


@cache
def _advances(face: str) -> tuple[dict[int, float], float]:
    """Advance widths in ems by character, and the average for characters the face lacks."""
    font = TTFont(str(style_file("fonts", face)), lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"]
    widths = {code: metrics[name][0] / units for code, name in font.getBestCmap().items()}
    font.close()
    return widths, 0.5


def _text_width(text: str, face: str) -> float:
    """The width of `text` set in `face`, in ems (without kerning)."""
    widths, other = _advances(face)
    return sum(widths.get(ord(char), other) for char in text)


def _runs_over_the_top(document: Document, class_name: str) -> bool:
    """Whether the element of that class starts above its page's top margin (placed at the
    foot of a page it is longer than)."""
    for page in document.pages:
        page_box = page._page_box
        for box in _boxes(page_box):
            element = getattr(box, "element", None)
            if element is not None and class_name in (element.get("class") or "").split():
                return bool(box.position_y < page_box.content_box_y() - 0.5)
    return False


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def folio_of(pages: PartPages, anchor: str, folios: list[str]) -> str:
    indexes = pages.anchors.get(anchor)
    return folios[indexes[0]] if indexes else ""


def _note_heads(pages: PartPages, book: Book, calls: dict[int, str], start: int) -> dict[int, str]:
    """The running head of each notes page, given to the notes that begin on it: "Notes to pages
    12-18", from the call of the first note on the page (which may continue from the page before)
    to the call of the last."""
    heads: dict[int, str] = {}
    for index in range(pages.count):
        on_page = sorted(seq for seq in calls if index in pages.anchors.get(f"note-{seq}", []))
        if not on_page:
            continue
        folios = [calls[seq] for seq in on_page if calls[seq]]
        if not folios:
            continue
        low, high = folios[0], folios[-1]
        head = f"Notes to page {low}" if low == high else f"Notes to pages {low}–{high}"
        for seq in on_page:
            heads.setdefault(seq, head)
    return heads


def print_pages(folios: list[str], text: PartPages, text_folios: list[str], back: PartPages,
                 back_folios: list[str]) -> PrintPages:
    anchors: dict[str, str] = {}
    breaks: list[tuple[str, str, int]] = []
    blocks: dict[str, tuple[str, str]] = {}
    for part, part_folios in ((text, text_folios), (back, back_folios)):
        for name, indexes in part.anchors.items():
            anchors.setdefault(name, part_folios[indexes[0]])
        for index, start in enumerate(part.breaks):
            if start is not None and part_folios[index]:
                breaks.append((part_folios[index], start[0], start[1]))
        for key, (first, last) in part.blocks.items():
            blocks[key] = (part_folios[first], part_folios[last])
    return PrintPages(folios=folios, anchors=anchors, breaks=breaks, blocks=blocks)


def _roman(number: int) -> str:
    numerals = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
                ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    result = ""
    for letters, value in numerals:
        while number >= value:
            result += letters
            number -= value
    return result
