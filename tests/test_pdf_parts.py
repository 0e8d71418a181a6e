"""The PDF laid out in parts by several processes and joined is the same book, page for page,
as the PDF laid out as one document: same text and folios on every page, the same anchors on the
same pages, the same links, the same bookmarks."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

from bookbuild.pipeline import load
from bookbuild.progress import Progress
from bookbuild.writers.pdf.split import PART_WORDS, plan_parts
from conftest import bookbuild, corpus_book

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


def _pages(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


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


def test_ten_days_in_parts_is_the_book_laid_out_whole(ten_days: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    result = bookbuild("build", "--draft", "--jobs", "1", "--format", "pdf",
                       "--manuscript", corpus_book("reed-ten-days"), "--out", whole)
    assert result.code == 0, result.stderr[-2000:]
    joined, single = ten_days / f"{SLUG}.pdf", whole / f"{SLUG}.pdf"
    joined_pages, single_pages = _pages(joined), _pages(single)
    assert len(joined_pages) == len(single_pages) > 400
    different = [i + 1 for i, (a, b) in enumerate(zip(joined_pages, single_pages, strict=True)) if a != b]
    assert different == []
    anchors, links, outline = _structure(joined)
    assert (anchors, links, outline) == _structure(single)
    # Every link resolves, notes included, across the parts.
    assert len(links) > 200 and all(target in anchors for _, target in links)
    assert {f"note-{n}" for n in range(1, 21)} <= anchors.keys()
