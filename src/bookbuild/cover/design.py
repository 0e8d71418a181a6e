"""Cover stage, step 3: one design, as HTML and CSS, for the print wrap and the ebook's front.

The template (`styles/templates/cover/cover.html`) and the sheet (`styles/css/cover.css`) hold
the design; this module adds the sizes: where each panel, the barcode and the proof's guides
stand, from `CoverGeometry`, and the front's type sizes in proportion to the front's width, so
that the 5.5 in front of the wrap and the 1600 x 2560 pixel ebook cover are the same picture.
Text keeps at least the safe distance from the trim and the folds: the front's type stands
inside its frame (0.3 in from the trim at least), the back's text a half inch in, the spine's
clear of each fold by the printer's clearance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypandoc
from markupsafe import Markup
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from bookbuild.config import BookConfig
from bookbuild.cover.barcode import DIGITS_PT, HEADING_LINE, Symbol, digit_groups, ean13
from bookbuild.cover.geometry import CoverGeometry
from bookbuild.fontset import fallback_faces_css, fallbacks, with_fallbacks
from bookbuild.render.templates import render
from bookbuild.resources import style_file, styles_dir
from bookbuild.writers.pdf.parts import ConfinedFetcher

BACK_MARGIN = 0.5 * 72          # pt: the back's text from the trim and the spine fold
FRAME = 0.3 * 72                # pt: the front's frame from the trim, at least
EBOOK_PAGE = (360.0, 576.0)     # pt: 5 x 8 in, rendered at 320 ppi: 1600 x 2560 pixels


@dataclass
class CoverRenderer:
    """Lays out cover pages with the book's faces, confined to the manuscript and the styles."""

    config: BookConfig

    def __post_init__(self) -> None:
        self.fetcher = ConfinedFetcher([styles_dir(), self.config.root])
        self.fonts = FontConfiguration()
        self.colour_profiles: dict[str, object] = {}
        sheet = style_file("css", "cover.css")
        faces = fallback_faces_css(self.config, {f.file_name: f'url("{f.path.as_uri()}")'
                                                 for f in fallbacks(self.config)})
        self.sheet = CSS(string=with_fallbacks(sheet.read_text(encoding="utf-8"), self.config) + faces,
                         base_url=sheet.as_uri(), font_config=self.fonts, url_fetcher=self.fetcher,
                         color_profiles=self.colour_profiles)

    def lay_out(self, html: str, css: str) -> Document:
        document = HTML(string=html, base_url=self.config.root.as_uri() + "/",
                        url_fetcher=self.fetcher)
        return document.render(stylesheets=[self.sheet, CSS(string=css, font_config=self.fonts)],
                               font_config=self.fonts, color_profiles=self.colour_profiles)


def back_text_html(config: BookConfig) -> Markup | None:
    """book.yaml's `cover.back-text`, Markdown, as HTML (pandoc; raw HTML is not read)."""
    if not config.cover_back_text:
        return None
    return Markup(pypandoc.convert_text(config.cover_back_text, "html", format="markdown-raw_html",
                                        extra_args=["--wrap=none"]))


def wrap_html(config: BookConfig, shape: CoverGeometry, isbn: str | None, timestamp: str,
              proof: bool = False) -> tuple[str, str]:
    """The wrap's HTML and its CSS of sizes. Raises ValueError for an ISBN whose check digit
    is wrong or a barcode box too small for it (`barcode.ean13`)."""
    symbol = ean13(isbn, shape.barcode_box) if isbn else None
    left = (shape.barcode_box[0] - symbol.width) / 2 if symbol else 0.0
    html = render("cover/cover.html", config=config, ebook=False, proof=proof,
                  image=_image(config), back_text=back_text_html(config), symbol=symbol,
                  barcode_left=left, digits=digit_groups(symbol) if symbol else [],
                  spine_text=shape.spine_type > 0, timestamp=timestamp,
                  trim_note=_inches(shape.width) + " x " + _inches(shape.height),
                  spine_note=shape.spine_formula, safety_note=_inches(shape.safety))
    return html, wrap_css(shape, symbol)


def ebook_html(config: BookConfig, timestamp: str) -> tuple[str, str]:
    """The front alone, at the ebook's proportions (1 : 1.6, as the stores ask)."""
    html = render("cover/cover.html", config=config, ebook=True, proof=False,
                  image=_image(config), timestamp=timestamp)
    width, height = EBOOK_PAGE
    return html, (f"@page {{ size: {width}pt {height}pt; }}\n"
                  + _front_css(0.0, width, height, 0.0, 0.0))


def wrap_css(shape: CoverGeometry, symbol: Symbol | None) -> str:
    """Where everything stands on the wrap, in pt from the trim's top left corner (the
    sheet's bleed lies outside it)."""
    w, h, s, b, safe = shape.width, shape.height, shape.spine, shape.bleed, shape.safety
    trim_w, _ = shape.trim_size
    bx, by, box_w, box_h = shape.barcode
    css = [f"@page {{ size: {trim_w:.3f}pt {h:.3f}pt; bleed: {b:.3f}pt; }}",
           # The back: its text between the bleed and the spine's safe zone, above the barcode.
           f".back {{ left: {-b:.3f}pt; top: {-b:.3f}pt; width: {w + b:.3f}pt; height: {h + 2 * b:.3f}pt; }}",
           f".back-text {{ left: {b + BACK_MARGIN:.3f}pt; top: {b + BACK_MARGIN:.3f}pt; "
           f"width: {w - 2 * BACK_MARGIN:.3f}pt; font-size: {_back_size(w):.2f}pt; }}",
           # The barcode box, placed on the sheet (`CoverGeometry.barcode`): the back's origin.
           _place(".barcode", bx, by, box_w, box_h),
           # The spine: one line, turned to read from top to bottom, clear of the folds.
           f".spine {{ left: {w:.3f}pt; top: 0; width: {s:.3f}pt; height: {h:.3f}pt; }}",
           f".spine-line {{ left: {s:.3f}pt; top: 0; width: {h - 2 * (safe + 18):.3f}pt; "
           f"height: {s:.3f}pt; margin-top: {safe + 18:.3f}pt; padding: 0 {safe + 18:.3f}pt 0 0; "
           f"font-size: {shape.spine_type:.2f}pt; line-height: {s:.3f}pt; }}",
           _front_css(w + s, w, h, b, safe)]
    if symbol is not None:
        top = (box_h - symbol.height) / 2
        bars_top = top + HEADING_LINE
        css += [f".barcode-heading {{ top: {top:.3f}pt; }}",
                f".bar {{ top: {bars_top:.3f}pt; }}",
                # The digits in the band under the bars, the guards reaching down between them.
                f".barcode-digits {{ top: {bars_top + symbol.bar_height:.3f}pt; "
                f"font-size: {DIGITS_PT * symbol.magnification:.2f}pt; }}"]
    # The proof's guides: trim, folds, safe zones, barcode box.
    clear = shape.spine_clearance
    css += [_place(".guide.trim", 0, 0, trim_w, h),
            _place(".fold-back", w, -b, 0, h + 2 * b), _place(".fold-front", w + s, -b, 0, h + 2 * b),
            ".guide.fold { border-width: 0 0 0 0.5pt; }",
            _place(".safe-back", safe, safe, w - 2 * safe, h - 2 * safe),
            _place(".safe-front", w + s + safe, safe, w - 2 * safe, h - 2 * safe),
            _place(".safe-spine", w + clear, safe, s - 2 * clear, h - 2 * safe),
            _place(".guide.barcode-area", bx - b, by - b, box_w, box_h),
            # Beside the barcode box, at the foot of the back.
            f".guide-note {{ left: {safe + 2:.3f}pt; top: {by - b:.3f}pt; "
            f"width: {bx - b - safe - 14:.3f}pt; }}",
            ".guide { box-sizing: border-box; }"]
    return "\n".join(css) + "\n"


def _place(selector: str, x: float, y: float, width: float, height: float) -> str:
    return (f"{selector} {{ left: {x:.3f}pt; top: {y:.3f}pt; width: {width:.3f}pt; "
            f"height: {height:.3f}pt; }}")


def _front_css(x: float, width: float, height: float, bleed: float, safe: float) -> str:
    """The front, its trim at `x` (pt from the trim's left): an image over it and its bleed
    (top, bottom, outside), or the designed front with its type inside a frame."""
    frame = max(FRAME, safe + 6, 0.05 * width)
    side = frame + 0.06 * width
    return "\n".join([
        f".front {{ left: {x:.3f}pt; top: 0; width: {width:.3f}pt; height: {height:.3f}pt; }}",
        f".front-image {{ left: 0; top: {-bleed:.3f}pt; width: {width + bleed:.3f}pt; "
        f"height: {height + 2 * bleed:.3f}pt; }}",
        f".front-frame {{ left: {frame:.3f}pt; top: {frame:.3f}pt; width: {width - 2 * frame:.3f}pt; "
        f"height: {height - 2 * frame:.3f}pt; box-sizing: border-box; }}",
        f".front-type {{ top: {0.16 * height:.3f}pt; padding: 0 {side:.3f}pt; }}",
        f".front-rule {{ margin-top: {0.02 * height:.3f}pt; margin-bottom: {0.03 * height:.3f}pt; }}",
        f".front-title {{ font-size: {0.085 * width:.2f}pt; }}",
        f".front-subtitle {{ font-size: {0.042 * width:.2f}pt; margin-top: {0.02 * height:.3f}pt; }}",
        f".front-people {{ top: {0.76 * height:.3f}pt; padding: 0 {side:.3f}pt; }}",
        f".front-author {{ font-size: {0.056 * width:.2f}pt; }}",
        f".front-translator {{ font-size: {0.034 * width:.2f}pt; margin-top: {0.015 * height:.3f}pt; }}",
    ])


def _back_size(width: float) -> float:
    """The back's type: 11.5 pt on the usual trims, in proportion beyond them."""
    return round(min(13.0, max(10.0, width / 396 * 11.5)), 2)


def _image(config: BookConfig) -> str | None:
    path: Path | None = config.cover_image
    return path.as_uri() if path is not None else None


def _inches(points: float) -> str:
    return f"{points / 72:.3f} in"
