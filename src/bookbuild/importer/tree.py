"""Import, every stage: walking and rewriting pandoc's JSON AST.

Rules are written on lists: `map_lists` hands every list of blocks and every list of inlines in
a document (notes, quotes, lists and table cells included) to a function, children first, and
puts back what it returns. Markers (`marker`) are inline nodes that stand for a report item
until the chapter is written and the item's line is known.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from bookbuild.ast import Node, iter_text, node

INLINE_TYPES = frozenset({
    "Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps",
    "Quoted", "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link",
    "Image", "Note", "Span"})
BLOCK_TYPES = frozenset({
    "Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList",
    "BulletList", "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div"})
# Inline nodes whose content is a list of inlines directly.
WRAPPERS = frozenset({"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript",
                      "SmallCaps"})
SPACES = frozenset({"Space", "SoftBreak", "LineBreak"})
MARKER = re.compile("\ue000(\\d+)\ue001")

ListRule = Callable[[list[Node]], list[Node]]


def map_lists(value: Any, blocks: ListRule | None = None, inlines: ListRule | None = None) -> Any:
    """`value` with every list of blocks passed through `blocks` and every list of inlines
    through `inlines`, innermost first. Containers are changed in place (the AST is large and
    each stage owns it); the result must be used, since a rule may return a new list."""
    if isinstance(value, dict):             # a node: {"t": type, "c": content}
        content = value.get("c")
        if isinstance(content, list):
            value["c"] = map_lists(content, blocks, inlines)
        return value
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, list) or (isinstance(item, dict) and isinstance(item.get("c"), list)):
                value[index] = map_lists(item, blocks, inlines)
        kind = list_kind(value)
        if kind == "blocks" and blocks is not None:
            return blocks(value)
        if kind == "inlines" and inlines is not None:
            return inlines(value)
    return value


def list_kind(items: list[Any]) -> str | None:
    """'blocks', 'inlines' or None (an empty list, attributes, table parts). pandoc's lists
    hold one kind of thing, so the first item tells."""
    first = items[0] if items else None
    if not isinstance(first, dict):
        return None
    kind = first.get("t")
    return "inlines" if kind in INLINE_TYPES else "blocks" if kind in BLOCK_TYPES else None


def inlines_of(block: Node) -> list[Node] | None:
    """The inline content of a paragraph-like block (Para, Plain, Header), else None."""
    if block["t"] in ("Para", "Plain"):
        return block["c"]  # type: ignore[no-any-return]
    if block["t"] == "Header":
        return block["c"][2]  # type: ignore[no-any-return]
    return None


def plain(value: object) -> str:
    """The words under `value` as a reader sees them, notes and markers left out."""
    text = "".join(iter_text(value, frozenset({"Note"})))
    return re.sub(r"\s+", " ", MARKER.sub("", text)).strip()


def words_to_inlines(text: str) -> list[Node]:
    """Plain text as Str and Space nodes."""
    result: list[Node] = []
    for word in text.split():
        if result:
            result.append(node("Space"))
        result.append(node("Str", word))
    return result


def para(text: str) -> Node:
    return node("Para", words_to_inlines(text))


def header(level: int, inlines: list[Node], identifier: str = "") -> Node:
    return node("Header", [level, [identifier, [], []], inlines])


def marker(number: int) -> Node:
    """An inline that stands for report item `number` until its line is known."""
    return node("Str", f"\ue000{number}\ue001")


def is_marker(inline: Node) -> bool:
    return inline["t"] == "Str" and MARKER.fullmatch(inline["c"]) is not None


def strip_markers(value: Any) -> Any:
    """`value` without marker nodes (changed in place)."""
    return map_lists(value, inlines=lambda items: [i for i in items if not is_marker(i)])


def ascii_fold(text: str) -> str:
    """'Schlögel' -> 'Schlogel'."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slug(text: str, words: int = 6) -> str:
    """A file-name slug: ascii, lower case, at most `words` words joined by hyphens."""
    parts = re.findall(r"[a-z0-9]+", ascii_fold(text).lower().replace("'", "").replace("’", ""))
    return "-".join(parts[:words])
