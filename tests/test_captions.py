"""Inline content pandoc carries twice: every citation and footnote is one note, with one call.

The golden manuscript (tests/faults/captions/in) puts footnotes and citations in a figure's
caption (which pandoc repeats as the image's description), in an inline image's description, in
a heading (which reaches the contents, the running heads and the PDF's bookmarks) and in a table
caption. Each edition must print 11 notes, each called once, in the same order.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html
from pypdf import PdfReader

from conftest import bookbuild
from readers import epub_notes, html_notes, pdf_text

IN = Path(__file__).parent / "faults" / "captions" / "in"
SLUG = "captions"
NOTES = 11          # the notes listed, in reading order, in test_every_edition_prints_each_note...
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("captions")
    result = bookbuild("build", "--manuscript", IN, "--out", out)
    assert result.code == 0, result.stderr
    return out


def test_check_counts_each_note_and_citation_once() -> None:
    result = bookbuild("check", "--manuscript", IN, "--format", "json")
    summary = json.loads(result.stdout)["summary"]
    assert (summary["notes"], summary["citations"]) == (NOTES, 5)


def test_every_edition_prints_each_note_once_in_order(out: Path) -> None:
    expected_starts = ["Ann Lee, Quays", "Note a.", "Note b, in the caption.",
                       "Note c, in the caption.", "Anne Moss, The Harbour", "Lee, Quays, 2.",
                       "A note written in the description.", "Note d, in a heading.",
                       "Moss, The Harbour, 9.", "Note e, in a table caption.", "Lee, Quays, 3."]
    for notes in (epub_notes(out / f"{SLUG}.epub"), html_notes(out / "html")):
        assert [n.number for n in notes] == list(range(1, NOTES + 1))
        for note, start in zip(notes, expected_starts, strict=True):
            assert note.text.startswith(start), (note.text, start)
    text = pdf_text(out / f"{SLUG}.pdf")
    assert text.count("Note b, in the caption.") == 1
    assert text.count("A note written in the description.") == 1
    assert bookbuild("verify", "--manuscript", IN, "--out", out).code == 0


def test_each_note_has_exactly_one_call(out: Path) -> None:
    with zipfile.ZipFile(out / f"{SLUG}.epub") as archive:
        chapter = etree.fromstring(archive.read("EPUB/01-harbour.xhtml"))
    calls = [a.get("href") for a in chapter.iter(f"{XHTML}a") if a.get("role") == "doc-noteref"]
    assert calls == [f"notes.xhtml#note-{n}" for n in range(1, NOTES + 1)]
    page = html.parse(str(out / "html" / "01-harbour.html")).getroot()
    ids = page.xpath("//main//@id")
    assert len(ids) == len(set(ids)), "an id is given twice"
    assert page.xpath("count(//main//a[@role='doc-noteref'])") == NOTES


def test_descriptions_keep_words_only_and_notes_follow_an_inline_image(out: Path) -> None:
    page = html.parse(str(out / "html" / "01-harbour.html")).getroot()
    figure_image, inline_image = page.xpath("//main//img")
    assert figure_image.get("alt") == "A sketch of the harbour with boats."
    assert [a.text for a in page.xpath("//figcaption//a[@role='doc-noteref']")] == ["3", "4", "5"]
    assert inline_image.get("alt") == "icon"
    following = inline_image.xpath("following::a[@role='doc-noteref']")[:2]
    assert [a.text for a in following] == ["6", "7"]


def test_headings_reach_the_contents_without_their_calls(out: Path) -> None:
    with zipfile.ZipFile(out / f"{SLUG}.epub") as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
    toc = nav.xpath("//*[@id='toc']//*[local-name()='a']")
    titles = ["".join(a.itertext()) for a in toc]
    assert titles[:2] == ["The Harbour", "The quay and the mole"]
    assert not nav.xpath("//*[@id='toc']//*[@class='citation']"), "an empty citation in the contents"
    index = html.parse(str(out / "html" / "index.html")).getroot()
    assert "The quay and the mole" in index.xpath("string(//nav[@id='contents'])")
    outline = [item.title for item in _flatten(PdfReader(str(out / f"{SLUG}.pdf")).outline)]
    assert "The Harbour" in outline and "The quay and the mole" in outline, outline


def _flatten(items: list[object]) -> list[object]:
    flat: list[object] = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, list) else [item])
    return flat
