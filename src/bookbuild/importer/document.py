"""Import, between the stages: the document as read, before it becomes a manuscript.

A `Document` is pandoc's AST of the whole text (one list of blocks), what is known of its
metadata and where each value came from, and a way to get the bytes of each image it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.ast import Node

Media = Callable[[str], bytes | None]     # an image's source in the AST -> its bytes, or None


def no_media(source: str) -> bytes | None:
    return None


@dataclass
class Metadata:
    """What goes into book.yaml, and where each value came from (for the report)."""

    title: str = ""
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    lang: str = ""
    origin: dict[str, str] = field(default_factory=dict)

    def set(self, key: str, value: str | list[str], origin: str) -> None:
        """Set `key` unless it is known already; empty values are ignored."""
        if not value or getattr(self, key):
            return
        setattr(self, key, value)
        self.origin[key] = origin


@dataclass
class Document:
    source: Path
    kind: str                           # docx, odt, html or text
    blocks: list[Node]
    meta: Metadata
    media: Media = no_media
