"""Text is NFC in every edition, whatever form the manuscript typed it in.

The golden manuscript (tests/faults/nfc/in) is written in NFD on purpose: the chapter and
book.yaml spell "Café" and "Antonín" with combining accents, and the bibliography writes LaTeX
accents on the dotless i and j (`Anton{\\'\\i}n`, `Na{\\"\\i}ve`, `Je{\\^\\j}e`), which pandoc
turns into a dotless letter plus a combining accent that no normalisation composes. Every
edition, the search index and the PDF's text must hold the composed letters, and the manuscript
must be left exactly as it was.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from bookbuild.config import load_config
from bookbuild.parse.sources import read_sources
from conftest import bookbuild
from readers import epub_notes, html_notes, pdf_text, squeeze
from test_cli import write_book

IN = Path(__file__).parent / "faults" / "nfc" / "in"
SLUG = "cafe-antonin"
TITLE, AUTHOR = "Café Antonín", "Zoë Müller"
TEXT = ["Café Society", "Antonín Moss kept a café by the quay.", "Zoë and Noël",
        "Crème brûlée"]
NOTES = ["Antonín Moss, A History of the Harbour (Oxford: Chapel and Hall, 2001), 4.",
         "Loïc Naïve and Olga Jeĵe, “Cafés of the Port,” Harbour Studies 3 (1999): 5."]
DOTLESS = ("\u0131", "\u0237")


def _nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text) and not any(c in text for c in DOTLESS)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    before = {p: p.read_bytes() for p in IN.rglob("*") if p.is_file()}
    out = tmp_path_factory.mktemp("nfc")
    result = bookbuild("build", "--manuscript", IN, "--out", out)
    assert result.code == 0, result.stderr
    # The manuscript is read, never written: it is still NFD, byte for byte.
    assert {p: p.read_bytes() for p in IN.rglob("*") if p.is_file()} == before
    return out


def test_the_golden_manuscript_is_really_nfd() -> None:
    for name in ("01-cafe.md", "book.yaml"):
        text = (IN / name).read_text(encoding="utf-8")
        assert "e\u0301" in text and not unicodedata.is_normalized("NFC", text), name
    assert "{\\'\\i}" in (IN / "refs.bib").read_text(encoding="utf-8")


def test_the_epub_is_nfc(out: Path) -> None:
    with zipfile.ZipFile(out / f"{SLUG}.epub") as archive:
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                 if name.endswith((".xhtml", ".opf", ".ncx"))}
    for name, text in texts.items():
        assert _nfc(text), name
    everything = "".join(texts.values())
    for expected in [TITLE, AUTHOR, *TEXT, "Moss, Antonín.", "Naïve, Loïc, and Olga Jeĵe."]:
        assert expected in everything, expected
    package = next(text for name, text in texts.items() if name.endswith(".opf"))
    assert f">{TITLE}<" in package and f">{AUTHOR}<" in package
    assert [n.text for n in epub_notes(out / f"{SLUG}.epub")] == NOTES


def test_the_html_edition_and_its_search_index_are_nfc(out: Path) -> None:
    folder = out / "html"
    pages = {p.name: p.read_text(encoding="utf-8") for p in folder.rglob("*")
             if p.suffix in (".html", ".js")}
    for name, text in pages.items():
        assert _nfc(text), name
    assert f"<title>{TITLE}</title>" in pages["index.html"]
    for expected in TEXT:
        assert expected in pages["01-cafe.html"], expected
    assert [n.text for n in html_notes(folder)] == NOTES
    assert "Naïve, Loïc, and Olga Jeĵe." in squeeze(pages["bibliography.html"])
    index = pages["search-index.js"]
    for expected in ["Café Society", "Crème brûlée", "Antonín Moss", "Loïc Naïve"]:
        assert expected in index, expected


def test_the_pdf_text_is_nfc(out: Path) -> None:
    pdf = out / f"{SLUG}.pdf"
    text = squeeze(pdf_text(pdf))
    assert _nfc(text)
    for expected in [*TEXT, *NOTES, "Moss, Antonín."]:
        assert expected in text, expected
    info = PdfReader(str(pdf)).metadata
    assert info is not None and info.title == TITLE


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_pdftotext_reads_composed_letters(out: Path) -> None:
    text = squeeze(subprocess.run(["pdftotext", str(out / f"{SLUG}.pdf"), "-"], check=True,
                                  capture_output=True, text=True).stdout)
    assert _nfc(text)
    assert "Antonín Moss kept a café" in text and NOTES[1] in text


def test_a_nfd_chapter_keeps_its_line_numbers_and_its_file(tmp_path: Path) -> None:
    chapter = ("# Cafe\u0301\n\nAntoni\u0301n, Zoe\u0308 and Noe\u0308l.\n"
               "Cre\u0300me bru\u0302le\u0301e.\n\nSee [@nowhere].\n")
    book = write_book(tmp_path / "m", "title: Cafe\u0301\n", {"01.md": chapter})
    config, _ = load_config(book)
    assert config.title == "Café"
    [source] = read_sources(config)
    assert source.text == unicodedata.normalize("NFC", chapter)
    assert len(source.lines) == len(chapter.split("\n"))
    assert source.differs_from_file            # pandoc is given a copy of the NFC text (parse.pandoc)
    assert (book / "01.md").read_text(encoding="utf-8") == chapter  # never written to
    result = bookbuild("check", "--manuscript", book, "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["file"], f["line"]) for f in findings] == [
        ("unknown-citation", "01.md", 6)]


def test_a_nfc_chapter_is_read_in_place(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: T\n", {"01.md": "# Café\n\nAntonín.\n"})
    [source] = read_sources(load_config(book)[0])
    assert source.path == book.resolve() / "01.md" and not source.differs_from_file
