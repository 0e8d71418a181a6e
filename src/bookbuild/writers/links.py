"""Write stage: how each edition addresses anchors, notes and images (see render.html.Links)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bookbuild.model import Book


def image_names(book: Book) -> dict[str, str]:
    """Where each manuscript image goes in a multi-file edition: images/<its relative path>."""
    names: dict[str, str] = {}
    for image in book.images:
        if image.path is not None and image.src not in names:
            relative = book.config.relative(image.path)
            names[image.src] = "images/" + re.sub(r"[^A-Za-z0-9._/-]", "-", relative)
    return names


class PageLinks:
    """A page per chapter, plus notes and bibliography pages (HTML and EPUB editions). An id
    the book does not have has no address (None)."""

    def __init__(self, book: Book, suffix: str) -> None:
        self.book = book
        self.suffix = suffix
        self.images = image_names(book)

    def page(self, name: str) -> str:
        return name + self.suffix

    def anchor(self, anchor_id: str) -> str | None:
        chapter = self.book.chapter_of_anchor(anchor_id)
        if chapter is None:
            return None
        note = self.book.anchors[anchor_id].note
        if note is not None:                    # on the notes' page, wherever notes go
            return f"{self.note(note).split('#')[0]}#{anchor_id}"
        if anchor_id == chapter.id:
            return self.page(chapter.page)
        return f"{self.page(chapter.page)}#{anchor_id}"

    def note(self, seq: int) -> str:
        if self.book.config.note_placement == "chapter":
            chapter = self.book.chapters[self.book.notes[seq - 1].chapter]
            return f"{self.page(chapter.page)}#note-{seq}"
        return f"{self.page('notes')}#note-{seq}"

    def section(self, name: str) -> str:
        if name == "endnotes" and self.book.config.note_placement == "chapter" and self.book.notes:
            chapter = self.book.chapters[self.book.notes[0].chapter]
            return f"{self.page(chapter.page)}#endnotes-{chapter.index + 1}"
        return self.page({"endnotes": "notes"}.get(name, name))

    def noteref(self, seq: int) -> str:
        chapter = self.book.chapters[self.book.notes[seq - 1].chapter]
        return f"{self.page(chapter.page)}#noteref-{seq}"

    def image(self, src: str) -> str | None:
        return self.images.get(src)


class DocumentLinks:
    """The whole book in one document (the PDF edition)."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.images = {image.src: image.path.as_uri() for image in book.images if image.path}

    def anchor(self, anchor_id: str) -> str | None:
        return "#" + anchor_id if anchor_id in self.book.anchors else None

    def note(self, seq: int) -> str:
        return f"#note-{seq}"

    def section(self, name: str) -> str:
        return "#" + name

    def noteref(self, seq: int) -> str:
        return f"#noteref-{seq}"

    def image(self, src: str) -> str | None:
        return self.images.get(src)


def copy_images(book: Book, names: dict[str, str], root: Path) -> None:
    for image in book.images:
        if image.path is not None and image.path.is_file() and image.src in names:
            target = root / names[image.src]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(image.path, target)
