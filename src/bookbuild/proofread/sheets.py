"""Proofread stage: contact sheets, the pages of the PDF small, with the findings marked.

Each sheet shows eight spreads (two across, four down): versos on the left, rectos on the
right, the first page alone on the right as in the bound book, each page's number (and folio)
under it. Every finding is a coloured rectangle around its line(s), with its code written beside
the page at that height. Pages are drawn by PDFium at a low resolution; Pillow draws the rest.
Each sheet is written under a temporary name and renamed, and sheets of an earlier run that
this one does not write are removed, so the folder always holds one run's sheets.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from bookbuild.proofread.findings import Finding
from bookbuild.proofread.words import ReadError
from bookbuild.resources import style_file

SCALE = 0.45                    # pixels per point
SPREADS_ACROSS, ROWS = 2, 4
MARGIN = 150                    # pixels beside each spread, for the codes
CAPTION = 20                    # pixels under a page for its number
TITLE = 34
COLOURS = {
    "loose-line": (220, 40, 40), "overfull-line": (160, 0, 160), "hyphen-ladder": (230, 120, 0),
    "runt": (0, 120, 220), "widow": (0, 150, 90), "orphan": (0, 150, 90),
    "page-ends-hyphen": (200, 160, 0), "heading-at-foot": (120, 60, 200),
    "uneven-spread": (90, 90, 90), "broken-capitalised-word": (200, 0, 110),
}
PAGES_PER_SHEET = 2 * SPREADS_ACROSS * ROWS


@dataclass(frozen=True)
class Label:
    """A finding's mark on one page: the box (points, top-down) and its code."""

    box: tuple[float, float, float, float]
    code: str
    named: bool = True          # the code is written beside it


def write_sheets(pdf: Path, folder: Path, findings: list[Finding], folios: list[str | None],
                 all_pages: bool = False) -> list[Path]:
    """Write the contact sheets of `pdf` into `folder`: those that show a finding and the
    first one, or every one with `all_pages`. Returns the files written."""
    import pypdfium2 as pdfium  # present: the report has read the file with it
    labels = _labels(findings)
    try:
        document = pdfium.PdfDocument(str(pdf))
    except (pdfium.PdfiumError, OSError) as exc:
        raise ReadError(f"{pdf} cannot be read as a PDF ({exc})") from exc
    try:
        count = len(document)
        sheets = (count + 1 + PAGES_PER_SHEET - 1) // PAGES_PER_SHEET   # page 1 sits alone
        chosen = [n for n in range(sheets) if all_pages or n == 0
                  or any(labels.get(p) for p in _pages_of(n, count))]
        folder.mkdir(parents=True, exist_ok=True)
        written = [_write(_sheet(document, n, sheets, labels, folios, pdf.name),
                          folder / f"sheet-{n + 1:02d}.png") for n in chosen]
    finally:
        document.close()
    _remove_stale(folder, written)
    return written


def _labels(findings: list[Finding]) -> dict[int, list[Label]]:
    """The marks of every page; the code is written once, beside a finding's first box."""
    labels: dict[int, list[Label]] = {}
    for finding in findings:
        for index, (page, box) in enumerate(finding.marks):
            labels.setdefault(page, []).append(Label(box, finding.code, index == 0))
    return labels


def _pages_of(sheet: int, count: int) -> Iterator[int]:
    """The 0-based pages on a sheet: slot 0 of the first sheet is the empty verso before page 1."""
    for slot in range(sheet * PAGES_PER_SHEET, (sheet + 1) * PAGES_PER_SHEET):
        if 1 <= slot <= count:
            yield slot - 1


def _sheet(document: Any, number: int, sheets: int, labels: dict[int, list[Label]],
           folios: list[str | None], name: str) -> Image.Image:
    width, height = (v * SCALE for v in document[0].get_size())
    page_w, page_h = round(width), round(height)
    cell_w, cell_h = 2 * page_w + 2 * MARGIN, page_h + CAPTION + 12
    sheet = Image.new("RGB", (SPREADS_ACROSS * cell_w, TITLE + ROWS * cell_h), "white")
    draw = ImageDraw.Draw(sheet)
    font = _font(12)
    pages = list(_pages_of(number, len(document)))
    draw.text((MARGIN, 10), f"{name}: sheet {number + 1} of {sheets}, pages {pages[0] + 1}–"
              f"{pages[-1] + 1}", fill="black", font=_font(14))
    for index in pages:
        slot = index + 1 - number * PAGES_PER_SHEET
        spread, side = divmod(slot, 2)
        row, column = divmod(spread, SPREADS_ACROSS)
        x = column * cell_w + MARGIN + side * page_w
        y = TITLE + row * cell_h
        _page(sheet, draw, document, index, (x, y), (page_w, page_h), labels.get(index, []),
              side == 1, font)
        folio = folios[index] if index < len(folios) else None
        caption = f"{index + 1}" + (f" (folio {folio})" if folio and folio != str(index + 1) else "")
        draw.text((x + page_w / 2, y + page_h + 4), caption, fill="black", font=font, anchor="ma")
    return sheet


def _page(sheet: Image.Image, draw: ImageDraw.ImageDraw, document: Any, index: int,
          at: tuple[int, int], size: tuple[int, int], labels: list[Label], recto: bool,
          font: ImageFont.FreeTypeFont) -> None:
    page = document[index]
    try:
        image = page.render(scale=SCALE).to_pil().convert("RGB")
    finally:
        page.close()
    sheet.paste(image, at)          # PDFium rounds its size as `size` does, give or take a pixel
    x, y = at
    draw.rectangle((x, y, x + size[0] - 1, y + size[1] - 1), outline=(170, 170, 170))
    free = float(y)                 # the codes beside the page go down, one under another
    for label in sorted(labels, key=lambda item: item.box[1]):
        colour = COLOURS.get(label.code, (220, 40, 40))
        x0, top, x1, bottom = (v * SCALE for v in label.box)
        draw.rectangle((x + x0 - 2, y + top - 1, x + x1 + 2, y + bottom + 1), outline=colour, width=2)
        if not label.named:
            continue
        text_y = max(y + top - 2, free)
        free = text_y + 12
        if recto:
            draw.text((x + size[0] + 4, text_y), label.code, fill=colour, font=font)
        else:
            draw.text((x - 4, text_y), label.code, fill=colour, font=font, anchor="ra")


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    """The book's own face, Gentium Book Plus (it has the dashes the captions use)."""
    return ImageFont.truetype(str(style_file("fonts", "GentiumBookPlus-Regular.ttf")), size,
                              layout_engine=ImageFont.Layout.BASIC)


def _write(image: Image.Image, target: Path) -> Path:
    """Save under a temporary name in the same folder, then rename: never half a sheet."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".png", dir=target.parent)
    os.close(handle)
    try:
        image.save(temporary, format="PNG", compress_level=1)
        os.chmod(temporary, 0o666 & ~_umask())         # mkstemp makes it private
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_stale(folder: Path, written: list[Path]) -> None:
    keep = {path.name for path in written}
    for old in folder.glob("sheet-*.png"):
        if old.name not in keep:
            old.unlink()
