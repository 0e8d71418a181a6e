"""Write stage, PDF: the text laid out in parts, in parallel, and joined.

One WeasyPrint document of thousands of pages holds every box in memory and uses one core. So
the text is cut at chapter boundaries into parts of similar length, and each part is laid out
by a process of its own, one per core at a time. Every chapter opens on a recto, so where a part
starts does not change its page breaks: a part is laid out at once from folio 1, and only its
folios wait for the page counts of the parts before it; then each page number is set again in
its box (`retype`).

Each part is written as a PDF of its own; a link to an anchor in another part is kept by name,
and `join` gives the book one set of named destinations. This process meanwhile lays out the back
matter and the front matter, which need the text's pages, and hands the page map on.
"""

from __future__ import annotations

import io
import logging
import math
import multiprocessing
import signal
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkProcess
from pathlib import Path

from weasyprint import Document, Page

from bookbuild.cache import default_cache
from bookbuild.model import Book, Chapter
from bookbuild.printspec import minimum_gutter
from bookbuild.progress import Progress
from bookbuild.render.view import EditionView
from bookbuild.writers.base import WriteContext
from bookbuild.writers.pdf.finish import finisher
from bookbuild.writers.pdf.geometry import Geometry
from bookbuild.writers.pdf.join import join_parts
from bookbuild.writers.pdf.layout import pdf_view, print_pages, text_chapters
from bookbuild.writers.pdf.matter import Matter, matter_pieces
from bookbuild.writers.pdf.pages import PartPages, read_pages
from bookbuild.writers.pdf.parts import PartRenderer
from bookbuild.writers.pdf.retype import retype_folios, retype_page_refs
from bookbuild.writers.pdf.reuse import Laid, LayoutCache
from bookbuild.writers.pdf.variants import Variant
from bookbuild.writers.schedule import die_with_parent, picklable, receive

log = logging.getLogger("bookbuild.pdf")

# About 350 pages: laid out in about 8 s, in a few hundred MB. (WeasyPrint slows down per page
# as a document grows, and memory grows with it, so larger parts do not pay.)
PART_WORDS = 100_000


def plan_parts(book: Book, jobs: int) -> list[range]:
    """Chapter ranges of similar length: a multiple of `jobs` parts, none much over PART_WORDS."""
    sizes = [len(c.words.words) + len(c.note_words.words) for c in book.chapters]
    total = sum(sizes)
    if jobs < 2 or len(sizes) < 2:
        return [range(len(sizes))]
    count = min(len(sizes), jobs * max(1, math.ceil(total / (PART_WORDS * jobs))))
    parts: list[range] = []
    start, done = 0, 0
    for index, size in enumerate(sizes):
        done += size
        remaining_parts = count - len(parts) - 1
        if remaining_parts and (done >= total * (len(parts) + 1) / count
                                or len(sizes) - index - 1 == remaining_parts):
            parts.append(range(start, index + 1))
            start = index + 1
    parts.append(range(start, len(sizes)))
    return [part for part in parts if len(part)]


# At most this many gatherings: each is a WeasyPrint document and a PDF of its own (about 0.2 s
# apiece besides its pages), and the join merges their fonts.
GATHERINGS = 48


def plan_gatherings(book: Book) -> list[range]:
    """The chapters in gatherings, each laid out, written and cached on its own: one chapter to
    a gathering, or as many as keep their number at most GATHERINGS. The plan follows from the
    chapter count alone, so that no edit of a chapter's text moves a boundary."""
    count = len(book.chapters)
    size = max(1, math.ceil(count / GATHERINGS))
    return [range(start, min(count, start + size)) for start in range(0, count, size)]


@dataclass
class _Part:
    """A gathering of chapters, laid out in a process of its own or taken from the cache."""

    chapters: range
    path: Path
    key: str = ""                               # its layout's inputs (`reuse`)
    laid: Laid | None = None                    # its pages, once laid out or read from the cache
    process: ForkProcess | None = None
    connection: Connection | None = None
    first_folio: int | None = None
    targets: frozenset[str] = frozenset()       # of the page references in its chapters
    shown: dict[str, str] = field(default_factory=dict)     # their folios, once known
    unresolved: set[str] = field(default_factory=set)       # those not set in their boxes
    written: bool = False
    laid_out: bool = False                      # laid out in this build, not from the cache

    @property
    def pages(self) -> PartPages | None:
        return self.laid.pages if self.laid is not None else None


@dataclass
class PartsWritten:
    """What `write_in_parts` wrote: the page count, and the targets of the page references whose
    number could not be set again in its box (`retype`): another layout must print them."""

    pages: int
    unresolved: set[str] = field(default_factory=set)


def write_in_parts(book: Book, path: Path, context: WriteContext, variant: Variant,
                   shape: Geometry, plan: list[range], work: Path) -> PartsWritten:
    """Lay out and write the book to `path`. If its page count needs another gutter than
    `shape`'s, nothing is written (the caller starts again with the right one). A gathering
    whose layout's inputs are unchanged is not laid out again; nor is its PDF written again
    unless its first folio, or a page its page references name, moved."""
    jobs = max(1, context.jobs)
    view = pdf_view(book)
    renderer = PartRenderer(book, view, shape, variant.crop_marks, context.iso, context.progress)
    document_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bookbuild:{book.config.slug}:{variant.name}"))
    layouts = LayoutCache.of(default_cache(), book.config, variant, shape, document_id,
                             renderer.css_text + renderer.base_css)
    parts = [_gathering(book, view, renderer, layouts, chapters, work / f"text-{index}.pdf")
             for index, chapters in enumerate(plan)]
    found: dict[str, str] | None = None         # every anchor's folio, once the matter is laid out
    warm_up(renderer)
    running: list[_Part] = []
    waiting = [part for part in parts if part.laid is None]
    matter: Matter | None = None
    try:
        while not all(part.written for part in parts) or matter is None:
            # A part laid out and waiting for its folios holds no core.
            while waiting and sum(part.laid is None for part in running) < jobs:
                part = waiting.pop(0)
                _start(part, book, shape, context, variant, document_id, len(parts))
                running.append(part)
            waiting[:0] = _assign_folios(parts, layouts, found)
            if matter is None and all(part.pages is not None for part in parts):
                matter = _write_matter(book, renderer, layouts, parts, shape, context, variant,
                                       document_id, work)
                if minimum_gutter(matter.count) != minimum_gutter(shape.pages):
                    return PartsWritten(matter.count)
                assert book.print_pages is not None
                found = book.print_pages.anchors
                continue
            if running:
                _receive(running, layouts)
    finally:
        for part in parts:
            _stop(part)
        renderer.release()
    _report(context, book, parts, matter)
    files = [work / "front.pdf", *(part.path for part in parts), work / "back.pdf"]
    stand_ins = [matter.front.stand_ins, *(part.laid.stand_ins for part in parts if part.laid),
                 matter.back.stand_ins]
    join_parts([(file, names) for file, names in zip(files, stand_ins, strict=True) if file.exists()],
               path)
    return PartsWritten(matter.count, set().union(matter.back.unresolved,
                                             *(part.unresolved for part in parts)))


def _gathering(book: Book, view: EditionView, renderer: PartRenderer, layouts: LayoutCache,
               chapters: range, path: Path) -> _Part:
    selected = [book.chapters[index] for index in chapters]
    html = renderer.html("pdf/main.html", chapters=text_chapters(view, selected))
    key = layouts.key(html, book.config.root)
    targets = frozenset(ref.target for ref in book.crossrefs if ref.page and ref.chapter in chapters)
    return _Part(chapters, path, key, layouts.laid(key), targets=targets)


def warm_up(renderer: PartRenderer) -> None:
    """Load once, before the gatherings' processes are forked, what each would load again:
    the hyphenation patterns and WeasyPrint's C declarations for writing a PDF."""
    pad = renderer.render("pdf/pad.html")
    pad.write_pdf(io.BytesIO())


def _report(context: WriteContext, book: Book, parts: list[_Part], matter: Matter) -> None:
    for part in parts:
        names = ", ".join(book.chapters[index].file for index in part.chapters)
        context.record.note(names, reused=not part.laid_out)
    context.record.note("front matter", reused=matter.front.reused)
    context.record.note("back matter", reused=matter.back.reused)
    if context.progress is not None:
        again = sum(part.laid_out for part in parts)
        unit = "chapters" if all(len(part.chapters) == 1 for part in parts) else "gatherings"
        matter_again = [name for name, piece in (("front", matter.front), ("back", matter.back))
                        if not piece.reused]
        context.progress.say(f"    laid out {again} of {len(parts)} {unit} again; "
                             f"{len(parts) - again} from the build cache; "
                             + (f"{' and '.join(matter_again)} matter laid out again"
                                if matter_again else "front and back matter from the build cache"))


def _start(part: _Part, book: Book, shape: Geometry, context: WriteContext, variant: Variant,
           document_id: str, count: int) -> None:
    fork = multiprocessing.get_context("fork")
    parent, child = fork.Pipe()
    label = f"part {int(part.path.stem.split('-')[-1]) + 1} of {count}"
    progress = context.progress.child(label) if context.progress else None
    part.process = fork.Process(target=_lay_out_part, daemon=True, args=(
        child, book, shape, context.iso, variant, part.chapters, part.path, document_id, progress))
    part.process.start()
    child.close()
    part.connection = parent
    part.laid_out = True
    if part.first_folio is not None:            # laid out again only because its folio moved
        parent.send((part.first_folio, part.shown))


def _assign_folios(parts: list[_Part], layouts: LayoutCache,
                   found: dict[str, str] | None) -> list[_Part]:
    """Give each part whose predecessors are all laid out its first folio, and the folios its
    page references name once the whole book is (`found`): to its process, or, when it came
    from the cache, take its PDF at those folios from the cache. The parts from the cache whose
    PDF at those folios is not there are returned: they are laid out again."""
    folio = 1
    again: list[_Part] = []
    for part in parts:
        if part.pages is None:
            break
        if part.first_folio is None and (found is not None or not part.targets):
            part.first_folio = folio
            part.shown = {target: found[target] for target in sorted(part.targets)
                          if found is not None and target in found}
            if part.connection is not None:
                part.connection.send((folio, part.shown))
            elif not part.laid_out:
                data = layouts.written(part.key, folio, repr(part.shown))
                if data is None:
                    again.append(part)
                else:
                    part.path.write_bytes(data)
                    part.written = True
        folio += part.pages.count + part.pages.count % 2
    return again


def _receive(running: list[_Part], layouts: LayoutCache) -> None:
    by_connection: dict[object, _Part] = {part.connection: part for part in running
                                          if part.connection is not None}
    for ready in wait(list(by_connection)):     # type: ignore[arg-type]
        part = by_connection[ready]
        assert part.connection is not None and part.process is not None
        kind, value = receive(part.connection, part.process,
                              f"laying out chapters {part.chapters.start + 1}-{part.chapters.stop}")
        if kind == "laid out":
            part.laid = Laid(value)
        elif kind == "written":
            assert part.laid is not None and part.first_folio is not None
            part.laid.stand_ins, part.unresolved = value
            part.written = True
            layouts.keep_laid(part.key, part.laid)
            if not part.unresolved:             # what the cache serves is set right
                layouts.keep_written(part.key, part.first_folio, part.path, repr(part.shown))
            _stop(part)
            running.remove(part)


def _stop(part: _Part) -> None:
    if part.process is not None:
        if part.process.is_alive() and not part.written:
            part.process.terminate()
        part.process.join()
        part.process = None
    if part.connection is not None:
        part.connection.close()
        part.connection = None


def _write_matter(book: Book, renderer: PartRenderer, layouts: LayoutCache, parts: list[_Part],
                  shape: Geometry, context: WriteContext, variant: Variant, document_id: str,
                  work: Path) -> Matter:
    """Lay out and write the front and back matter, or take them from the cache; publish the
    page map. Nothing is written when the page count needs another gutter."""
    text_pages, text_folios = _merge([part.pages for part in parts if part.pages is not None])
    matter = matter_pieces(book, renderer, layouts, text_pages, text_folios)
    if minimum_gutter(matter.count) != minimum_gutter(shape.pages):
        return matter
    layout_pages = print_pages(matter.folios(text_folios), text_pages, text_folios,
                               matter.back.laid.pages, matter.back_folios)
    book.print_pages = layout_pages             # every variant: its page references read it
    if variant.name == "pdf" and context.laid_out is not None:
        context.laid_out(layout_pages)

    def write(document: Document, own: PartRenderer, target: Path) -> set[str]:
        return _write(document, own.render("pdf/pad.html"), target, shape, variant, document_id)
    matter.write(work / "front.pdf", work / "back.pdf", layouts, write)
    return matter


def _merge(parts: list[PartPages]) -> tuple[PartPages, list[str]]:
    """The parts' pages as one text, each part followed by a blank page if its count is odd."""
    merged = PartPages(count=0)
    for part in parts:
        offset = merged.count
        for name, indexes in part.anchors.items():
            merged.anchors[name].extend(index + offset for index in indexes)
        for index, tops in part.anchor_tops.items():
            merged.anchor_tops[index + offset] = tops
        for key, (first, last) in part.blocks.items():
            merged.blocks[key] = [first + offset, last + offset]
        merged.breaks.extend(part.breaks + [None] * (part.count % 2))
        merged.count += part.count + part.count % 2
    return merged, [str(index + 1) for index in range(merged.count)]


def _write(document: Document | None, pad: Document, path: Path, shape: Geometry, variant: Variant,
           document_id: str) -> set[str]:
    """Write a part, with a blank page after it if its count is odd (parts open on rectos); the
    names of the anchors it only stands in for. The document has a renderer of its own, made
    for it, and the pad is laid out after it: the same piece is written the same way whether
    or not anything else was laid out before it in this process."""
    pages: list[Page] = list(document.pages) if document is not None else []
    if not pages:
        return set()
    stand_ins = keep_links_to_other_parts(pages)
    if len(pages) % 2:
        pages += pad.pages
    document.copy(pages).write_pdf(  # type: ignore[union-attr]
        str(path), pdf_variant=variant.pdf_variant, pdf_version=variant.pdf_version,
        finisher=finisher(shape, variant.crop_marks, document_id, flat=variant.flat))
    return stand_ins


def _lay_out_part(connection: Connection, book: Book, shape: Geometry, iso: str, variant: Variant,
                  chapters: range, path: Path, document_id: str, progress: Progress | None) -> None:
    """In a process of its own: lay out some chapters, say how many pages, wait for the first
    folio, then write the part. It has nothing to clean up (its file is in the parent's temporary
    folder), so being stopped simply ends it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    renderer: PartRenderer | None = None
    try:
        started = time.perf_counter()
        view = pdf_view(book)
        renderer = PartRenderer(book, view, shape, variant.crop_marks, iso, progress)
        selected: list[Chapter] = [book.chapters[index] for index in chapters]
        document = renderer.render("pdf/main.html", chapters=text_chapters(view, selected))
        connection.send(("laid out", read_pages(document)))
        laid_out = time.perf_counter()
        first_folio, shown = connection.recv()
        waited = time.perf_counter()
        if first_folio != 1:        # laid out from folio 1: right for the first part only
            retype_folios(document, first_folio)
        unresolved = retype_page_refs(document.pages, shown) if book.has_page_refs else set()
        grafted = time.perf_counter()
        stand_ins = _write(document, renderer.render("pdf/pad.html"), path, shape, variant,
                           document_id)
        connection.send(("written", (stand_ins, unresolved)))
        log.debug("%s: %d pages laid out in %.1f s, waited %.1f s, folios %.1f s, written in %.1f s",
                  path.name, len(document.pages), laid_out - started, waited - laid_out,
                  grafted - waited, time.perf_counter() - grafted)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        try:
            connection.send(("error", picklable(exc)))
        except OSError:
            pass
    finally:
        if renderer is not None:
            renderer.release()
        connection.close()


def keep_links_to_other_parts(pages: list[Page]) -> set[str]:
    """WeasyPrint drops a link whose anchor is not in the document; give each such anchor a
    stand-in on the first page, so that the link is written, by name. `join` points every name at
    its real place and leaves the stand-ins out. Returns the stand-ins' names."""
    present = {name for page in pages for name in page.anchors}
    missing = {target for page in pages for kind, target, _, _ in page.links
               if kind == "internal" and target not in present}
    if pages:
        pages[0].anchors.update({name: (0, 0, 0, 0) for name in missing})
    return missing
