"""The PDF/X-1a:2001 edition, for IngramSpark: built by default for a book delivered there,
PDF 1.3, every image converted to CMYK through the book's profile with its transparency
flattened onto white, no annotations and no transparency groups, read back by the preflight;
its notes still verified."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from bookbuild.delivery.printed import PrintFacts, check_print
from bookbuild.pipeline import build, default_formats, load
from bookbuild.preflight import text_margin
from bookbuild.preflight.flat import flat_problems
from bookbuild.progress import Progress
from conftest import EPOCH, ROOT

TEMPLATE = ROOT / "src" / "bookbuild" / "scaffold" / "template" / "manuscript"


def _manuscript(root: Path) -> Path:
    shutil.copytree(TEMPLATE, root)
    picture = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((50, 50, 550, 350), fill=(200, 30, 40, 255))
    draw.rectangle((0, 0, 100, 100), fill=(30, 60, 200, 128))       # half transparent
    picture.save(root / "images" / "editions.png")
    picture.convert("RGB").save(root / "images" / "photo.jpg", quality=90)
    with (root / "02-figures-and-links.md").open("a", encoding="utf-8") as chapter:
        chapter.write("\n![A photograph](images/photo.jpg)\n")
    # Enough pages for IngramSpark (18 at least): numbered reports, a repetition accepted.
    sentences = " ".join(f"Report {n} of the committee was read on day {n % 31 + 1} and filed "
                         f"under number {n * 7}." for n in range(1, 700))
    (root / "03-reports.md").write_text("# Reports\n\n" + sentences + "\n", encoding="utf-8")
    with (root / "book.yaml").open("a", encoding="utf-8") as config:
        config.write("\ndelivery: [ingramspark]\nisbn: 9781402894626\n"
                     "accepted-duplicates:\n  - of the committee was read on day\n")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("x1a")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.setenv("BOOKBUILD_CACHE", str(root / "cache"))
        # The default editions for a book delivered to IngramSpark include the PDF/X-1a.
        manuscript = _manuscript(root / "book")
        formats = default_formats(load(manuscript, Progress(quiet=True)).config)
        assert formats == ["pdf", "epub", "html", "pdf-x1a"]
        result = build(manuscript, root / "out", ["pdf-x1a"], Progress(quiet=True))
    assert not result.errors and not result.rejected, [f.to_text() for f in result.findings]
    return root / "out"


def test_a_book_for_ingramspark_gets_a_pdf_x1a(built: Path, tmp_path: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == ["a-new-book-x1a.pdf"]
    flat = PdfReader(str(built / "a-new-book-x1a.pdf"))
    assert flat.pdf_header == "%PDF-1.3"
    assert flat.trailer["/Info"]["/GTS_PDFXVersion"] == "PDF/X-1a:2001"
    assert flat.trailer["/Root"]["/OutputIntents"][0]["/OutputConditionIdentifier"] == "CGATS TR 001"
    assert list(flat_problems(flat)) == []
    # A PDF/X-4 is not PDF/X-1a, and the same reading says why.
    from weasyprint import HTML
    Image.new("RGBA", (20, 20), (200, 30, 40, 128)).save(tmp_path / "red.png")
    HTML(string='<a href="https://example.org">x</a><img src="red.png">',
         base_url=str(tmp_path) + "/").write_pdf(tmp_path / "x4.pdf", pdf_variant="pdf/x-4")
    problems = list(flat_problems(PdfReader(str(tmp_path / "x4.pdf"))))
    assert any("PDF 1.3" in p for p in problems) and any("annotations" in p for p in problems)
    assert any("not CMYK" in p or "soft mask" in p for p in problems)


def test_every_image_is_cmyk_without_transparency(built: Path) -> None:
    reader = PdfReader(str(built / "a-new-book-x1a.pdf"))
    found = {x.idnum: x.get_object() for page in reader.pages       # pages share their resources
             for x in (page["/Resources"].get("/XObject") or {}).values()
             if x.get_object()["/Subtype"] == "/Image"}
    images = list(found.values())
    assert len(images) == 2
    assert all(i["/ColorSpace"] == "/DeviceCMYK" and "/SMask" not in i for i in images)
    assert not any("/Annots" in page for page in reader.pages)


def test_colours_survive_the_conversion_and_alpha_lies_on_white(built: Path) -> None:
    reader = PdfReader(str(built / "a-new-book-x1a.pdf"))
    number = next(i for i, page in enumerate(reader.pages)
                  if any(x.get_object()["/ColorSpace"] == "/DeviceCMYK"
                         for x in (page["/Resources"].get("/XObject") or {}).values()))
    document = pypdfium2.PdfDocument(str(built / "a-new-book-x1a.pdf"))
    image = document[number].render(scale=2).to_pil().convert("RGB")
    document.close()
    pixels = [image.getpixel((x, y)) for x in range(0, image.width, 4) for y in range(0, image.height, 4)]
    assert any(r > 150 and g < 90 and b < 100 for r, g, b in pixels)           # the red
    # The half-transparent blue square, flattened onto the paper: a light blue.
    assert any(150 < r < 230 and 150 < g < 230 and b > 200 and b > r + 20 for r, g, b in pixels)


def test_everything_keeps_ingramsparks_half_inch_from_the_trim(built: Path) -> None:
    """IngramSpark keeps everything, running heads and folios included, 0.5 in from the trim:
    a book delivered there is laid out so (its running head moves down); one laid out without
    that rule (the head's ascenders 0.41 in from the trim) is refused with the rule's words."""
    margin = text_margin(built / "a-new-book-x1a.pdf")
    assert margin is not None and margin >= 0.495, margin
    book = load(built.parent / "book", Progress(quiet=True))
    facts = PrintFacts(pages=40, trim=(5.5, 8.5), bleed=False, pdfx="PDF/X-1a:2001",
                       fonts_embedded=True, min_text=None, min_line=None, min_image_ppi=None,
                       file="a-new-book-x1a.pdf", min_margin=0.41)
    (finding,) = check_print(book, facts)
    assert finding.code == "print-margin" and finding.is_error
    assert finding.message.startswith("text stands 0.410 in from the trim: IngramSpark")
    assert "0.5 in" in finding.message and "ingramspark.com" in finding.message
