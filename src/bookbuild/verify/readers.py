"""Verify stage: read the notes back out of each finished edition.

Each reader returns the notes as a reader of that edition meets them: in document order, with the
number printed and the text, back links and printed numbers left out. They know the editions'
markup (note-N ids, DPUB-ARIA roles) but nothing of how it was made.
"""

from __future__ import annotations

import bisect
import copy
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree, html
from pypdf import PdfReader

from bookbuild.preflight.content import Font, PageReader, Run
from bookbuild.verify.index import ReadEntry, misplaced_pdf_locators, pdf_links, read_screen_index
from bookbuild.verify.structure import Problem, structure_problems

NOTE_ID = re.compile(r"note-(\d+)")
_SEPARATE = {"p", "div", "br", "td", "th", "tr", "li", "dt", "dd", "blockquote", "pre",
             "figcaption", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}


@dataclass(frozen=True)
class ReadNote:
    seq: int            # from its id, note-<seq>
    number: int         # as printed
    text: str


@dataclass
class Edition:
    """What one edition holds: its notes, and its note links that lead nowhere."""

    name: str
    notes: list[ReadNote] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)    # the PDF's note links
    problems: list[Problem] = field(default_factory=list)    # links, files and ids (screens)
    title: str = ""             # the book's title as the edition gives it
    index: list[ReadEntry] | None = None        # the index's entries (screens); None: no index
    index_links: int = 0                        # the PDF's index locators...
    index_faults: list[str] = field(default_factory=list)   # ... that lead to another page


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _note_text(item: etree._Element) -> str:
    clone = copy.deepcopy(item)
    for element in clone.xpath(".//*[@role='doc-backlink' or contains(@class, 'note-number')]"):
        parent = element.getparent()
        previous = element.getprevious()
        tail = element.tail or ""
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(element)
    for element in clone.iter():
        # A reader sees table cells, paragraphs and line breaks apart, though the markup may
        # put no space between them.
        if isinstance(element.tag, str) and element.tag.split("}")[-1] in _SEPARATE:
            element.tail = " " + (element.tail or "")
            if element.text is not None or len(element):
                element.text = " " + (element.text or "")
    return _squeeze("".join(clone.itertext()))


def _read_documents(edition: Edition, documents: list[tuple[str, etree._Element]]) -> None:
    """The notes, in document order. (Their links, like every link of a screen edition, are
    checked by `structure.structure_problems`.)"""
    for _, root in documents:
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            match = NOTE_ID.fullmatch(element.get("id") or "")
            if match and element.tag.split("}")[-1] == "li":
                edition.notes.append(ReadNote(int(match.group(1)), int(element.get("value", 0)),
                                              _note_text(element)))


_XML_DOCUMENTS = ("application/xhtml+xml", "image/svg+xml", "application/x-dtbncx+xml")


def read_epub(path: Path) -> Edition:
    """The notes of the spine's documents in reading order, and the structure of every XML
    document in the package (paths relative to the package document's folder)."""
    edition = Edition("EPUB")
    with zipfile.ZipFile(path) as archive:
        opf_name = next(n for n in archive.namelist() if n.endswith(".opf"))
        opf = etree.fromstring(archive.read(opf_name))
        edition.title = _squeeze(" ".join(opf.xpath("//*[local-name()='title']/text()")[:1]))
        folder = opf_name.rpartition("/")[0]
        ns = {"opf": "http://www.idpf.org/2007/opf"}
        items = opf.xpath("//opf:item", namespaces=ns)
        hrefs = {item.get("id"): item.get("href") for item in items}
        parsed = {item.get("href"): etree.fromstring(archive.read(f"{folder}/{item.get('href')}"
                                                                  if folder else item.get("href")))
                  for item in items if item.get("media-type") in _XML_DOCUMENTS}
        spine = [hrefs[ref.get("idref")] for ref in opf.xpath("//opf:itemref", namespaces=ns)]
        prefix = f"{folder}/" if folder else ""
        files = {name[len(prefix):] for name in archive.namelist() if name.startswith(prefix)}
    _read_documents(edition, [(href, parsed[href]) for href in spine])
    edition.index = next((entries for href in spine
                          if (entries := read_screen_index(parsed[href])) is not None), None)
    # A file in the zip that the manifest does not list is not part of the publication.
    edition.problems = structure_problems(parsed, files & set(hrefs.values()))
    return edition


def read_html(folder: Path) -> Edition:
    """The notes in reading order (the index, then the pages its contents list), and the
    structure of every page in the folder."""
    edition = Edition("HTML")
    parsed = {page.name: html.parse(str(page)).getroot() for page in sorted(folder.glob("*.html"))}
    index = parsed["index.html"]
    edition.title = _squeeze(index.findtext(".//title") or "")
    pages = ["index.html"] + list(dict.fromkeys(
        href.split("#")[0] for href in index.xpath("//nav[@id='contents']//a/@href")))
    _read_documents(edition, [(page, parsed[page]) for page in pages if page in parsed])
    if "book-index.html" in parsed:
        edition.index = read_screen_index(parsed["book-index.html"])
    files = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    edition.problems = structure_problems(parsed, files)
    return edition


def read_pdf(path: Path, name: str = "PDF") -> Edition:
    """Notes start at their named destinations (note-<seq>); a note ends where the next
    destination on its pages begins. Running heads and folios are outside the text block.
    `name` is the edition's, as messages give it (the print PDF's or the reader PDF's)."""
    edition = Edition(name)
    reader = PdfReader(str(path))
    edition.title = _squeeze(str(reader.metadata.get("/Title") or "") if reader.metadata else "")
    pages = list(reader.pages)
    page_numbers = {getattr(page.indirect_reference, "idnum", None): index
                    for index, page in enumerate(pages)}
    marks: list[tuple[int, float, str]] = []
    for name, dest in reader.named_destinations.items():
        page_ref: Any = dest.get("/Page")
        index = page_numbers.get(getattr(page_ref, "idnum", None)) if page_ref is not None else None
        if index is not None and dest.get("/Top") is not None:
            marks.append((index, float(dest["/Top"]), str(name)))  # type: ignore[arg-type]
    if any(m[2].startswith("index-") for m in marks):
        edition.index_links, edition.index_faults = misplaced_pdf_locators(path)
    notes = sorted((m for m in marks if NOTE_ID.fullmatch(m[2])), key=lambda m: (m[0], -m[1]))
    if not notes:
        return edition
    boundaries = sorted(marks, key=lambda m: (m[0], -m[1]))
    keys = [(b[0], -b[1]) for b in boundaries]
    spans: list[tuple[tuple[int, float, str], tuple[int, float, str] | None]] = []
    for start in notes:
        after = bisect.bisect_right(keys, (start[0], -start[1]))
        spans.append((start, boundaries[after] if after < len(boundaries) else None))
    # A note runs from its own page to the page where the next destination is (or the next).
    wanted = {page for start, end in spans
              for page in range(start[0], (end[0] if end is not None else start[0] + 1) + 1)}
    runs = _text_runs(reader, sorted(wanted & set(range(len(pages)))))
    _check_pdf_links(edition, pages, {m[2] for m in marks})
    for start, following in spans:
        text = _between(runs, start, following)
        match = re.match(r"\s*(\d+)\.\s*", text)
        number = int(match.group(1)) if match else 0
        body = text[match.end():] if match else text
        edition.notes.append(ReadNote(int(start[2][5:]), number, _logical(_squeeze(body))))
    return edition


# A run of right-to-left letters (Hebrew, Arabic) with the spaces and marks between them.
_RTL_RUN = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]"
                      r"(?:[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\s]*[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff])?")


def _logical(text: str) -> str:
    """A PDF draws right-to-left script in visual order, so its text comes out backwards: each
    run of it is put back in reading order (enough for words and phrases within a line)."""
    return _RTL_RUN.sub(lambda match: match.group(0)[::-1], text)


def _text_runs(pdf: PdfReader, indexes: list[int]) -> dict[int, list[Run]]:
    fonts: dict[int, Font] = {}
    runs: dict[int, list[Run]] = {}
    for index in indexes:
        page = pdf.pages[index]
        x0, y0, x1, y1 = (float(v) for v in page.trimbox)
        height = y1 - y0
        reader = PageReader(fonts, (x0, y0, x1, y1), keep_text=True)
        resources = page.get("/Resources")
        if page.get_contents() is not None and resources is not None:
            reader.read(page.get_contents(), resources.get_object(), pdf)
        # The text block: running heads sit above 92% of the page, folios below 9.5%.
        runs[index] = [run for run in reader.result.runs
                       if y0 + 0.095 * height < run.y < y1 - 0.075 * height]
    return runs


def _between(runs: dict[int, list[Run]], start: tuple[int, float, str],
             end: tuple[int, float, str] | None) -> str:
    last = end[0] if end is not None else start[0] + 1
    chosen = sorted(((index, -run.y, run) for index in range(start[0], last + 1)
                     for run in runs.get(index, []) if _within((index, -run.y), start, end)),
                    key=lambda item: item[:2])
    text = ""
    for line in _lines(chosen):
        if text:
            # A new line: a hyphen WeasyPrint added (U+2010) joins the word; else a space.
            text = text[:-1] if text.endswith("\u2010") else text + " "
        text += _join(sorted(line, key=lambda run: run.x))
    return text


def _join(line: list[Run]) -> str:
    """One line's runs as text: a gap wider than a thin space between two runs is a word space
    (WeasyPrint positions a word that follows a superscript rather than printing the space)."""
    text = ""
    previous: Run | None = None
    for run in line:
        if (previous is not None and run.x - previous.end > 0.15 * min(run.size, previous.size)
                and not text.endswith(" ") and not run.text.startswith(" ")):
            text += " "
        text += run.text
        previous = run
    return text


def _within(key: tuple[int, float], start: tuple[int, float, str],
            end: tuple[int, float, str] | None) -> bool:
    return key >= (start[0], -start[1]) and (end is None or key < (end[0], -end[1]))


def _lines(chosen: list[tuple[int, float, Run]]) -> list[list[Run]]:
    """Runs grouped into printed lines: a superscript sits a little above its line's baseline,
    so runs on one page within half a line of the line's first run belong to it."""
    lines: list[list[Run]] = []
    current: tuple[int, float, float] | None = None        # page, baseline, size
    for index, y, run in chosen:
        if current is not None and index == current[0] and y - current[1] < 0.6 * max(current[2], run.size):
            lines[-1].append(run)
            current = (index, max(current[1], y), max(current[2], run.size))
            continue
        lines.append([run])
        current = (index, y, run.size)
    return lines


def _check_pdf_links(edition: Edition, pages: list[Any], names: set[str]) -> None:
    targets: set[str] = set()
    for page in pages:
        for name, _ in pdf_links(page):
            targets.add(name)
            if name not in names:
                edition.broken_links.append(f"link to {name}")
    for name in names:
        match = NOTE_ID.fullmatch(name)
        if match and f"noteref-{match.group(1)}" not in targets:
            edition.broken_links.append(f"no link back from {name}")
        if match and name not in targets:
            edition.broken_links.append(f"no call links to {name}")
