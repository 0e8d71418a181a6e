"""The reader PDF (`--format reader-pdf`), read back as a screen reader and a checker would: a
tagged PDF (PDF/UA-1 as WeasyPrint writes it) in sRGB, with the book's language and title,
bookmarks, links in Link elements, every figure described, running heads and folios as
artifacts, one P per paragraph reading as the paragraph does, and the print edition's pages
and page labels. Read with pypdf and pdfplumber (pdfminer), not with the code that wrote it;
`bookbuild.verify.tagged`, the build's own read-back, is checked against them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from lxml import html
from pypdf import PdfReader
from pypdf.generic import ContentStream, IndirectObject

from bookbuild.config import load_config
from bookbuild.pipeline import load
from bookbuild.progress import Progress
from bookbuild.verify.tagged import read_tagged
from bookbuild.writers import DEFAULT_FORMATS, writer_names
from bookbuild.writers.pdf.layout import pdf_view
from conftest import MANUSCRIPT, Run, bookbuild
from test_cli import write_book

SLUG = "revolution-destroyed"
INVISIBLE = dict.fromkeys(map(ord, "\u2060\u00ad\u200b"))     # the line breaker's marks


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The essay's reader PDF, built once for this module."""
    out = tmp_path_factory.mktemp("reader")
    result = bookbuild("build", "--manuscript", MANUSCRIPT, "--out", out, "--format", "reader-pdf")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out / f'{SLUG}-reader.pdf'}"
    return out / f"{SLUG}-reader.pdf"


@pytest.fixture(scope="module")
def catalog(reader: Path) -> dict:
    root: dict = PdfReader(str(reader)).trailer["/Root"]
    return root


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small book in German with a described image, two ranks of headings, a note, a word
    in French and a table."""
    from PIL import Image

    root = tmp_path_factory.mktemp("pictures")
    book = write_book(root / "m", "title: Bilder\nauthor: A. Maler\nlang: de\n", {
        "01.md": "# Eins\n\nEin Absatz vor dem Bild.[^1]\n\n![Ein rotes Quadrat auf Weiß](red.png)\n\n"
                 "## Ein Abschnitt\n\nNoch ein Absatz, mit einem [Verweis](#eins) und einem "
                 "[bonjour]{lang=fr}.\n\n"
                 "| Farbe | Wert |\n|---|---|\n| Rot | 1 |\n| Blau | 2 |\n\n"
                 "[^1]: Eine Anmerkung.\n"})
    Image.new("RGB", (40, 40), (200, 0, 0)).save(book / "red.png")
    return book


@pytest.fixture(scope="module")
def pictures_reader(pictures: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """`pictures` built once as a reader PDF: the build's outcome and its folder."""
    out = tmp_path_factory.mktemp("pictures-reader")
    return bookbuild("build", "--manuscript", pictures, "--out", out, "--format", "reader-pdf"), out


def _normal(text: str) -> str:
    return " ".join(text.translate(INVISIBLE).split())


# -- what the file promises --------------------------------------------------------------------


def test_a_tagged_pdf_ua_1_with_the_books_language_and_title(reader: Path, catalog: dict) -> None:
    config, _ = load_config(MANUSCRIPT)
    pdf = PdfReader(str(reader))
    assert pdf.pdf_header == "%PDF-1.7"
    tree = catalog["/StructTreeRoot"].get_object()
    assert tree["/Type"] == "/StructTreeRoot" and "/ParentTree" in tree
    assert catalog["/MarkInfo"]["/Marked"] is not False and bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == config.lang == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    title = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.S)
    assert title is not None and title.group(1) == config.title
    assert re.search(r'pdfuaid:part="1"', xmp)
    assert "pdfxid" not in xmp                 # not a PDF/X: not for a printer
    assert pdf.metadata is not None and pdf.metadata.title == config.title


def test_in_srgb_with_an_srgb_output_intent_and_no_cmyk(reader: Path, catalog: dict) -> None:
    (intent,) = [intent.get_object() for intent in catalog["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[16:20] == b"RGB "
    pdf = PdfReader(str(reader))
    operators = {operator for page in pdf.pages
                 for _, operator in ContentStream(page.get_contents(), pdf).operations}
    assert {b"rg"} <= operators and not {b"k", b"K"} & operators
    assert b"/DeviceCMYK" not in reader.read_bytes()


def test_not_a_default_edition_but_a_format(tmp_path: Path) -> None:
    assert DEFAULT_FORMATS == ["pdf", "epub", "html"]
    assert "reader-pdf" in writer_names()
    result = bookbuild("build", "--help")
    assert "reader-pdf" in result.stdout


# -- the same pages as the print edition -----------------------------------------------------


def test_the_print_editions_pages_labels_and_words(reader: Path, essay: Path) -> None:
    printed, screen = PdfReader(str(essay / f"{SLUG}.pdf")), PdfReader(str(reader))
    assert screen.page_labels == printed.page_labels
    assert screen.page_labels[:7] == ["i", "ii", "iii", "iv", "v", "vi", "1"]
    for page, other in zip(screen.pages, printed.pages, strict=True):
        # Same trim, no bleed, no marks: every box is the trim.
        assert [float(v) for v in page.mediabox] == [float(v) for v in other.trimbox]
        assert [float(v) for v in page.trimbox] == [float(v) for v in page.bleedbox]
        assert page["/Tabs"] == "/S"        # the tab order is the structure's
    with pdfplumber.open(reader) as a, pdfplumber.open(essay / f"{SLUG}.pdf") as b:
        for page, other in zip(a.pages, b.pages, strict=True):
            assert ([(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in page.chars]
                    == [(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in other.chars])


def test_bookmarks_are_the_print_editions(reader: Path, essay: Path) -> None:
    def titles(pdf: PdfReader) -> list[str]:
        return [item.title for item in pdf.outline if not isinstance(item, list)]
    assert titles(PdfReader(str(reader))) == titles(PdfReader(str(essay / f"{SLUG}.pdf")))
    assert "Revolution Destroyed" in titles(PdfReader(str(reader)))


# -- artifacts and content ---------------------------------------------------------------------


def test_running_heads_and_folios_are_artifacts_and_everything_else_is_tagged(reader: Path) -> None:
    labels = PdfReader(str(reader)).page_labels
    heads = folios = 0
    with pdfplumber.open(reader) as pdf:
        for index, page in enumerate(pdf.pages):
            height = float(page.height)
            for char in page.chars:
                margin = char["top"] < 0.075 * height or char["top"] > 0.905 * height
                if margin:
                    assert char["tag"] == "Artifact" and char["mcid"] is None, (index, char["text"])
                elif char["tag"] == "Artifact":
                    assert char["text"] in ". ", (index, char["text"])   # the contents' leaders
                elif char["text"].strip():
                    assert char["mcid"] is not None, (index, char["text"])
            foot = "".join(c["text"] for c in page.chars if c["top"] > 0.905 * height).strip()
            head = "".join(c["text"] for c in page.chars if c["top"] < 0.075 * height).strip()
            if foot:
                folios += 1
                assert foot == labels[index]    # the folio a reader sees is the page's label
            heads += bool(head)
    assert heads >= 5 and folios >= 9


def test_artifacts_are_pagination_headers_and_footers_outside_the_tree(reader: Path) -> None:
    tagged = read_tagged(reader)
    kinds = {kind for page in tagged.pages for kind, _ in page.artifacts}
    assert kinds == {"Header", "Footer", "Layout"}          # Layout: the contents' leaders
    assert not any(page.untagged or page.unmarked for page in tagged.pages)
    assert tagged.root is not None
    texts = [_normal(tagged.text(node)) for node in tagged.root.walk()]
    assert not any(re.fullmatch(r"Notes to pages? .*", text) for text in texts)
    assert not any(". . ." in text for text in texts)       # leaders are not read


# -- the structure tree ---------------------------------------------------------------------------


def test_headings_and_one_p_per_paragraph_reading_as_the_paragraph(reader: Path) -> None:
    """Each paragraph of the chapter is one P (not one per line, nor per page), whose text is the
    paragraph's: the line breaks' spaces read as spaces, the hyphens of broken words not at all."""
    book = load(MANUSCRIPT, Progress(quiet=True))
    (chapter,) = book.chapters
    view = pdf_view(book)
    title = view.title(chapter.title).striptags()
    page = html.fromstring(str(view.chapter_html(chapter)))
    paragraphs = [_normal(p.text_content()) for p in page.iter("p")]
    tagged = read_tagged(reader)
    assert tagged.root is not None
    sections = [node for node in tagged.root.walk() if node.kind == "Sect"
                and any(kid.kind == "H1" and _normal(tagged.text(kid)) == title
                        for kid in node.kids if hasattr(kid, "kind"))]
    section = max(sections, key=lambda node: len(node.kids))      # not the title page's
    read = [_normal(tagged.text(kid)) for kid in section.kids if getattr(kid, "kind", "") == "P"]
    assert read == paragraphs
    assert len(paragraphs) == 13
    # Paragraphs that a page break cuts are one P holding content of two pages.
    spanning = [node for node in section.kids if getattr(node, "kind", "") == "P"
                and len({content.page for content in node.contents()}) == 2]
    assert len(spanning) >= 3
    headings = [(node.kind, _normal(tagged.text(node))) for node in tagged.root.walk()
                if re.fullmatch(r"H\d", node.kind)]
    assert headings == [("H1", "Revolution Destroyed"), ("H1", "Contents"),
                        ("H1", "Revolution Destroyed"), ("H1", "Notes"),
                        ("H2", "Revolution Destroyed"), ("H1", "Bibliography"), ("H1", "Index")]


def test_an_independent_reader_finds_the_same_tree(reader: Path) -> None:
    """pdfplumber's reading of the structure tree (from the root, by the spec) agrees."""
    with pdfplumber.open(reader) as pdf:
        elements = list(_walk(pdf.structure_tree))
    kinds = [element["type"] for element in elements]
    tagged = read_tagged(reader)
    assert tagged.root is not None
    assert kinds == [node.kind for node in tagged.root.walk() if node.kind != "StructTreeRoot"]
    assert kinds.count("P") == len(tagged.elements("P")) > 40
    assert "Span" not in kinds[:3] and kinds[0] == "Document"


def _walk(elements: list[dict]) -> list[dict]:
    found = []
    for element in elements:
        found.append(element)
        found.extend(_walk(element.get("children", [])))
    return found


def test_note_links_are_link_elements_with_struct_parents_and_descriptions(reader: Path) -> None:
    pdf = PdfReader(str(reader))
    parent_tree = pdf.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()
    nums = parent_tree["/Nums"]
    parents = dict(zip(nums[::2], nums[1::2], strict=True))
    descriptions = []
    for page in pdf.pages:
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            assert annotation["/Subtype"] == "/Link"
            element = parents[annotation["/StructParent"]].get_object()
            assert element["/S"] == "/Link"
            objrs = [kid.get_object() for kid in element["/K"] if isinstance(kid, IndirectObject)]
            assert any(objr.get("/Type") == "/OBJR" and objr.raw_get("/Obj").idnum == reference.idnum
                       for objr in objrs)
            descriptions.append(str(annotation["/Contents"]))
    calls = [text for text in descriptions if text.startswith("Note ")]
    backs = [text for text in descriptions if text.startswith("Back to note ")]
    assert calls == [f"Note {n}" for n in range(1, 20)]
    assert backs == [f"Back to note {n}" for n in range(1, 20)]
    assert "Revolution Destroyed 1" in descriptions            # the contents, with its folio


def test_the_build_reads_it_back_and_verify_reads_it_like_the_other_editions(
        reader: Path, essay: Path, essay_verified: Run, tmp_path: Path) -> None:
    result = bookbuild("verify", "--manuscript", MANUSCRIPT, "--out", reader.parent,
                       "--format", "reader-pdf")
    assert result.code == 0, result.stdout + result.stderr
    assert "19 notes agree" in result.stdout and "reader PDF" in result.stdout
    # The print PDF is no reader PDF: untagged, CMYK, no PDF/UA identification.
    shutil.copy(essay / f"{SLUG}.pdf", tmp_path / f"{SLUG}-reader.pdf")
    result = bookbuild("verify", "--manuscript", MANUSCRIPT, "--out", tmp_path,
                       "--format", "reader-pdf")
    assert result.code == 1
    assert "reader-pdf-structure" in result.stdout
    assert "is not tagged" in result.stdout and "not one sRGB intent" in result.stdout
    # By default `verify` reads the three default editions, and the reader PDF when present:
    # `verify --manuscript MANUSCRIPT --out essay`, run once for the session (conftest.py).
    assert essay_verified.code == 0


# -- figures, languages, reproducibility -------------------------------------------------------


def test_a_figure_has_its_description_and_the_book_its_language(
        pictures_reader: tuple[Run, Path]) -> None:
    result, out = pictures_reader
    assert result.code == 0, result.stderr
    path = out / "bilder-reader.pdf"
    assert PdfReader(str(path)).trailer["/Root"]["/Lang"] == "de"
    with pdfplumber.open(path) as pdf:
        elements = list(_walk(pdf.structure_tree))
    figures = [element for element in elements if element["type"] == "Figure"]
    assert [figure.get("alt_text") for figure in figures] == ["Ein rotes Quadrat auf Weiß"]
    # A passage in another language is read in it.
    assert [(e["type"], e["lang"]) for e in elements if e.get("lang")] == [("Span", "fr")]
    # The title page's, the contents', the chapter's and its section's, the notes' and theirs.
    assert [e["type"] for e in elements if re.fullmatch(r"H\d", e["type"])] == [
        "H1", "H1", "H1", "H2", "H1", "H2"]
    tagged = read_tagged(path)
    assert [_normal(tagged.text(node)) for node in tagged.elements("Link")][-3:] == [
        "1", "Verweis", "1."]


def test_a_tables_header_cells_head_their_columns(pictures_reader: tuple[Run, Path]) -> None:
    result, out = pictures_reader
    assert result.code == 0, result.stderr
    pdf = PdfReader(str(out / "bilder-reader.pdf"))
    tree = pdf.trailer["/Root"]["/StructTreeRoot"].get_object()
    names = tree["/IDTree"]["/Names"]
    by_id = {str(name): reference.get_object() for name, reference in zip(names[::2], names[1::2],
                                                                        strict=True)}
    assert sorted(by_id) == list(by_id)        # a name tree is sorted
    headers = [element for element in by_id.values() if element["/S"] == "/TH"]
    assert len(headers) == 2 and all(h["/A"]["/Scope"] == "/Column" for h in headers)
    tagged = read_tagged(out / "bilder-reader.pdf")
    assert [_normal(tagged.text(cell)) for cell in tagged.elements("TH")] == ["Farbe", "Wert"]
    # Each data cell names its column's header, which the IDTree finds.
    text_of = {node.number: _normal(tagged.text(node)) for node in tagged.elements("TH")}
    assert [[text_of[by_id[name].indirect_reference.idnum] for name in cell]
            for cell in _cells(tree)] == [["Farbe"], ["Wert"], ["Farbe"], ["Wert"]]


def _cells(tree: dict) -> list[list[str]]:
    """The /Headers of every data cell, in order."""
    found: list[list[str]] = []

    def walk(element: dict) -> None:
        if element.get("/S") == "/TD":
            found.append([str(name) for name in element["/A"]["/Headers"]])
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, IndirectObject) and kid.get_object().get("/Type") == "/StructElem":
                walk(kid.get_object())
    walk(tree)
    return found


def test_an_undescribed_image_fails_the_reader_pdf_at_its_line(tmp_path: Path) -> None:
    from PIL import Image

    book = write_book(tmp_path / "m", "title: Bilder\nlang: de\n",
                      {"01.md": "# Eins\n\nText.\n\n![](red.png)\n"})
    Image.new("RGB", (40, 40), (200, 0, 0)).save(book / "red.png")
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out", "--format",
                       "reader-pdf")
    assert result.code == 1
    assert "01.md:5: error reader-pdf-structure:" in result.stderr
    assert "red.png without a description" in result.stderr
    assert not (tmp_path / "out" / "bilder-reader.pdf").exists()


def test_the_same_manuscript_gives_the_same_bytes(pictures: Path, pictures_reader: tuple[Run, Path],
                                                  tmp_path: Path) -> None:
    """A second build, here, against the module's (`pictures_reader`, the first)."""
    first, a = pictures_reader
    second = bookbuild("build", "--manuscript", pictures, "--out", tmp_path / "b", "--format", "reader-pdf")
    for result in (first, second):
        assert result.code == 0, result.stderr
    assert ((a / "bilder-reader.pdf").read_bytes()
            == (tmp_path / "b" / "bilder-reader.pdf").read_bytes())


def test_a_pdf_ua_checker_from_pypi_finds_nothing(reader: Path) -> None:
    """`pdfua` (PyPI; a subset of the PDF/UA-1 rules, not veraPDF, which no registry we reach
    has) when it is installed."""
    if shutil.which("pdfua") is None:
        pytest.skip("the pdfua checker is not installed (pip install pdfua)")
    done = subprocess.run(["pdfua", "check", str(reader)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
