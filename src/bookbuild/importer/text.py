"""Import, reading stage for plain text: a .txt manuscript or a web page saved as text.

Paragraphs are separated by blank lines; the lines of a paragraph are joined (hard-wrapped text
becomes one paragraph). A paragraph indented as a whole, in a text whose paragraphs are not
otherwise indented, is a block quote. Plain text has no headings, so `guess_headings` makes
them from short lines that stand alone over prose: the first is the title. Run it after
`web.remove_leftovers`, so that "Recent Posts" and the like are gone before headings are guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookbuild.ast import Node, node
from bookbuild.importer.document import Document, Metadata
from bookbuild.importer.report import Collector
from bookbuild.importer.tree import header, inlines_of, para, plain

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_INDENT = re.compile(r"^(?: {4,}|\t)")
_TYPED_NUMBER = re.compile(r"^\(?\d{1,3}[.)]\s")
MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 80


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-8 (with or without a BOM), UTF-16 with a
    BOM, else Windows-1252 (what Word and old web pages save as "plain text")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def read_text(source: Path, collector: Collector) -> Document:
    text, encoding = decode(source.read_bytes())
    if encoding == "Windows-1252":
        collector.add("encoding", "the file is not UTF-8; it was read as Windows-1252: check "
                      "accented letters and quotation marks")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n"))
    chunks = paragraphs(text)
    indented_first = sum(bool(_INDENT.match(lines[0])) for lines in chunks)
    indents_are_style = indented_first > len(chunks) / 2
    blocks: list[Node] = []
    for lines in chunks:
        blocks.append(_block(lines, indents_are_style, collector))
    return Document(source, "text", blocks, Metadata())


def paragraphs(text: str) -> list[list[str]]:
    """The text's paragraphs, each a list of its non-blank lines."""
    result: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def _block(lines: list[str], indents_are_style: bool, collector: Collector) -> Node:
    joined = " ".join(line.strip() for line in lines)
    if _INDENT.match(lines[0]):
        if not indents_are_style and all(_INDENT.match(line) for line in lines):
            return node("BlockQuote", [para(joined)])
        collector.count("tab or space indent")
    return para(joined)


def heading_like(text: str) -> bool:
    """A short line that could be a heading: a few words, no sentence punctuation at its end,
    starting with a capital or a number."""
    words = text.split()
    if not 0 < len(words) <= MAX_HEADING_WORDS or len(text) > MAX_HEADING_CHARS:
        return False
    first = text.lstrip("‘’“”\"'([")[:1]
    return (first.isupper() or first.isdigit()) and not text.endswith((".", ",", ";", ":", "…"))


def guess_headings(blocks: list[Node], meta: Metadata, collector: Collector) -> list[Node]:
    """Short lines over prose become headings; the first line, if short, is the title.

    One chapter when the title is followed by prose and other short lines are its sections
    (level 2); a chapter per short line when they follow the title closely (a book).
    """
    candidates = [i for i, block in enumerate(blocks) if _stands_alone(blocks, i)]
    title_index = 0 if blocks and _is_para(blocks[0]) and heading_like(plain(blocks[0])) else None
    if title_index is not None:
        meta.set("title", plain(blocks[0]), "the first line of the text")
    others = [i for i in candidates if i != title_index]
    prose_before = sum(len(plain(b).split()) for b in blocks[1:others[0]]) if others else 0
    essay = title_index is not None and (not others or prose_before >= 150)
    result: list[Node] = []
    for i, block in enumerate(blocks):
        if i == title_index and not essay:
            collector.count("title line moved to book.yaml")
            continue
        if i == title_index or i in others:
            level = 2 if essay and i != title_index else 1
            inlines = list(block["c"])
            inlines.append(collector.mark("guessed-heading", f"“{plain(block)}” stood alone on a "
                                          f"short line and was made a level-{level} heading; if it "
                                          "is not a heading, take out the #"))
            result.append(header(level, inlines))
        else:
            result.append(block)
    return result


def _is_para(block: Node) -> bool:
    return block["t"] == "Para"


def _stands_alone(blocks: list[Node], index: int) -> bool:
    """A short paragraph followed by prose, and not one item of a list typed by hand."""
    block = blocks[index]
    if not _is_para(block) or not heading_like(plain(block)) or index + 1 >= len(blocks):
        return False
    following = blocks[index + 1]
    if following["t"] == "BlockQuote":
        return True
    text = plain(following) if inlines_of(following) is not None else ""
    if not text or heading_like(text):
        return False
    neighbours = [plain(b) for b in blocks[max(0, index - 1):index + 2] if _is_para(b)]
    return sum(bool(_TYPED_NUMBER.match(t)) for t in neighbours) < 2
