"""Write stage: the cover, the manuscript's own image or one set from the title and author.

A made cover is 1600 x 2560 pixels (the size retailers ask for), set in the book's own face, and
the same bytes every time for the same book.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from bookbuild.model import Book
from bookbuild.resources import style_file

WIDTH, HEIGHT = 1600, 2560
MARGIN = 170
PAPER = (91, 28, 25)            # oxblood
INK = (243, 233, 210)           # cream
RULE = (201, 162, 95)           # old gold


@dataclass(frozen=True)
class Cover:
    data: bytes
    media_type: str
    name: str                   # its path inside the EPUB
    width: int
    height: int


def book_cover(book: Book) -> Cover:
    path = book.config.cover_image
    if path is not None:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        media_type = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
        return Cover(data, media_type, f"images/cover{path.suffix.lower()}", width, height)
    return Cover(_made_cover(book), "image/png", "images/cover.png", WIDTH, HEIGHT)


@cache
def _font(style: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(style_file("fonts", f"GentiumBookPlus-{style}.ttf")), size)


def _lines(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _block(draw: ImageDraw.ImageDraw, text: str, style: str, size: int, top: int,
           max_lines: int = 99) -> int:
    """Set `text` centred from `top`, shrinking the size until it fits; return the bottom."""
    width = WIDTH - 2 * MARGIN
    while True:
        font = _font(style, size)
        lines = _lines(draw, text, font, width)
        if len(lines) <= max_lines or size <= 40:
            break
        size = int(size * 0.9)
    leading = int(size * 1.18)
    for i, line in enumerate(lines):
        draw.text((WIDTH // 2, top + i * leading), line, font=font, fill=INK, anchor="ma")
    return top + len(lines) * leading


def _made_cover(book: Book) -> bytes:
    config = book.config
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((70, 70, WIDTH - 70, HEIGHT - 70), outline=RULE, width=6)
    draw.line((WIDTH // 2 - 220, 330, WIDTH // 2 + 220, 330), fill=RULE, width=5)
    bottom = _block(draw, config.title, "Bold", 170, 430, max_lines=4)
    if config.subtitle:
        bottom = _block(draw, config.subtitle, "Italic", 72, bottom + 90, max_lines=6)
    draw.line((WIDTH // 2 - 220, bottom + 90, WIDTH // 2 + 220, bottom + 90), fill=RULE, width=5)
    people = ", ".join(config.authors)
    if people:
        _block(draw, people, "Regular", 96, HEIGHT - 520, max_lines=2)
    if config.translators:
        _block(draw, "Translated by " + ", ".join(config.translators), "Italic", 56, HEIGHT - 330,
               max_lines=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
