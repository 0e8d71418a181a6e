"""The print cover wrap, read back: the sheet against trim, bleed and spine (the page count times
the printer's paper caliper), TrimBox and BleedBox, PDF/X, fonts embedded, text clear of the trim
and the folds, spine text only on a spine that can carry it, the barcode decoded back to the
ISBN; the proof's guides; the cover image's resolution; the ebook cover from the same design."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from bookbuild.cover.geometry import CoverGeometry
from bookbuild.cover.write import write_cover
from bookbuild.diagnostics import BookError
from bookbuild.model import Book, PrintPages
from bookbuild.pipeline import load
from bookbuild.progress import Progress
from bookbuild.writers.base import WriteContext
from bookbuild.writers.cover import book_cover
from conftest import EPOCH, ROOT

ISBN = "9781402894626"
TITLE = "The Long Room"
BLURB = "A history of the committees that met above the printing works, told by their minutes."


def _book(root: Path, pages: int, extra: str = "") -> Book:
    root.mkdir(parents=True, exist_ok=True)
    (root / "book.yaml").write_text(
        f"title: {TITLE}\nauthor: A. Writer\nlang: en-GB\nisbn: {ISBN}\n"
        f"cover:\n  back-text: \"{BLURB}\"\n{extra}", encoding="utf-8")
    (root / "01-one.md").write_text("# One\n\nThe committee met.\n", encoding="utf-8")
    book = load(root, Progress(quiet=True))
    # The interior's page count is the cover's input: here it is given, as a build's page map.
    book.print_pages = PrintPages(folios=[str(n) for n in range(1, pages + 1)], anchors={},
                                  breaks=[], blocks={})
    return book


def _write(book: Book, path: Path, proof: bool = False) -> CoverGeometry:
    return write_cover(book, path, WriteContext(timestamp=int(EPOCH)), proof)


@pytest.fixture(scope="module")
def wrap(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CoverGeometry]:
    root = tmp_path_factory.mktemp("cover")
    book = _book(root / "book", 300)
    path = root / "cover.pdf"
    return path, _write(book, path)


def _chars(path: Path) -> list[tuple[str, tuple[float, float, float, float]]]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        text = document[0].get_textpage()
        return [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())
                if text.get_text_range(i, 1).strip()]
    finally:
        document.close()


def test_the_sheet_is_bleed_back_spine_front_bleed(wrap: tuple[Path, CoverGeometry]) -> None:
    path, _ = wrap
    page = pypdf.PdfReader(str(path)).pages[0]
    spine = 300 * 0.002252 * 72                  # KDP, white paper, 300 pages
    media = [float(v) for v in page.mediabox]
    assert media[2] - media[0] == pytest.approx(9 + 5.5 * 72 + spine + 5.5 * 72 + 9, abs=0.05)
    assert media[3] - media[1] == pytest.approx(9 + 8.5 * 72 + 9, abs=0.05)
    trim = [float(v) for v in page.trimbox]
    assert trim == pytest.approx([media[0] + 9, media[1] + 9, media[2] - 9, media[3] - 9], abs=0.05)
    assert [float(v) for v in page.bleedbox] == pytest.approx(media, abs=0.05)


def test_pdfx_with_the_interiors_output_intent_and_every_font_embedded(
        wrap: tuple[Path, CoverGeometry]) -> None:
    reader = pypdf.PdfReader(str(wrap[0]))
    root = reader.trailer["/Root"]
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "CGATS TR 001"
    assert b"PDF/X-4" in root["/Metadata"].get_object().get_data()
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert len(fonts) >= 2
    for reference in fonts.values():
        descendant = reference.get_object()["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"] or "/FontFile3" in descendant["/FontDescriptor"]


def test_the_barcode_decodes_to_the_isbn_in_its_box(wrap: tuple[Path, CoverGeometry]) -> None:
    path, shape = wrap
    document = pypdfium2.PdfDocument(str(path))
    image = document[0].render(scale=600 / 72).to_pil().convert("L")
    document.close()
    found = zxingcpp.read_barcodes(image)
    assert [(r.format, r.text) for r in found] == [(zxingcpp.BarcodeFormat.EAN13, ISBN)]
    # Where printers ask for it: the foot of the back cover, 0.25 in from the spine fold and the
    # bottom trim, in its 2 x 1.2 in box (KDP).
    x0, y0, x1, y1 = found[0].position.top_left.x, found[0].position.top_left.y, \
        found[0].position.bottom_right.x, found[0].position.bottom_right.y
    box_x, box_y, box_w, box_h = (v * 600 / 72 for v in shape.barcode)
    assert box_x <= x0 and x1 <= box_x + box_w and box_y <= y0 and y1 <= box_y + box_h
    assert shape.barcode_box == pytest.approx((144, 86.4)) and shape.barcode_margin == pytest.approx(18)
    assert shape.folds[0] - (shape.barcode[0] + box_w * 72 / 600) == pytest.approx(18)
    digits = "".join(c for c, _ in _chars(path) if c.isdigit() or c == "-")
    assert "978-1-4028-9462-6" in digits and ISBN in digits.replace("-", "")


def test_text_stays_clear_of_the_trim_and_the_folds(wrap: tuple[Path, CoverGeometry]) -> None:
    path, shape = wrap
    media = [float(v) for v in pypdf.PdfReader(str(path)).pages[0].mediabox]
    left, right = shape.folds
    safe, clear = 0.125 * 72, 0.0625 * 72
    spine_text, back_text = [], []
    for char, (x0, y0, x1, y1) in _chars(path):
        assert x0 >= media[0] + 9 + safe - 0.5 and x1 <= media[2] - 9 - safe + 0.5
        assert y0 >= media[1] + 9 + safe - 0.5 and y1 <= media[3] - 9 - safe + 0.5
        if left <= x0 and x1 <= right:
            assert x0 >= left + clear - 0.5 and x1 <= right - clear + 0.5
            spine_text.append(char)
        else:
            assert x1 <= left - safe + 0.5 or x0 >= right + safe - 0.5, char    # never on a fold
            if x1 <= left:
                back_text.append(char)
    assert "".join(spine_text).replace(" ", "").startswith(TITLE.replace(" ", ""))
    assert BLURB.replace(" ", "")[:40] in "".join(back_text).replace(" ", "")


def test_a_thin_spine_carries_no_text_and_the_paper_and_printer_set_its_width(tmp_path: Path) -> None:
    book = _book(tmp_path / "thin", 60, "pdf:\n  paper: cream\n")
    shape = _write(book, tmp_path / "thin.pdf")
    assert shape.spine == pytest.approx(60 * 0.0025 * 72) and shape.spine_type == 0
    left, right = shape.folds
    assert not [c for c, (x0, _, x1, _) in _chars(tmp_path / "thin.pdf") if left <= x0 and x1 <= right]
    lulu = _book(tmp_path / "lulu", 300, "delivery: [lulu]\n")
    shape = _write(lulu, tmp_path / "lulu.pdf")
    assert shape.spine == pytest.approx((300 / 444 + 0.06) * 72)          # Lulu's formula
    width = float(pypdf.PdfReader(str(tmp_path / "lulu.pdf")).pages[0].mediabox.width)
    assert width == pytest.approx(2 * 9 + 2 * 5.5 * 72 + shape.spine, abs=0.05)
    assert "444" in shape.spine_formula and "lulu.com" in shape.spine_formula


def test_the_proof_draws_the_trim_folds_and_safe_zones_in_magenta(
        tmp_path: Path, wrap: tuple[Path, CoverGeometry]) -> None:
    book = _book(tmp_path / "book", 300)
    shape = _write(book, tmp_path / "proof.pdf", proof=True)
    document = pypdfium2.PdfDocument(str(tmp_path / "proof.pdf"))
    image = document[0].render(scale=2).to_pil().convert("RGB")
    document.close()
    fold = round(shape.folds[0] * 2)
    column = [image.getpixel((x, image.height // 2)) for x in range(fold - 2, fold + 3)]
    # A magenta line (drawn half a point wide, so blended with the ground at this scale).
    assert any(b > g + 25 for _, g, b in column)
    plain = Image.open(io.BytesIO(_render(wrap[0]))).convert("RGB")
    assert not any(b > g + 25 for _, g, b in
                   (plain.getpixel((x, plain.height // 2)) for x in range(fold - 2, fold + 3)))


def _render(path: Path) -> bytes:
    document = pypdfium2.PdfDocument(str(path))
    out = io.BytesIO()
    document[0].render(scale=2).to_pil().save(out, format="PNG")
    document.close()
    return out.getvalue()


def test_a_cover_image_too_coarse_for_print_is_refused_and_a_fine_one_fills_the_front(
        tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    Image.new("RGB", (800, 1200), (20, 120, 60)).save(tmp_path / "book" / "small.jpg")
    Image.new("RGB", (1800, 2700), (20, 120, 60)).save(tmp_path / "book" / "large.jpg")
    small = _book(tmp_path / "book", 300, "cover-image: small.jpg\n")
    with pytest.raises(BookError) as refused:
        _write(small, tmp_path / "small.pdf")
    (finding,) = refused.value.diagnostics
    assert finding.code == "cover-resolution" and finding.place.file == "book.yaml"
    assert "800 x 1200 pixels" in finding.message and "300 ppi" in finding.message
    assert "1688 x 2625 pixels" in finding.message           # 5.625 x 8.75 in at 300 ppi
    large = _book(tmp_path / "book", 300, "cover-image: large.jpg\n")
    shape = _write(large, tmp_path / "large.pdf")
    image = Image.open(io.BytesIO(_render(tmp_path / "large.pdf"))).convert("RGB")
    # The front (right of the spine) is the image, to the sheet's outer edge.
    for x in (round((shape.folds[1] + 10) * 2), image.width - 2):
        r, g, b = image.getpixel((x, image.height // 2))
        assert g > r + 40 and g > b + 20


def test_the_ebook_cover_is_the_same_design_at_the_stores_size(
        tmp_path: Path, wrap: tuple[Path, CoverGeometry]) -> None:
    book = _book(tmp_path / "book", 300)
    cover = book_cover(book)
    image = Image.open(io.BytesIO(cover.data)).convert("RGB")
    assert (cover.media_type, image.size) == ("image/png", (1600, 2560))
    printed = Image.open(io.BytesIO(_render(wrap[0]))).convert("RGB")
    ground_print = printed.getpixel((printed.width - 30, 30))
    ground_ebook = image.getpixel((30, 30))
    assert all(abs(a - b) <= 6 for a, b in zip(ground_print, ground_ebook, strict=True))
    assert book_cover(book).data == cover.data                   # the same bytes every time


def test_the_essays_cover_from_a_build(tmp_path: Path) -> None:
    """`bookbuild build --format pdf,cover` on the essay: the spine from its real page count."""
    manuscript = tmp_path / "manuscript"
    shutil.copytree(ROOT / "manuscript", manuscript)
    with (manuscript / "book.yaml").open("a", encoding="utf-8") as config:
        config.write(f"isbn: {ISBN}\n")
    done = subprocess.run([sys.executable, "-m", "bookbuild", "build", "--manuscript", str(manuscript),
                           "--out", str(tmp_path / "out"), "--format", "pdf,cover", "--quiet"],
                          capture_output=True, text=True, check=False,
                          env={**__import__("os").environ, "SOURCE_DATE_EPOCH": EPOCH,
                               "BOOKBUILD_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    pages = len(pypdf.PdfReader(str(tmp_path / "out" / "revolution-destroyed.pdf")).pages)
    sheet = pypdf.PdfReader(str(tmp_path / "out" / "revolution-destroyed-cover.pdf")).pages[0]
    assert float(sheet.mediabox.width) == pytest.approx(18 + 11 * 72 + pages * 0.002252 * 72, abs=0.05)
