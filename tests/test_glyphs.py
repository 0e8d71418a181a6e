"""Characters the book's fonts cannot show: refused by `check`, drawn by a fallback font once
book.yaml names one, in every edition, never as a .notdef box or in a machine's own font.

The fallback fonts come from Debian packages (.ci/run installs fonts-dejavu-core and
fonts-droid-fallback); a test whose font is absent skips and says which package it needs.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import html
from pypdf import PdfReader

from bookbuild.fontset import machine_font_with
from conftest import bookbuild
from readers import epub_notes, pdf_text
from test_cli import write_book

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")            # fonts-dejavu-core
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")   # fonts-droid-fallback
CHAPTER = ("# One\n\nThe sign read {cjk} in large letters, and {hebrew} on the other side.[^1]\n\n"
           "*In italics: {hebrew}.*\n\n[^1]: A note with {cjk} and {hebrew}.\n")


def font(path: Path, package: str) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is absent: install Debian's {package}")
    return path


def test_check_names_each_character_at_its_line_title_and_note_included(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", 'title: "Harbour 港"\n',
                      {"01.md": CHAPTER.format(cjk="港口", hebrew="שלום")})
    result = bookbuild("check", "--manuscript", book, "--format", "json")
    assert result.code == 1
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "missing-glyph"]
    places = {(f["file"], f["line"]) for f in findings}
    assert places == {("01.md", 3), ("book.yaml", 1)}
    text = " ".join(f["message"] for f in findings)
    for named in ("港 (U+6E2F CJK UNIFIED IDEOGRAPH-6E2F)", "口 (U+53E3 CJK UNIFIED IDEOGRAPH-53E3)",
                  "ש (U+05E9 HEBREW LETTER SHIN)", "fonts:", "fallback"):
        assert named in text
    # A build refuses the book: nothing is written.
    built = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert built.code == 1 and not (tmp_path / "out").exists()


def test_the_suggestion_names_a_font_of_this_machine_when_it_has_one() -> None:
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    font(DEJAVU, "fonts-dejavu-core")
    import os
    previous = os.environ.pop("BOOKBUILD_FONT_SEARCH", None)
    try:
        found = machine_font_with(ord("ש"))
    finally:
        if previous is not None:
            os.environ["BOOKBUILD_FONT_SEARCH"] = previous
    assert found is not None and found.suffix in (".ttf", ".otf")
    assert ord("ש") in TTFont(str(found)).getBestCmap()


@pytest.fixture(scope="module")
def with_fallbacks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fallbacks")
    shutil.copyfile(font(DEJAVU, "fonts-dejavu-core"), root / "DejaVuSans.ttf")
    shutil.copyfile(font(DROID, "fonts-droid-fallback"), root / "DroidSansFallbackFull.ttf")
    book = write_book(root / "m", 'title: "Harbour 港"\nfonts:\n  fallback:\n'
                      "    - fonts/DejaVuSans.ttf\n    - fonts/DroidSansFallbackFull.ttf\n",
                      {"01.md": CHAPTER.format(cjk="港口", hebrew="שלום")})
    (book / "fonts").mkdir()
    for name in ("DejaVuSans.ttf", "DroidSansFallbackFull.ttf"):
        shutil.move(root / name, book / "fonts" / name)
    out = root / "out"
    result = bookbuild("build", "--manuscript", book, "--out", out)
    assert result.code == 0, result.stderr
    return out


def test_pdf_draws_them_in_the_fallback_fonts_only(with_fallbacks: Path) -> None:
    pdf = PdfReader(str(with_fallbacks / "harbour.pdf"))
    fonts = set()
    for page in pdf.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for ref in (font_dict.get_object().values() if font_dict else []):
            fonts.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert "Bookbuild-Fallback-A" in fonts, fonts
    assert "Bookbuild-Fallback-B" in fonts, fonts
    assert all(name.startswith(("Gentium", "Bookbuild")) for name in fonts), fonts
    text = pdf_text(with_fallbacks / "harbour.pdf")
    assert "港口" in text and "A note with 港口" in text.replace("\n", " ")


def test_epub_and_html_embed_the_fallbacks_and_name_them_after_the_book_face(with_fallbacks: Path) -> None:
    with zipfile.ZipFile(with_fallbacks / "harbour.epub") as archive:
        names = archive.namelist()
        assert {"EPUB/fonts/fallback-1.ttf", "EPUB/fonts/fallback-2.ttf"} <= set(names)
        fonts_css = archive.read("EPUB/css/fonts.css").decode()
        book_css = archive.read("EPUB/css/book.css").decode()
        subset = TTFont(archive.open("EPUB/fonts/fallback-2.ttf"))
    assert 'font-family: "Bookbuild Fallback B"' in fonts_css
    assert '"Bookbuild Symbols", "Bookbuild Fallback A", "Bookbuild Fallback B", serif' in book_css
    assert {ord("港"), ord("口")} <= set(subset.getBestCmap())
    assert len(subset.getBestCmap()) < 50, "the fallback must be cut down to what the book uses"
    assert "港口" in epub_notes(with_fallbacks / "harbour.epub")[0].text
    site = with_fallbacks / "html"
    assert (site / "fonts" / "fallback-1.woff2").is_file()
    assert "Bookbuild Fallback B" in (site / "css" / "fonts.css").read_text()
    page = html.parse(str(site / "01.html")).getroot()
    assert "שלום" in page.xpath("string(//main)")


def test_code_is_set_in_the_styles_monospaced_face_never_a_machines(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: Code\n", {
        "01.md": "# One\n\nRun `make all` first.[^1]\n\n```\nprint('book')\n```\n\n"
                 "[^1]: Or `bookbuild check`.\n",
        "02.md": "# Two\n\nNo code here.\n"})
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    names = set()
    for page in PdfReader(str(tmp_path / "out" / "code.pdf")).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        names |= {str(ref.get_object()["/BaseFont"]).split("+", 1)[-1]
                  for ref in (font_dict.get_object().values() if font_dict else [])}
    assert "Bookbuild-Mono" in names and all(n.startswith(("Gentium", "Bookbuild")) for n in names)
    with zipfile.ZipFile(tmp_path / "out" / "code.epub") as archive:
        mono = TTFont(archive.open("EPUB/fonts/BookbuildMono-Regular.ttf"))
    assert set(map(chr, mono.getBestCmap())) >= set("makeallbookbuildcheckprint('book')")
    assert (tmp_path / "out" / "html" / "fonts" / "BookbuildMono-Regular.woff2").is_file()


def test_a_book_without_code_embeds_no_code_face(essay: Path) -> None:
    with zipfile.ZipFile(essay / "revolution-destroyed.epub") as archive:
        assert not [n for n in archive.namelist() if "Mono" in n]


def test_a_nested_lists_marker_and_its_space_have_glyphs(tmp_path: Path) -> None:
    """WeasyPrint sets a marker ("◦ ") in one font, its space included: the style's symbols font
    has the spaces, so no .notdef is drawn (War and Peace's nested lists failed the preflight)."""
    book = write_book(tmp_path / "m", "title: Lists\n",
                      {"01.md": "# One\n\n- one\n    - two\n        - three\n\nText.\n"})
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    assert "pdf-missing-glyph" not in result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "lists.epub") as archive:
        assert not [n for n in archive.namelist() if "Symbols" in n], "no symbol is used"
