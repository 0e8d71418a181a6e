"""The preflight fails a page where something drawn (an image, a rule, a border) crosses the
trim or leaves the text block, and passes the essay, its proof (crop marks in the slug) and the
tall-image manuscript once the image is scaled to fit."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from weasyprint import HTML

from bookbuild.config import load_config
from bookbuild.preflight import preflight
from bookbuild.preflight.content import PageReader
from bookbuild.writers.pdf.finish import finisher
from bookbuild.writers.pdf.geometry import geometry
from conftest import MANUSCRIPT, bookbuild

FAULTS = Path(__file__).resolve().parent / "faults"
TALL = FAULTS / "tall-image" / "in"


def _pdf(tmp_path: Path, body: str, pages: int = 24) -> Path:
    """A PDF at the book's trim and margins (as the writer sets them) holding `body`."""
    config, _ = load_config(TALL)
    shape = geometry(config, pages, False, False)
    path = tmp_path / "drawn.pdf"
    filler = "".join(f"<p style='break-before: page'>Page {n}.</p>" for n in range(2, pages + 1))
    html = HTML(string=f"<style>{shape.page_css()} img {{ display: block }}</style>{body}{filler}",
                base_url=str(TALL) + "/")
    html.write_pdf(str(path), pdf_variant="pdf/x-4",
                   finisher=finisher(shape, False, "00000000-0000-0000-0000-000000000000"))
    return path


def _errors(path: Path) -> list[tuple[str, str]]:
    config, _ = load_config(TALL)
    return [(f.code, f.message) for f in preflight(path, config).findings if f.is_error]


def test_an_image_past_the_trim_fails(tmp_path: Path) -> None:
    # (WeasyPrint shrinks an image in the flow to the page; a positioned one runs off it.)
    errors = _errors(_pdf(tmp_path, "<p>Text.</p><img src='tall.png' style='position: absolute; "
                                    "top: 200pt; width: 60pt; height: 600pt'>"))
    outside = [message for code, message in errors if code == "pdf-object-outside"]
    assert len(outside) == 1, errors
    assert outside[0].startswith("page 1: an image (400 x 4000 px) at x ")
    assert "crosses the trim by" in outside[0] and "at the bottom" in outside[0]


def test_a_rule_in_the_margin_fails(tmp_path: Path) -> None:
    errors = _errors(_pdf(tmp_path, "<p>Text.</p><div style='margin-left: -40pt; width: 30pt; "
                                    "border-top: 1pt solid black'></div>"))
    margin = [message for code, message in errors if code == "pdf-object-margin"]
    assert len(margin) == 1, errors
    assert "a rule" in margin[0] and "leaves the text block by" in margin[0] and "at the left" in margin[0]
    assert not [code for code, _ in errors if code == "pdf-object-outside"]


def test_an_image_in_the_text_block_passes(tmp_path: Path) -> None:
    errors = _errors(_pdf(tmp_path, "<p>Text.</p><img src='tall.png' style='height: 300pt'>"
                                    "<div style='border-top: 0.5pt solid black'></div>"))
    assert not [code for code, _ in errors if code.startswith("pdf-object")], errors


def test_the_tall_image_manuscript_is_caught_or_fits(tmp_path: Path) -> None:
    """Built as an author would: whatever the stylesheet does with the image, a page it runs off
    fails the preflight, and an image scaled to fit passes."""
    result = bookbuild("build", "--draft", "--format", "pdf", "--manuscript", TALL, "--out", tmp_path)
    assert result.code == 0, result.stderr[-2000:]
    config, _ = load_config(TALL)
    report = preflight(tmp_path / "t.pdf", config)
    reader = PdfReader(tmp_path / "t.pdf")
    image_page = next(i + 1 for i, page in enumerate(reader.pages)
                      if b" Do" in page.get_contents().get_data())
    box = [float(v) for v in reader.pages[image_page - 1]["/TrimBox"]]
    drawn = [f for f in report.findings if f.code.startswith("pdf-object")]
    page = reader.pages[image_page - 1]
    text = PageReader({}, (box[0], box[1], box[2], box[3]))
    text.read(page.get_contents(), page["/Resources"].get_object(), reader)
    (image,) = [d for d in text.result.drawn if d.kind == "image"]
    fits = box[1] <= image.box[1] and image.box[3] <= box[3]
    assert bool(drawn) != fits, drawn


def test_the_essay_and_its_proof_pass(essay: Path, tmp_path: Path) -> None:
    config, _ = load_config(MANUSCRIPT)
    result = bookbuild("build", "--format", "proof", "--manuscript", MANUSCRIPT, "--out", tmp_path)
    assert result.code == 0, result.stderr[-2000:]
    for path, proof in ((essay / f"{config.slug}.pdf", False),
                        (tmp_path / f"{config.slug}-proof.pdf", True)):
        report = preflight(path, config, expect_bleed=True if proof else None, crop_marks=proof)
        assert report.passed, [f.to_text() for f in report.findings if f.is_error]

