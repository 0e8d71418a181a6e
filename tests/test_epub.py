"""The EPUB edition, unzipped and read: validity, note semantics, navigation, metadata, cover."""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

from conftest import EPOCH, TEN_DAYS, EpubCheck, bookbuild
from readers import epub_documents
from test_cli import write_book

SLUG = "revolution-destroyed"
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def epub(essay: Path) -> Path:
    return essay / f"{SLUG}.epub"


@pytest.fixture(scope="module")
def opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as archive:
        return etree.fromstring(archive.read("EPUB/content.opf"))


def test_epubcheck_finds_nothing_in_the_essay(epub: Path, epubcheck_report: EpubCheck) -> None:
    assert epubcheck_report.problems(epub) == []


def test_epubcheck_finds_nothing_in_ten_days(ten_days: Path, epubcheck_report: EpubCheck) -> None:
    assert epubcheck_report.problems(ten_days / f"{TEN_DAYS}.epub") == []


def test_notes_pop_up_in_reading_systems(epub: Path) -> None:
    documents = epub_documents(epub)
    chapter = documents["EPUB/01-revolution-destroyed.xhtml"]
    notes = documents["EPUB/notes.xhtml"]
    calls = chapter.xpath("//x:a[@role='doc-noteref']", namespaces=NS)
    assert len(calls) == 19
    for number, call in enumerate(calls, start=1):
        assert call.get(EPUB_TYPE) == "noteref"
        assert call.get("href") == f"notes.xhtml#note-{number}"
        assert call.text == str(number)
    (section,) = notes.xpath("//*[@role='doc-endnotes']", namespaces=NS)
    assert section.get(EPUB_TYPE) == "endnotes"
    items = section.xpath(".//x:li", namespaces=NS)
    assert [item.get("id") for item in items] == [f"note-{n}" for n in range(1, 20)]
    for number, item in enumerate(items, start=1):
        # The list item is the note (SSV 1.1 and DPUB-ARIA 1.1 retired `endnote`/`doc-endnote`).
        assert item.get(EPUB_TYPE) is None
        last = list(item.iter("{*}a"))[-1]
        assert last.get("role") == "doc-backlink" and last.get(EPUB_TYPE) == "backlink"
        assert last.get("href") == f"01-revolution-destroyed.xhtml#noteref-{number}"
        assert last.tail is None or not last.tail.strip(), "the back link must end the note"
    everything = [e for root in documents.values() for e in root.iter()]
    assert not [e for e in everything if e.get("role") in ("doc-endnote", "doc-footnote")]
    assert not [e for e in everything if e.get(EPUB_TYPE) in ("endnote", "rearnote", "note")]


def test_navigation_has_contents_landmarks_and_ncx(epub: Path) -> None:
    documents = epub_documents(epub)
    nav = documents["EPUB/nav.xhtml"]
    (toc,) = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    entries = [(a.text, a.get("href")) for a in toc.xpath(".//x:a", namespaces=NS)]
    assert entries == [("Revolution Destroyed", "01-revolution-destroyed.xhtml"),
                       ("Notes", "notes.xhtml"), ("Bibliography", "bibliography.xhtml"),
                       ("Index", "book-index.xhtml")]
    (landmarks,) = nav.xpath("//x:nav[@epub:type='landmarks']", namespaces=NS)
    marks = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.xpath(".//x:a", namespaces=NS)}
    assert marks == {"cover": "cover.xhtml", "titlepage": "titlepage.xhtml", "toc": "nav.xhtml#toc",
                     "bodymatter": "01-revolution-destroyed.xhtml", "endnotes": "notes.xhtml",
                     "bibliography": "bibliography.xhtml", "index": "book-index.xhtml"}
    with zipfile.ZipFile(epub) as archive:
        ncx = etree.fromstring(archive.read("EPUB/toc.ncx"))
    labels = [t.text for t in ncx.xpath("//ncx:navPoint/ncx:navLabel/ncx:text", namespaces=NS)]
    assert labels == ["Revolution Destroyed", "Notes", "Bibliography", "Index"]


def _meta(opf: etree._Element, prop: str) -> list[str]:
    return [m.text for m in opf.xpath(f"//opf:meta[@property='{prop}']", namespaces=NS)]


def test_metadata(opf: etree._Element) -> None:
    titles = {t.get("id"): t.text for t in opf.xpath("//dc:title", namespaces=NS)}
    assert titles["title"] == "Revolution Destroyed"
    assert titles["subtitle"].startswith("As the Left celebrates")
    refinements = {(m.get("refines"), m.get("property")): m.text
                   for m in opf.xpath("//opf:meta[@refines]", namespaces=NS)}
    assert refinements[("#title", "title-type")] == "main"
    assert refinements[("#subtitle", "title-type")] == "subtitle"
    (creator,) = opf.xpath("//dc:creator", namespaces=NS)
    assert creator.text == "Jairus Banaji"
    assert refinements[(f"#{creator.get('id')}", "file-as")] == "Banaji, Jairus"
    assert refinements[(f"#{creator.get('id')}", "role")] == "aut"
    assert opf.xpath("//dc:language/text()", namespaces=NS) == ["en-GB"]
    assert opf.xpath("//dc:rights/text()", namespaces=NS) == ["© Jairus Banaji. All rights reserved."]
    identifier = opf.xpath("//dc:identifier/text()", namespaces=NS)[0]
    assert identifier == "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                      "bookbuild:Revolution Destroyed|Jairus Banaji|en-GB"))
    modified = datetime.datetime.fromtimestamp(int(EPOCH), datetime.UTC)
    assert _meta(opf, "dcterms:modified") == [modified.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert _meta(opf, "schema:accessMode") == ["textual"]
    assert _meta(opf, "schema:accessModeSufficient") == ["textual"]
    assert set(_meta(opf, "schema:accessibilityFeature")) >= {
        "tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability"}
    assert _meta(opf, "schema:accessibilityHazard") == ["none"]
    assert _meta(opf, "schema:accessibilitySummary")[0]
    assert _meta(opf, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]


def test_every_document_declares_its_language(epub: Path) -> None:
    for name, root in epub_documents(epub).items():
        assert root.get("lang") == "en-GB", name
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB", name


def test_a_cover_is_made_from_title_and_author(epub: Path, opf: etree._Element) -> None:
    (item,) = opf.xpath("//opf:item[@properties='cover-image']", namespaces=NS)
    with zipfile.ZipFile(epub) as archive:
        image = Image.open(io.BytesIO(archive.read("EPUB/" + item.get("href"))))
    assert image.size[0] >= 1600 and image.size[1] >= 2560
    cover_page = epub_documents(epub)["EPUB/cover.xhtml"]
    (img,) = cover_page.xpath("//x:img", namespaces=NS)
    assert img.get("src") == item.get("href") and img.get("role") == "doc-cover"
    assert "Revolution Destroyed" in img.get("alt")


def test_the_manuscript_cover_and_isbn_are_used(tmp_path: Path) -> None:
    config = "title: T\ncover-image: art/front.jpg\nisbn:\n  epub: 978-0-306-40615-7\n"
    book = write_book(tmp_path / "m", config, {"01.md": "# One\n\nText.\n"})
    (book / "art").mkdir()
    Image.new("RGB", (1800, 2700), (10, 20, 30)).save(book / "art" / "front.jpg", quality=90)
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out", "--format", "epub")
    assert result.code == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "t.epub") as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        (item,) = opf.xpath("//opf:item[@properties='cover-image']", namespaces=NS)
        assert archive.read("EPUB/" + item.get("href")) == (book / "art" / "front.jpg").read_bytes()
    assert opf.xpath("//dc:identifier/text()", namespaces=NS) == ["urn:isbn:9780306406157"]


def test_zip_is_laid_out_for_reading_systems(epub: Path) -> None:
    with zipfile.ZipFile(epub) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED and not infos[0].extra
    with zipfile.ZipFile(epub) as archive:
        assert archive.read("mimetype") == b"application/epub+zip"
    stamp = datetime.datetime.fromtimestamp(int(EPOCH), datetime.UTC).timetuple()[:6]
    assert {info.date_time for info in infos} == {stamp}


def test_fonts_are_embedded_subset_and_complete(epub: Path, opf: etree._Element) -> None:
    fonts = opf.xpath("//opf:item[@media-type='font/ttf']/@href", namespaces=NS)
    assert len(fonts) == 4
    documents = epub_documents(epub)
    used = {ord(c) for root in documents.values() for c in "".join(root.itertext()) if not c.isspace()}
    with zipfile.ZipFile(epub) as archive:
        for href in fonts:
            data = archive.read("EPUB/" + href)
            assert len(data) < 120_000, f"{href} is not subset"
            cmap = TTFont(io.BytesIO(data)).getBestCmap()
            assert not [chr(c) for c in used if c not in cmap], href
