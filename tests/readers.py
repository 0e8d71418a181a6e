"""Read the finished editions back: the notes and the text each one holds.

Tests use these to compare the editions with each other and with the manuscript, instead of
trusting the templates.
"""

from __future__ import annotations

import copy
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, html
from pypdf import PdfReader

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@dataclass(frozen=True)
class ReadNote:
    number: int
    text: str


def norm(text: str) -> str:
    """Letters and digits only: what survives line breaks, hyphenation and typography."""
    return re.sub(r"\W+", "", text).casefold()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def epub_documents(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        return {name: etree.fromstring(archive.read(name)) for name in archive.namelist()
                if name.endswith(".xhtml")}


def _note_text(li: etree._Element) -> str:
    """A note's text without its back link or printed number."""
    clone = copy.deepcopy(li)
    for link in clone.xpath(".//*[@role='doc-backlink' or @class='note-number']"):
        _drop(link)
    return squeeze("".join(clone.itertext()))


def _drop(element: etree._Element) -> None:
    parent = element.getparent()
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (element.tail or "")
    else:
        parent.text = (parent.text or "") + (element.tail or "")
    parent.remove(element)


def notes_from_tree(root: etree._Element) -> list[ReadNote]:
    """The notes of an endnotes section: each li with its number (value) and its text."""
    items = root.xpath("//*[@role='doc-endnotes']//*[local-name()='li']")
    return [ReadNote(int(li.get("value")), _note_text(li)) for li in items]


def epub_notes(path: Path) -> list[ReadNote]:
    notes: list[ReadNote] = []
    for root in epub_documents(path).values():
        notes.extend(notes_from_tree(root))
    return notes


def html_notes(folder: Path) -> list[ReadNote]:
    return notes_from_tree(html.parse(str(folder / "notes.html")).getroot())


def pdf_pages(path: Path) -> list[str]:
    """The text of each page's text block: running heads and folios (in the margins) left out."""
    pages = []
    for page in PdfReader(str(path)).pages:
        x0, y0, x1, y1 = (float(v) for v in page.trimbox)
        height = y1 - y0
        pieces: list[str] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  low: float = y0 + 0.095 * height, high: float = y1 - 0.075 * height,
                  pieces: list[str] = pieces) -> None:
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if low < y < high or not text.strip():
                pieces.append(text)

        page.extract_text(visitor_text=visit)
        pages.append("".join(pieces))
    return pages


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))
