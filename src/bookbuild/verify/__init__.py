"""Verify stage: read the finished EPUB, HTML and PDF back and prove they hold the same notes.

Every edition must have every note of the model, in the model's order, with the number the model
gave it and the same text, and every note call and note must link to the other. Texts are
compared word for word (letters and digits: the print edition hyphenates and breaks lines);
EPUB and web editions, written from the same markup, must agree character for character.
The reader PDF (`--format reader-pdf`) is read like the print PDF, and its structure tree as
assistive technology reads it (`tagged`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.ast import iter_nodes
from bookbuild.diagnostics import Diagnostic, Place, Severity
from bookbuild.editions import READER_PDF, VERIFIED, VERIFIED_IF_PRESENT
from bookbuild.index import build_index, plain
from bookbuild.model import Book, Note
from bookbuild.verify.index import pdf_page_map
from bookbuild.verify.readers import Edition, ReadNote, read_epub, read_html, read_pdf
from bookbuild.verify.structure import Problem
from bookbuild.verify.tagged import check_reader_pdf

CODES = {"notes-missing": Severity.ERROR, "notes-differ": Severity.ERROR,
         "notes-order": Severity.ERROR, "note-links": Severity.ERROR,
         "edition-missing": Severity.ERROR, "edition-link": Severity.ERROR,
         "edition-id": Severity.ERROR, "edition-other-book": Severity.ERROR,
         "index-differs": Severity.ERROR, "index-page": Severity.ERROR}


def _read_reader_pdf(path: Path) -> Edition:
    return read_pdf(path, "reader PDF")


READERS = {"EPUB": read_epub, "HTML": read_html, "PDF": read_pdf, READER_PDF: _read_reader_pdf}
# What `verify` reads back unless told (see `editions`).
EDITIONS, OPTIONAL = VERIFIED, VERIFIED_IF_PRESENT
if set(READERS) != set(EDITIONS + OPTIONAL):     # the command line offers these
    raise ImportError(f"editions.VERIFIED lists other editions than the readers {list(READERS)}")


@dataclass
class Report:
    editions: list[Edition] = field(default_factory=list)
    findings: list[Diagnostic] = field(default_factory=list)
    notes: int = 0

    @property
    def passed(self) -> bool:
        return not any(f.is_error for f in self.findings)

    def add(self, code: str, message: str, place: Place) -> None:
        self.findings.append(Diagnostic(code, CODES[code], message, place))


def words(text: str) -> str:
    """The words of `text`, case-folded: a no-break space separates them (it is not a word
    character), and a WORD JOINER (U+2060, before an em dash) is nothing."""
    return " ".join(w.casefold() for w in re.findall(r"\w+", text))


def same_text(a: str, b: str) -> bool:
    """Whether two texts read the same: any run of white space, no-break spaces (U+00A0,
    U+202F) included, is one space, and WORD JOINERs (U+2060) are nothing. An edition's reader
    squeezes its spaces; the model keeps the no-break ones of `parse/spacing.py`."""
    return _plain(a) == _plain(b)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2060", "")).strip()


def edition_paths(book: Book, out: Path) -> dict[str, Path]:
    return {"EPUB": out / f"{book.config.slug}.epub", "HTML": out / "html",
            "PDF": out / f"{book.config.slug}.pdf",
            READER_PDF: out / f"{book.config.slug}-reader.pdf"}


def verify(book: Book, out: Path, names: tuple[str, ...] | None = None) -> Report:
    """Read back the editions `names` ("EPUB", "HTML", "PDF", "READER-PDF") from `out`; one
    that is missing is an error, since it was asked for. By default: EPUB, HTML and PDF, and
    the reader PDF if it is there."""
    report = Report(notes=len(book.notes))
    paths = edition_paths(book, out)
    if book.print_pages is None and book.has_page_refs and paths["PDF"].exists():
        # Page references print the print edition's pages: read where it put their targets.
        book.print_pages = pdf_page_map(paths["PDF"])
    if names is None:
        names = EDITIONS + tuple(name for name in OPTIONAL if paths[name].exists())
    for name, path in paths.items():
        if name not in names:
            continue
        build = (f"'bookbuild build --manuscript {book.config.root} --out {out} --format "
                 f"{name.lower()}'")
        if not path.exists():
            report.add("edition-missing", f"no {name} edition at {path}; build it with {build} "
                       "to verify it", Place(str(path)))
            continue
        edition = READERS[name](path)
        if edition.title and not same_text(edition.title, book.config.title):
            # Another book was built into the same folder: its notes are not this book's.
            report.add("edition-other-book", f"{path} holds another book, “{edition.title}”, not "
                       f"“{book.config.title}”: two books were built into one folder; give each "
                       "its own --out, or verify with the --manuscript this one was built from",
                       Place(str(path)))
            continue
        report.editions.append(edition)
        _check(report, book, edition)
        if name == READER_PDF:
            report.findings.extend(check_reader_pdf(book, path))
    _compare_screen_editions(report, book)
    _compare_indexes(report, book)
    return report


def check_edition(book: Book, name: str, path: Path, links: bool = True) -> list[Diagnostic]:
    """What a build runs on each edition it writes (the file or folder at `path`), before
    moving it into place: what differs from the model, and (EPUB, HTML) every broken link,
    missing file and repeated id. `links=False`: a print file without links by design (PDF/X-1a
    allows no annotations), whose notes are read by their text and destinations alone."""
    report = Report(notes=len(book.notes))
    edition = READERS[name](path)
    if not links:
        edition.broken_links = []
    _check(report, book, edition)
    return report.findings


def _check(report: Report, book: Book, edition: Edition) -> None:
    _compare(report, book, edition)
    _structure(report, book, edition)


def _structure(report: Report, book: Book, edition: Edition) -> None:
    for problem in edition.problems[:50]:
        code = "edition-id" if problem.kind == "duplicate-id" else "edition-link"
        report.add(code, f"in the {edition.name} edition, {problem.describe()}; rebuild it, and "
                   "report it as a bug in bookbuild if it persists",
                   _place_of(book, problem))
    if len(edition.problems) > 50:
        report.add("edition-link", f"{len(edition.problems) - 50} more faults of links and ids in "
                   f"the {edition.name} edition", Place(edition.name))


def _place_of(book: Book, problem: Problem) -> Place:
    """The manuscript place a faulty link or id comes from, as near as the model knows it."""
    anchor = problem.fragment
    match = re.fullmatch(r"(?:note|noteref)-(\d+)", anchor)
    if match and 0 < int(match.group(1)) <= len(book.notes):
        note = book.notes[int(match.group(1)) - 1]
        return note.place if anchor.startswith("note-") else note.call
    link = next((use for use in book.links if use.target == anchor), None)
    if link is not None and problem.kind != "duplicate-id":
        return link.place
    if anchor in book.anchors:
        return book.anchors[anchor].place
    image = next((use for use in book.images if use.src and use.src in problem.target), None)
    if image is not None:
        return image.place
    page = problem.document.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    chapter = next((c for c in book.chapters if c.page == page), None)
    return Place(chapter.file if chapter else problem.document)


def _compare(report: Report, book: Book, edition: Edition) -> None:
    found = {note.seq: note for note in edition.notes}
    order = [note.seq for note in edition.notes]
    expected = [note.seq for note in book.notes]
    if order != expected and sorted(order) == expected:
        first = next(i for i, (a, b) in enumerate(zip(order, expected, strict=True)) if a != b)
        note = book.notes[first]
        report.add("notes-order", f"the {edition.name} edition has the notes out of order from "
                   f"note {note.number}; rebuild it", note.place)
    for note in book.notes:
        read = found.get(note.seq)
        if read is None:
            report.add("notes-missing", f"the {edition.name} edition lacks note {note.number} "
                       f"({_excerpt(_model_text(book, note))}); rebuild it", note.place)
            continue
        if read.number != note.number:
            report.add("notes-differ", f"note {note.number} is numbered {read.number} in the "
                       f"{edition.name} edition", note.place)
        printed, written = words(read.text), words(_model_text(book, note))
        if edition.name == "PDF" and _has_table(note):
            # Cells wrap side by side on the page: the words are all there, their order is not
            # the reading order a text extraction can recover.
            printed, written = " ".join(sorted(printed.split())), " ".join(sorted(written.split()))
        if printed != written:
            at, theirs, ours = _difference(printed.split(), written.split())
            report.add("notes-differ", f"note {note.number} reads differently in the {edition.name} "
                       f"edition from word {at + 1}: “{theirs}” instead of “{ours}”; rebuild it, "
                       "and report it if it persists", note.place)
    # The screen editions' links are checked by `_structure`; the PDF's note links here.
    for link in edition.broken_links[:20]:
        report.add("note-links", f"a note link is broken in the {edition.name} edition: {link}",
                   Place(book.chapters[0].file if book.chapters else "book.yaml"))


def _compare_screen_editions(report: Report, book: Book) -> None:
    screens = {e.name: {n.seq: n for n in e.notes} for e in report.editions if e.name in ("EPUB", "HTML")}
    if len(screens) < 2:
        return
    epub, web = screens["EPUB"], screens["HTML"]
    for note in book.notes:
        a, b = epub.get(note.seq), web.get(note.seq)
        if a is not None and b is not None and a.text != b.text:
            report.add("notes-differ", f"note {note.number} differs between the EPUB "
                       f"(“{_excerpt(a.text)}”) and the HTML (“{_excerpt(b.text)}”)", note.place)


def _compare_indexes(report: Report, book: Book) -> None:
    """Every edition's index has the model's entries, in its order; the EPUB's and the HTML's
    locators read the same; the PDF's numbers are the pages they lead to."""
    if not book.index_marks:
        return
    expected = [(entry.level, plain(entry.term)) for top in build_index(book) for entry in top.walk()]
    place = book.index_marks[0].place
    screens: dict[str, list[tuple[str, ...]]] = {}
    for edition in report.editions:
        if edition.name in ("EPUB", "HTML"):
            read = edition.index or []
            if [(e.level, e.term) for e in read] != expected:
                at = next((i for i, (a, b) in enumerate(zip(read, expected, strict=False))
                           if (a.level, a.term) != b), min(len(read), len(expected)))
                theirs = read[at].term if at < len(read) else "(nothing)"
                ours = expected[at][1] if at < len(expected) else "(nothing)"
                report.add("index-differs", f"the {edition.name} edition's index differs from "
                           f"entry {at + 1}: “{theirs}” instead of “{ours}”; rebuild it", place)
            screens[edition.name] = [e.locators for e in read]
        elif edition.name == "PDF":
            if edition.index_links == 0:
                report.add("index-differs", "the PDF edition has no index locators; rebuild it",
                           place)
            for fault in edition.index_faults[:20]:
                report.add("index-page", f"in the PDF edition's index, {fault}; rebuild it, and "
                           "report it as a bug in bookbuild if it persists", place)
    if len(screens) == 2 and screens["EPUB"] != screens["HTML"]:
        report.add("index-differs", "the EPUB's and the HTML's index locators differ; rebuild "
                   "them together", place)


def _has_table(note: Note) -> bool:
    return any(node["t"] == "Table" for node in iter_nodes(note.blocks))


def _model_text(book: Book, note: Note) -> str:
    return book.note_texts[note.seq - 1]


def _difference(printed: list[str], written: list[str]) -> tuple[int, str, str]:
    """Where two word lists part, and a few words of each from just before that point."""
    at = next((i for i, (a, b) in enumerate(zip(printed, written, strict=False)) if a != b),
              min(len(printed), len(written)))
    start = max(0, at - 3)
    return at, " ".join(printed[start:at + 5]) or "(nothing)", " ".join(written[start:at + 5]) or "(nothing)"


def _excerpt(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"


__all__ = ["EDITIONS", "OPTIONAL", "READER_PDF", "ReadNote", "Report", "check_edition", "verify"]
