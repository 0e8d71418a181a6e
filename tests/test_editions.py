"""The essay's three editions, read back: full text, every note, the bibliography, the links."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import html
from pypdf import PdfReader

from bookbuild.ast import stringify
from bookbuild.pipeline import load
from bookbuild.progress import Progress
from conftest import MANUSCRIPT, bookbuild
from readers import epub_documents, epub_notes, html_notes, norm, pdf_text
from test_cli import write_book

SLUG = "revolution-destroyed"


@pytest.fixture(scope="module")
def book():  # type: ignore[no-untyped-def]
    return load(MANUSCRIPT, Progress(quiet=True))


def test_build_writes_the_three_editions(essay: Path) -> None:
    assert (essay / f"{SLUG}.epub").is_file()
    assert (essay / f"{SLUG}.pdf").read_bytes().startswith(b"%PDF-")
    assert (essay / "html" / "index.html").is_file()
    assert not list(essay.glob(".*")), "a temporary file was left behind"


def test_every_edition_has_the_same_notes_in_the_same_order(essay: Path, book) -> None:  # type: ignore[no-untyped-def]
    expected = [(note.number, stringify(note.blocks)) for note in book.notes]
    assert len(expected) == 19
    in_epub = [(n.number, n.text) for n in epub_notes(essay / f"{SLUG}.epub")]
    in_html = [(n.number, n.text) for n in html_notes(essay / "html")]
    assert in_epub == expected
    assert in_html == expected
    pdf = norm(pdf_text(essay / f"{SLUG}.pdf"))
    position = pdf.index(norm("Notes Revolution Destroyed"))
    for number, text in expected:
        found = pdf.find(norm(f"{number}. {text}"), position)
        assert found > position, f"note {number} is missing from the PDF or out of order"
        position = found


def test_note_calls_and_notes_link_both_ways(essay: Path) -> None:
    documents = epub_documents(essay / f"{SLUG}.epub")
    ids = {(name.rsplit("/", 1)[-1], element.get("id"))
           for name, root in documents.items() for element in root.iter() if element.get("id")}
    calls = [a for root in documents.values() for a in root.iter() if a.get("role") == "doc-noteref"]
    backs = [a for root in documents.values() for a in root.iter() if a.get("role") == "doc-backlink"]
    assert len(calls) == len(backs) == 19
    for link in calls + backs:
        page, _, fragment = link.get("href").partition("#")
        assert (page, fragment) in ids, link.get("href")
    for page in (essay / "html").glob("*.html"):
        root = html.parse(str(page)).getroot()
        for link in root.xpath("//a[@role='doc-noteref' or @role='doc-backlink']"):
            target, _, fragment = link.get("href").partition("#")
            assert html.parse(str(essay / "html" / target)).getroot().get_element_by_id(fragment) is not None


def _paragraph_pieces(book) -> list[str]:  # type: ignore[no-untyped-def]
    """The chapter's text, cut at each note call (print adds the call's number there)."""
    pieces = []
    for block in book.chapters[0].blocks[1:]:
        current: list[dict[str, object]] = []
        for inline in block.node["c"]:
            if inline["t"] == "Cite":
                pieces.append(stringify(current))
                current = []
                current.extend(i for i in inline["c"][1] if i["t"] != "NoteRef")
            else:
                current.append(inline)
        pieces.append(stringify(current))
    return [piece for piece in pieces if norm(piece)]


def test_every_edition_holds_the_full_text(essay: Path, book) -> None:  # type: ignore[no-untyped-def]
    pieces = [norm(piece) for piece in _paragraph_pieces(book)]
    assert len(pieces) >= len(book.chapters[0].blocks) - 1
    chapter_file = f"EPUB/{book.chapters[0].page}.xhtml"
    epub_root = epub_documents(essay / f"{SLUG}.epub")[chapter_file]
    html_root = html.parse(str(essay / "html" / f"{book.chapters[0].page}.html")).getroot()
    for link in epub_root.xpath("//*[@role='doc-noteref']") + html_root.xpath("//*[@role='doc-noteref']"):
        link.text = ""
    editions = {
        "epub": norm("".join(epub_root.itertext())),
        "html": norm("".join(html_root.itertext())),
        "pdf": norm(pdf_text(essay / f"{SLUG}.pdf")),
    }
    for name, text in editions.items():
        position = 0
        for piece in pieces:
            found = text.find(piece, position)
            assert found >= position, f"{name} lacks: {piece[:60]}"
            position = found + len(piece)


def test_every_edition_ends_with_the_bibliography(essay: Path, book) -> None:  # type: ignore[no-untyped-def]
    entries = [norm(stringify(entry)) for entry in book.bibliography_blocks[0]["c"][1]]
    documents = epub_documents(essay / f"{SLUG}.epub")
    texts = {
        "epub": norm("".join(documents["EPUB/bibliography.xhtml"].itertext())),
        "html": norm(html.parse(str(essay / "html" / "bibliography.html")).getroot().text_content()),
        "pdf": norm(pdf_text(essay / f"{SLUG}.pdf").split("Bibliography")[-1]),
    }
    for name, text in texts.items():
        for entry in entries:
            assert entry in text, f"{name} lacks {entry[:40]}"


def _digests(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(essay: Path, tmp_path: Path) -> None:
    result = bookbuild("build", "--manuscript", MANUSCRIPT, "--out", tmp_path)
    assert result.code == 0, result.stderr
    first, second = _digests(essay), _digests(tmp_path)
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_html_pages_are_self_contained(essay: Path) -> None:
    folder = essay / "html"
    for page in folder.glob("*.html"):
        root = html.parse(str(page)).getroot()
        for _, _, link, _ in root.iterlinks():
            if link.startswith("data:"):          # inline: nothing is requested
                continue
            if re.match(r"[a-z]+:", link):
                pytest.fail(f"{page.name} refers outside its folder: {link}")
            target = link.split("#")[0]
            if target:
                assert (folder / target).is_file(), f"{page.name}: {link} does not resolve"


def test_images_travel_with_every_edition(tmp_path: Path) -> None:
    from PIL import Image

    book = write_book(tmp_path / "m", "title: Pictures\n", {
        "01.md": "# One\n\n![A red square](figures/red.png)\n\nText.\n"})
    (book / "figures").mkdir()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(book / "figures" / "red.png")
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    out = tmp_path / "out"
    page = html.parse(str(out / "html" / "01.html")).getroot()
    (image,) = page.xpath("//img")
    assert image.get("alt") == "A red square"
    assert (out / "html" / image.get("src")).read_bytes() == (book / "figures" / "red.png").read_bytes()
    with zipfile.ZipFile(out / "pictures.epub") as archive:
        assert "EPUB/images/figures/red.png" in archive.namelist()
    chapter = epub_documents(out / "pictures.epub")["EPUB/01.xhtml"]
    (epub_image,) = chapter.iter("{http://www.w3.org/1999/xhtml}img")
    assert epub_image.get("src") == "images/figures/red.png"
    reader = PdfReader(str(out / "pictures.pdf"))
    # WeasyPrint shares one resource dictionary between pages: count distinct images.
    pictures = {image.data for page in reader.pages for image in page.images}
    assert len(pictures) == 1


def test_a_csl_json_bibliography_works_like_bibtex(tmp_path: Path) -> None:
    items = [{"id": "doe2000", "type": "book", "title": "A Title", "publisher": "P",
              "publisher-place": "Paris", "author": [{"family": "Doe", "given": "Jane"}],
              "issued": {"date-parts": [[2000]]}}]
    book = write_book(tmp_path / "m", "title: T\nbibliography: refs.json\n", {
        "refs.json": json.dumps(items, indent=1), "01.md": "# One\n\nCited [@doe2000, p. 3].\n"})
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out", "--format", "html")
    assert result.code == 0, result.stderr
    notes = html_notes(tmp_path / "out" / "html")
    assert [(n.number, n.text) for n in notes] == [(1, "Jane Doe, A Title (Paris: P, 2000), 3.")]
    bibliography = html.parse(str(tmp_path / "out" / "html" / "bibliography.html")).getroot()
    assert "Doe, Jane. A Title. Paris: P, 2000." in bibliography.text_content()
