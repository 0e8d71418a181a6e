"""Cover stage, step 4: the wrap written as PDF/X-4, and the ebook's front as a PNG.

The wrap needs the interior's page count: the print edition's, when it was laid out in this
build (its page map), else the print edition is laid out for it (from the layout cache, so
little is laid out again). The front of an ebook is the same design rendered alone at the
stores' proportions (1 : 1.6) and 320 ppi: 1600 x 2560 pixels (pypdfium2 draws the page).
"""

from __future__ import annotations

import io
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path

import pypdfium2
from PIL import Image

from bookbuild.cache import code_digest, default_cache, digest, file_digest
from bookbuild.config import BookConfig
from bookbuild.cover.design import EBOOK_PAGE, CoverRenderer, ebook_html, wrap_html
from bookbuild.cover.geometry import CoverGeometry, cover_geometry
from bookbuild.delivery import print_profiles
from bookbuild.diagnostics import BookError, error
from bookbuild.fontset import fallbacks
from bookbuild.model import Book
from bookbuild.writers.base import WriteContext
from bookbuild.writers.pdf.finish import cover_finisher
from bookbuild.writers.pdf.reuse import styles_digest

EBOOK_PIXELS = (1600, 2560)


def print_isbn(config: BookConfig) -> str | None:
    """The ISBN of the printed book: book.yaml's `isbn` for the print edition (`pdf`), or the
    one ISBN of every edition."""
    return config.isbn.get("pdf") or config.isbn.get("print") or config.isbn.get("all")


def write_cover(book: Book, path: Path, context: WriteContext, proof: bool = False) -> CoverGeometry:
    """Write the wrap (`proof`: with its guides) to `path`; its geometry.

    Raises BookError when the ISBN cannot be drawn or the cover image is too coarse for print."""
    config = book.config
    profiles = print_profiles(config)
    shape = cover_geometry(config, interior_pages(book, context), profiles[0] if profiles else None)
    _check_image(config, shape)
    try:
        html, css = wrap_html(config, shape, print_isbn(config), context.iso, proof)
    except ValueError as exc:
        raise BookError([error("cover-isbn", f"{exc}: correct book.yaml's isbn",
                               config.place_of("isbn"))]) from None
    renderer = CoverRenderer(config)
    document = renderer.lay_out(html, css)
    document_id = str(uuid.uuid5(uuid.NAMESPACE_URL,
                                 f"bookbuild:{config.slug}:cover{'-proof' if proof else ''}"))
    document.write_pdf(str(path), pdf_variant="pdf/x-4", finisher=cover_finisher(document_id))
    return shape


def interior_pages(book: Book, context: WriteContext) -> int:
    """The print edition's page count: from this build's page map, else laid out for it."""
    if book.print_pages is None:
        from bookbuild.writers.pdf.layout import write_pdf
        from bookbuild.writers.pdf.variants import VARIANTS
        with tempfile.TemporaryDirectory(prefix=".cover-") as folder:
            write_pdf(book, Path(folder) / "interior.pdf", replace(context, laid_out=None),
                      VARIANTS["pdf"])
    assert book.print_pages is not None
    return len(book.print_pages.folios)


MIN_PPI = 300                   # printers' minimum for images at their printed size


def _check_image(config: BookConfig, shape: CoverGeometry) -> None:
    """The cover image, scaled to cover the front and its bleed, must give 300 ppi (KDP,
    https://kdp.amazon.com/en_US/help/topic/G201953020; IngramSpark and Lulu alike)."""
    if config.cover_image is None:
        return
    with Image.open(config.cover_image) as image:
        pixels = image.size
    inches = ((shape.width + shape.bleed) / 72, (shape.height + 2 * shape.bleed) / 72)
    # Scaled to cover the front, the image's shorter side fits and prints at this resolution.
    ppi = min(pixels[0] / inches[0], pixels[1] / inches[1])
    if ppi < MIN_PPI:
        need = (round(inches[0] * MIN_PPI), round(inches[1] * MIN_PPI))
        raise BookError([error(
            "cover-resolution",
            f"the cover image {config.relative(config.cover_image)} is {pixels[0]} x {pixels[1]} "
            f"pixels: on the front ({inches[0]:.3f} x {inches[1]:.3f} in with its bleed) that is "
            f"{ppi:.0f} ppi, and printers need {MIN_PPI} ppi; use an image of at least "
            f"{need[0]} x {need[1]} pixels", config.place_of("cover-image"))])


def ebook_cover_png(config: BookConfig, timestamp: str) -> bytes:
    """The designed front at 1600 x 2560 pixels, as PNG: the same design as the print front.
    Kept in the build cache under everything it is drawn from (its HTML and CSS, the styles,
    the fonts, the code), since every EPUB build of a book without a cover image needs it."""
    html, css = ebook_html(config, timestamp)
    cache = default_cache()
    key = digest(html, css, styles_digest(), code_digest("cover"),
                 *(file_digest(font.path) for font in fallbacks(config)))
    kept = cache.get(COVER_SECTION, key)
    if kept is not None and kept.startswith(b"\x89PNG"):
        return kept
    document = CoverRenderer(config).lay_out(html, css)
    # Only drawn, never kept: written whole and uncompressed, which is twenty times faster.
    data = document.write_pdf(full_fonts=True, uncompressed_pdf=True)
    pdf = pypdfium2.PdfDocument(data)
    try:
        bitmap = pdf[0].render(scale=EBOOK_PIXELS[0] / EBOOK_PAGE[0])
        image = bitmap.to_pil().convert("RGB")
    finally:
        pdf.close()
    if image.size != EBOOK_PIXELS:
        image = image.resize(EBOOK_PIXELS, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")       # `optimize` would halve the speed for 2 % of the size
    cache.put(COVER_SECTION, key, out.getvalue())
    return out.getvalue()


COVER_SECTION = "ebook-cover"

