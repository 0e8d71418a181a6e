"""Cross-references in Quarto's syntax: @fig-, @tbl-, @sec-, [-@fig-] and @page-, numbered per
book or per chapter, printed the same in the PDF, the EPUB and the HTML, each a link to its
target, a page reference the print page where the target really stands."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest

from bookbuild.pipeline import build, load
from bookbuild.progress import Progress
from conftest import EPOCH, ROOT

IMAGE = ROOT / "src" / "bookbuild" / "scaffold" / "template" / "manuscript" / "images" / "editions.png"
PARAGRAPH = ("The committee met again in the long room above the printing works, and the delegates "
             "of the districts read out their reports one after another while the lamps were lit. ")
FILLER = (PARAGRAPH * 6 + "\n\n") * 6


def _book(root: Path, numbering: str) -> Path:
    (root / "images").mkdir(parents=True)
    shutil.copy(IMAGE, root / "images" / "map.png")
    (root / "book.yaml").write_text(
        f"title: Cross References\nauthor: A. Writer\nlang: en-GB\ncrossref:\n  numbering: {numbering}\n"
        "accepted-duplicates:\n  - \"the delegates of the districts read out their reports\"\n",
        encoding="utf-8")
    (root / "01-one.md").write_text(
        "# The Committees {#sec-committees}\n\n"
        "The wages are in @tbl-wages, the districts on the map of @fig-map, and the terror is "
        "told in @sec-terror,\non @page-sec-terror. Figure [-@fig-map] is drawn from a survey.\n\n"
        "![The districts of the city in 1917](images/map.png){#fig-map}\n\n" + FILLER +
        "| District | Wage |\n|---|---|\n| Vyborg | 4.10 |\n| Narva | 3.80 |\n\n"
        ": Daily wages in roubles {#tbl-wages}\n\n" + FILLER, encoding="utf-8")
    (root / "02-two.md").write_text(
        "# The Terror {#sec-terror}\n\n" + FILLER +
        "![The second map](images/map.png){#fig-second}\n\n"
        "Back to @fig-map and on to @fig-second; the wages again in table [-@tbl-wages].[^back]\n\n"
        "[^back]: The wages stand on @page-tbl-wages, after @fig-second.\n",
        encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three editions of a two-chapter book, figures and tables numbered per chapter."""
    root = tmp_path_factory.mktemp("crossrefs")
    manuscript = _book(root / "book", "chapter")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.setenv("BOOKBUILD_CACHE", str(root / "cache"))
        result = build(manuscript, root / "out", ["pdf", "epub", "html"], Progress(quiet=True))
    assert not result.errors and not result.rejected and len(result.outputs) == 3
    return root / "out"


def test_numbering_through_the_book_or_by_chapter(tmp_path: Path) -> None:
    for numbering, expected in (("book", ["Figure 1", "Table 1", "Figure 2"]),
                                ("chapter", ["Figure 1.1", "Table 1.1", "Figure 2.1"])):
        book = load(_book(tmp_path / numbering, numbering), Progress(quiet=True))
        assert [book.labels[i].text for i in ("fig-map", "tbl-wages", "fig-second")] == expected
        assert book.labels["sec-terror"].text == "The Terror"
        assert [(r.key, r.form, r.place.file, r.place.line) for r in book.crossrefs][:5] == [
            ("tbl-wages", "label", "01-one.md", 3), ("fig-map", "label", "01-one.md", 3),
            ("sec-terror", "label", "01-one.md", 3), ("page-sec-terror", "label", "01-one.md", 4),
            ("fig-map", "number", "01-one.md", 4)]


def _pdf_pages(pdf: Path) -> list[tuple[str, str]]:
    reader = pypdf.PdfReader(str(pdf))
    return [(label, " ".join(page.extract_text().split()))
            for label, page in zip(reader.page_labels, reader.pages, strict=True)]


def test_the_print_edition_prints_labels_numbers_and_the_real_page(editions: Path) -> None:
    pages = _pdf_pages(editions / "cross-references.pdf")
    text = " ".join(words for _, words in pages)
    assert "The wages are in Table 1.1, the districts on the map of Figure 1.1" in text
    assert "Figure 1.1 is drawn from a survey" in text                  # [-@fig-map]
    assert "Figure 1.1. The districts of the city in 1917" in text      # the caption's label
    assert "Table 1.1. Daily wages in roubles" in text
    assert "Figure 2.1. The second map" in text
    assert "Back to Figure 1.1 and on to Figure 2.1; the wages again in table 1.1." in text
    printed = re.search(r"told in The Terror, on p\. (\w+)\.", text)
    assert printed is not None
    # The page reference names the page where the chapter "The Terror" opens.
    opening = next(label for label, words in pages if words.startswith("The Terror")
                   or " The Terror " in f" {words[:40]} ")
    assert printed.group(1) == opening and opening.isdigit() and int(opening) > 1
    # A page reference in a note (set in the back matter): the page where the table stands.
    in_note = re.search(r"The wages stand on p\. (\w+), after Figure 2\.1\.", text)
    assert in_note is not None and in_note.group(1) == next(
        label for label, words in pages if "Daily wages in roubles" in words)


def _links(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<a class="(crossref[^"]*)" href="([^"]+)">([^<]+)</a>', html)


def test_the_screen_editions_link_every_reference_with_the_same_words(editions: Path) -> None:
    pages = _pdf_pages(editions / "cross-references.pdf")
    opening = next(label for label, words in pages if " The Terror " in f" {words[:40]} ")
    with zipfile.ZipFile(editions / "cross-references.epub") as epub:
        epub_one = epub.read("EPUB/01-one.xhtml").decode()
        epub_two = epub.read("EPUB/02-two.xhtml").decode()
    html_one = (editions / "html" / "01-one.html").read_text(encoding="utf-8")
    expected_one = [("crossref", "01-one.{x}#tbl-wages", "Table 1.1"),
                    ("crossref", "01-one.{x}#fig-map", "Figure 1.1"),
                    ("crossref", "02-two.{x}", "The Terror"),
                    ("crossref page-ref", "02-two.{x}", f"p.\u00a0{opening}"),
                    ("crossref", "01-one.{x}#fig-map", "1.1")]
    for html, ext in ((epub_one, "xhtml"), (html_one, "html")):
        assert _links(html) == [(k, href.format(x=ext), words) for k, href, words in expected_one]
    assert _links(epub_two) == [("crossref", "01-one.xhtml#fig-map", "Figure 1.1"),
                                ("crossref", "02-two.xhtml#fig-second", "Figure 2.1"),
                                ("crossref", "01-one.xhtml#tbl-wages", "1.1")]
    assert 'id="fig-map"' in epub_one and 'id="tbl-wages"' in epub_one     # the targets exist
    assert '<span class="caption-label">Figure 1.1.</span> The districts' in epub_one


@pytest.mark.parametrize("jobs", [1, 2], ids=["one-process", "in-parts"])
def test_a_guess_with_another_count_of_figures_is_laid_out_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """The first layout prints a guess; a guess of three figures for a page of one cannot be
    set again in its box (it is wider), so the book is laid out again printing the page found,
    whether it is laid out in one process or in parts."""
    from bookbuild.writers.pdf import layout

    manuscript = _book(tmp_path / "book", "book")
    monkeypatch.setattr(layout, "guess_folios", lambda book: {"sec-terror": "100"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("BOOKBUILD_CACHE", str(tmp_path / "cache"))
    result = build(manuscript, tmp_path / "out", ["pdf"], Progress(quiet=True), jobs=jobs)
    assert not result.errors and not result.rejected
    pages = _pdf_pages(tmp_path / "out" / "cross-references.pdf")
    text = " ".join(words for _, words in pages)
    printed = re.search(r"told in The Terror, on p\. (\w+)\.", text)
    opening = next(label for label, words in pages if " The Terror " in f" {words[:40]} ")
    assert printed is not None and printed.group(1) == opening != "100"


def test_verify_reads_the_pages_that_page_references_print_from_the_print_edition(
        editions: Path) -> None:
    """A note's cross-references are verified as the words they print in every edition; the
    page of a page reference as the print edition placed its target (`bookbuild verify` in
    another process than the build reads it from the PDF's destinations)."""
    from bookbuild.verify import verify
    book = load(editions.parent / "book", Progress(quiet=True))
    assert book.print_pages is None
    report = verify(book, editions)
    assert report.passed, [f.to_text() for f in report.findings]
    table_page = book.print_pages.anchors["tbl-wages"] if book.print_pages else None
    assert book.note_texts == [f"The wages stand on p. {table_page}, after Figure 2.1."]
