"""Verify stage: the index read back from each edition.

EPUB and HTML: the entries in order, each with its level, its words and its locators' labels,
from the index document's markup. PDF: every locator of the index is a link; the page it leads
to must be the page its label names (a range: its first page), so a number the index prints is
a page where the marked text stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2
from lxml import etree
from pypdf import PdfReader

from bookbuild.model import PrintPages


@dataclass(frozen=True)
class ReadEntry:
    level: int
    term: str
    locators: tuple[str, ...]       # as labelled: "142", "142–45", or a chapter's title


def read_screen_index(root: etree._Element) -> list[ReadEntry] | None:
    """The entries of the index section in a parsed EPUB or HTML document; None: no index."""
    sections = root.xpath("//*[@id='book-index']")
    if not sections:
        return None
    entries: list[ReadEntry] = []
    for item in sections[0].iter():
        if not isinstance(item.tag, str) or item.tag.split("}")[-1] != "li":
            continue
        term = item.xpath("./*[contains(@class, 'index-term')]")
        if not term:
            continue
        level = sum(1 for a in item.iterancestors() if "index-entries" in (a.get("class") or ""))
        labels = tuple(" ".join("".join(a.itertext()).split())
                       for a in item.xpath("./*[local-name()='a' and contains(@class, 'index-locator')]"))
        entries.append(ReadEntry(level, " ".join("".join(term[0].itertext()).split()), labels))
    return entries


def misplaced_pdf_locators(path: Path) -> tuple[int, list[str]]:
    """How many index locator links the PDF has, and those whose label is not the folio of the
    page they lead to."""
    reader = PdfReader(str(path))
    labels = reader.page_labels
    pages = {getattr(page.indirect_reference, "idnum", None): i for i, page in enumerate(reader.pages)}
    targets = {str(name): pages.get(getattr(dest.get("/Page"), "idnum", None))
               for name, dest in reader.named_destinations.items()}
    document = pypdfium2.PdfDocument(str(path))
    count, faults = 0, []
    try:
        for index, page in enumerate(reader.pages):
            links = [(name, rect) for name, rect in pdf_links(page) if name.startswith("index-")]
            if not links:
                continue
            text = document[index].get_textpage()
            for name, rect in links:
                count += 1
                shown = " ".join(text.get_text_bounded(*rect).split())
                target = targets.get(name)
                folio = labels[target] if target is not None else "?"
                # "142", "142–45", or "142n5" (the page of note 5)
                if re.sub(r"n\d+$", "", shown.split("\u2013")[0]) != folio:
                    faults.append(f"the locator “{shown}” on page {labels[index]} leads to page {folio}")
    finally:
        document.close()
    return count, faults


def pdf_page_map(path: Path) -> PrintPages:
    """Where the PDF at `path` put every id: the folio (page label) of its named destination."""
    reader = PdfReader(str(path))
    labels = list(reader.page_labels)
    anchors: dict[str, str] = {}
    for name, dest in reader.named_destinations.items():
        page = reader.get_destination_page_number(dest)
        if page is not None and 0 <= page < len(labels):
            anchors[str(name)] = labels[page]
    return PrintPages(folios=labels, anchors=anchors, breaks=[], blocks={})


def pdf_links(page: Any) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The named destination and the rectangle of each link annotation of a pypdf page."""
    found = []
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        dest = annotation.get("/Dest")
        action = annotation.get("/A")
        if dest is None and action is not None:
            dest = action.get_object().get("/D")
        if isinstance(dest, (str, bytes)):
            name = dest.decode() if isinstance(dest, bytes) else str(dest)
            left, bottom, right, top = (float(v) for v in annotation.get("/Rect") or (0, 0, 0, 0))
            found.append((name, (left, bottom, right, top)))
    return found
