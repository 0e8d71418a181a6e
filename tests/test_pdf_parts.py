"""The PDF laid out in parts by several processes and joined is the same book, page for page,
as the PDF laid out as one document: the same text and folios on every page, every character in
the same place (folios set again after the layout included), the same anchors on the same pages,
the same links, the same bookmarks."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from bookbuild.pipeline import load
from bookbuild.progress import Progress
from bookbuild.writers.pdf.split import PART_WORDS, plan_parts
from conftest import Early, corpus_book

SLUG = "ten-days-that-shook-the-world"


def test_parts_are_whole_chapters_of_similar_length_a_multiple_of_the_cores() -> None:
    book = load(corpus_book("tolstoy-war-and-peace"), Progress(quiet=True))
    words = [len(c.words.words) + len(c.note_words.words) for c in book.chapters]
    assert plan_parts(book, 1) == [range(len(words))]
    for jobs in (2, 3):
        plan = plan_parts(book, jobs)
        assert [index for part in plan for index in part] == list(range(len(words)))
        assert len(plan) % jobs == 0
        sizes = [sum(words[index] for index in part) for part in plan]
        assert max(sizes) < 1.3 * PART_WORDS
        assert max(sizes) < 1.5 * min(sizes)


def _pages(pdf: Path) -> list[tuple[str, list[tuple[float, ...]]]]:
    """Each page's text and the box of every character on it."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            text = page.get_textpage()
            boxes = [text.get_charbox(i) for i in range(text.count_chars())]
            pages.append((text.get_text_range(), boxes))
        return pages
    finally:
        document.close()


def _same_page(a: tuple[str, list[tuple[float, ...]]], b: tuple[str, list[tuple[float, ...]]]) -> bool:
    """The same text with every character within 0.1 pt (0.035 mm) of its place. (The notes,
    laid out after the text in one case and alone in the other, differ by up to 0.07 pt at the end
    of some justified lines: pango's glyph positions depend a little on what the font
    configuration loaded before.)"""
    return a[0] == b[0] and all(abs(x - y) < 0.1 for p, q in zip(a[1], b[1], strict=True)
                                for x, y in zip(p, q, strict=True))


def _structure(pdf: Path) -> tuple[dict[str, int], list[tuple[int, str]], list[tuple[str, int]]]:
    reader = PdfReader(pdf)
    anchors = {name: reader.get_destination_page_number(dest)
               for name, dest in reader.named_destinations.items()}
    links = [(index, str(annotation.get_object().get("/Dest")))
             for index, page in enumerate(reader.pages) for annotation in page.get("/Annots") or []]
    outline: list[tuple[str, int]] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                outline.append((str(item.title), reader.get_destination_page_number(item)))
    walk(reader.outline)
    return anchors, links, outline


@pytest.mark.early("ten-days-whole-pdf")
def test_ten_days_in_parts_is_the_book_laid_out_whole(ten_days: Path, early: Early) -> None:
    # `build --draft --jobs 1 --format pdf`, started when the session began (conftest.EARLY_WORK).
    result, whole = early.result("ten-days-whole-pdf")
    assert result.code == 0, result.stderr[-2000:]
    joined, single = ten_days / f"{SLUG}.pdf", whole / f"{SLUG}.pdf"
    joined_pages, single_pages = _pages(joined), _pages(single)
    assert len(joined_pages) == len(single_pages) > 400
    different = [i + 1 for i, (a, b) in enumerate(zip(joined_pages, single_pages, strict=True))
                 if not _same_page(a, b)]
    assert different == []
    anchors, links, outline = _structure(joined)
    assert (anchors, links, outline) == _structure(single)
    # Every link resolves, notes included, across the parts.
    assert len(links) > 150 and all(target in anchors for _, target in links)
    assert {f"note-{n}" for n in range(1, 21)} <= anchors.keys()
