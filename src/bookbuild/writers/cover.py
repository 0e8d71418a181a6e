"""Write stage: the cover, the manuscript's own image or one set from the title and author.

A made cover is 1600 x 2560 pixels (the size retailers ask for), set in the book's own face (a
character it lacks in the first of the book's fallback fonts that has it, as in every edition),
and the same bytes every time for the same book.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bookbuild.config import BookConfig
from bookbuild.fontset import characters, fallbacks, style_fonts
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
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


Run = tuple[str, Path]          # text set in one font, and that font


def _runs(text: str, style: str, config: BookConfig) -> list[Run]:
    """`text` cut where the font changes: the book face in `style`, else the first of the
    style's symbols and book.yaml's fallbacks that has the character."""
    face = style_file("fonts", f"GentiumBookPlus-{style}.ttf")
    others = [p for p in style_fonts() if "Gentium" not in p.name] + [f.path for f in fallbacks(config)]
    runs: list[Run] = []
    for char in text:
        path = face if char.isspace() or ord(char) in characters(face) else next(
            (p for p in others if ord(char) in characters(p)), face)
        if runs and runs[-1][1] == path:
            runs[-1] = (runs[-1][0] + char, path)
        else:
            runs.append((char, path))
    return runs


def _width(draw: ImageDraw.ImageDraw, runs: list[Run], size: int) -> float:
    return sum(draw.textlength(text, font=_font(path, size)) for text, path in runs)


def _lines(draw: ImageDraw.ImageDraw, text: str, style: str, size: int, width: int,
           config: BookConfig) -> list[list[Run]]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _width(draw, _runs(candidate, style, config), size) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return [_runs(line, style, config) for line in lines]


def _block(draw: ImageDraw.ImageDraw, text: str, style: str, size: int, top: int,
           config: BookConfig, max_lines: int = 99) -> int:
    """Set `text` centred from `top`, shrinking the size until it fits; return the bottom."""
    width = WIDTH - 2 * MARGIN
    while True:
        lines = _lines(draw, text, style, size, width, config)
        if len(lines) <= max_lines or size <= 40:
            break
        size = int(size * 0.9)
    leading = int(size * 1.18)
    for i, runs in enumerate(lines):
        x = (WIDTH - _width(draw, runs, size)) / 2
        for run, path in runs:
            font = _font(path, size)
            draw.text((x, top + i * leading), run, font=font, fill=INK, anchor="la")
            x += draw.textlength(run, font=font)
    return top + len(lines) * leading


def _made_cover(book: Book) -> bytes:
    config = book.config
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((70, 70, WIDTH - 70, HEIGHT - 70), outline=RULE, width=6)
    draw.line((WIDTH // 2 - 220, 330, WIDTH // 2 + 220, 330), fill=RULE, width=5)
    bottom = _block(draw, config.title, "Bold", 170, 430, config, max_lines=4)
    if config.subtitle:
        bottom = _block(draw, config.subtitle, "Italic", 72, bottom + 90, config, max_lines=6)
    draw.line((WIDTH // 2 - 220, bottom + 90, WIDTH // 2 + 220, bottom + 90), fill=RULE, width=5)
    people = ", ".join(config.authors)
    if people:
        _block(draw, people, "Regular", 96, HEIGHT - 520, config, max_lines=2)
    if config.translators:
        _block(draw, "Translated by " + ", ".join(config.translators), "Italic", 56, HEIGHT - 330,
               config, max_lines=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
