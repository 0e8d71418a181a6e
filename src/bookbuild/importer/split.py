"""Import, splitting stage: the document becomes chapters at its top heading level.

The highest level of heading the document uses (often Heading 1, sometimes 2) opens each
chapter, as a level-1 heading (`# Title`); the levels under it move up with it. Text before the
first such heading becomes a chapter of its own under the book's title, and the report says so.
Each chapter is named NN-slug.md from its heading.
"""

from __future__ import annotations

from dataclasses import dataclass

from bookbuild.ast import Node, iter_nodes
from bookbuild.importer.report import Collector
from bookbuild.importer.tree import header, plain, slug, words_to_inlines


@dataclass
class Chapter:
    heading: Node                   # a level-1 Header
    blocks: list[Node]              # what follows it
    name: str = ""                  # NN-slug.md

    @property
    def title(self) -> str:
        return plain(self.heading)


def split_chapters(blocks: list[Node], title: str, collector: Collector) -> list[Chapter]:
    """Chapters at the top heading level, named in reading order."""
    levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
    top = min(levels) if levels else 1
    for found in iter_nodes(blocks):
        if found["t"] == "Header":
            found["c"][0] = max(1, found["c"][0] - top + 1)
    chapters: list[Chapter] = []
    front: list[Node] = []
    for block in blocks:
        if block["t"] == "Header" and block["c"][0] == 1:
            chapters.append(Chapter(block, []))
        elif chapters:
            chapters[-1].blocks.append(block)
        else:
            front.append(block)
    if front or not chapters:
        chapters.insert(0, _front_chapter(front, title, bool(chapters), collector))
    _name(chapters)
    return chapters


def _front_chapter(front: list[Node], title: str, others: bool, collector: Collector) -> Chapter:
    """The text before the first heading, under the book's title."""
    inlines = words_to_inlines(title or "Untitled")
    if others:
        inlines.append(collector.mark(
            "front-matter", "the text before the document's first heading had no heading: it "
            f"is a chapter of its own under the book's title, “{title}”; give it its own "
            "heading or move the text into the next chapter"))
    elif not title:
        inlines.append(collector.mark("guessed-title", "the document has no title or heading: "
                                      "name the chapter here and the book in book.yaml"))
    return Chapter(header(1, inlines), front)


def _name(chapters: list[Chapter]) -> None:
    width = max(2, len(str(len(chapters))))
    used: set[str] = set()
    for number, chapter in enumerate(chapters, 1):
        base = slug(chapter.title) or "chapter"
        name, count = base, 1
        while name in used:
            count += 1
            name = f"{base}-{count}"
        used.add(name)
        chapter.name = f"{number:0{width}d}-{name}.md"
