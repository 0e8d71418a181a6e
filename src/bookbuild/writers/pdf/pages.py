"""Write stage, PDF: read a laid-out part back: where every anchor, block and page break fell.

Every top-level block (and every note) carries `data-b`, its key in the book model. Walking the
pages' boxes in order gives, for each page, the block it starts in and how many word characters
of that block come before it, which is enough for the screen editions to mark the page break at
the same word.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from weasyprint import Document

_WORD = re.compile(r"\w")
_SKIP = {"noteref", "note-number"}      # text the screen editions do not count


@dataclass
class PartPages:
    """What one laid-out part says about its pages (indexes are 0-based within the part)."""

    count: int
    anchors: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    breaks: list[tuple[str, int] | None] = field(default_factory=list)   # per page: (key, words)
    blocks: dict[str, list[int]] = field(default_factory=dict)           # key -> [first, last]
    anchor_tops: dict[int, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))


def read_pages(document: Document) -> PartPages:
    pages = PartPages(count=len(document.pages))
    words: dict[str, int] = defaultdict(int)
    for index, page in enumerate(document.pages):
        for name, (_, top, _, _) in page.anchors.items():
            pages.anchors[name].append(index)
            pages.anchor_tops[index].append((top, name))
        first: list[tuple[str, int]] = []
        _walk(page._page_box, None, index, words, first, pages.blocks)
        pages.breaks.append(first[0] if first else None)
    return pages


def _walk(box: Any, key: str | None, index: int, words: dict[str, int],
          first: list[tuple[str, int]], blocks: dict[str, list[int]]) -> None:
    if type(box).__name__ == "MarginBox":
        return
    element = getattr(box, "element", None)
    if element is not None and type(box).__name__ != "TextBox":
        classes = set((element.get("class") or "").split())
        if classes & _SKIP:
            return
        key = element.get("data-b") or key
    if type(box).__name__ == "TextBox":
        if key is not None:
            if not first:
                first.append((key, words[key]))
            extent = blocks.setdefault(key, [index, index])
            extent[1] = index
            words[key] += len(_WORD.findall(box.text))
        return
    for child in box.all_children():
        _walk(child, key, index, words, first, blocks)
