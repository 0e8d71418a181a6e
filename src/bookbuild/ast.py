"""The pandoc JSON AST: small helpers every stage shares.

A node is a dict `{"t": type, "c": content}`; attributes are `[id, [classes], [[key, value]]]`.
After the model stage, notes are replaced by our own inline node `{"t": "NoteRef", "c": seq}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

Node = dict[str, Any]

# Where the attributes sit in the content of each node type that has them.
ATTR_INDEX = {"Header": 1, "CodeBlock": 0, "Div": 0, "Table": 0, "Figure": 0,
              "Span": 0, "Code": 0, "Link": 0, "Image": 0}

# Node types whose text is written in the manuscript, and where that text is.
_TEXT = {"Str": None, "Code": 1, "Math": 1, "RawInline": 1, "CodeBlock": 1, "RawBlock": 1}
_SPACES = {"Space", "SoftBreak", "LineBreak"}
_SPACE_NODE = {"t": "Space"}
# Block types: their text ends where the next block's begins, so a space separates them.
_BLOCKS = {"Para", "Plain", "Header", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList",
           "BulletList", "DefinitionList", "HorizontalRule", "Table", "Figure", "Div", "LineBlock"}
WORD = re.compile(r"\w+")
_HTML_FORMATS = ("html", "html5", "html4")


def node(t: str, c: object = None) -> Node:
    return {"t": t} if c is None else {"t": t, "c": c}


def attr_of(n: Node) -> list[Any] | None:
    index = ATTR_INDEX.get(n["t"])
    return None if index is None else n["c"][index]


def iter_nodes(value: object, skip: frozenset[str] = frozenset()) -> Iterator[Node]:
    """Every node under `value` in document order, not descending into types in `skip`.

    A `Cite` is entered through its rendered content only.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            t = item.get("t")
            if t is None:                      # a Citation record or a table part
                stack.extend(reversed(list(item.values())))
                continue
            yield item
            if t in _BLOCKS:
                stack.append(_SPACE_NODE)
            if t in skip or "c" not in item or isinstance(item["c"], (str, int)):
                continue
            if t == "LineBlock":                # lines are separated, as readers see them
                lines = [part for line in item["c"] for part in (line, _SPACE_NODE)]
                stack.append(lines)
                continue
            # A citation's records hold its source prefix and suffix; readers see its content.
            stack.append(item["c"][1] if t == "Cite" else item["c"])


def iter_text(value: object, skip: frozenset[str] = frozenset({"Note", "NoteRef", "Cite"})) -> Iterator[str]:
    """The manuscript text under `value`, piece by piece; Space-like nodes yield ' '."""
    for n in iter_nodes(value, skip):
        t = n["t"]
        if t in _TEXT:
            index = _TEXT[t]
            if t in ("RawInline", "RawBlock"):   # readers see its text only, as the editions do
                yield "".join(" " if part is None else part for part in raw_parts(n["c"][0], n["c"][1]))
                continue
            yield n["c"] if index is None else n["c"][index]
        elif t in _SPACES:
            yield " "


def raw_parts(fmt: str, content: str) -> list[str | None]:
    """What readers see of raw content: for HTML its text (character references decoded),
    None for each line break (<br>); tags, comments, scripts and styles dropped. Other formats
    (LaTeX, ...) show nothing. Every edition and every check reads raw content through this."""
    if fmt.lower() not in _HTML_FORMATS:
        return []
    parser = _TextOnly()
    parser.feed(content)
    parser.close()
    return parser.parts


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str | None] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self.parts.append(None)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append(None)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def stringify(value: object) -> str:
    """The text a reader sees under `value`: citations as rendered, notes left out, and no word
    joiner (a line-breaking control, parse/spacing.py: junk in a title, a bookmark or metadata)."""
    text = "".join(iter_text(value, frozenset({"Note", "NoteRef"}))).replace("\u2060", "")
    return re.sub(r"\s+", " ", text).strip()


def words(value: object) -> list[str]:
    """Case-folded words of the manuscript text under `value` (notes and citations left out)."""
    return [w.casefold() for piece in iter_text(value) for w in WORD.findall(piece)]


def heading_text(inlines: list[Node]) -> list[Node]:
    """A heading's inlines fit for a table of contents or a running head: links unwrapped,
    note calls and superscript reference marks dropped."""
    result: list[Node] = []
    for inline in inlines:
        t = inline["t"]
        if t in ("NoteRef", "Note"):
            continue
        if t == "Link":
            result.extend(heading_text(inline["c"][1]))
        elif t == "Superscript" and any(i["t"] == "Link" for i in inline["c"]):
            continue                        # a reference mark such as ^[A1.1](#appendix-1-1)^
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            result.append({"t": t, "c": heading_text(inline["c"])})
        elif t in ("Span", "Quoted"):
            result.append({"t": t, "c": [inline["c"][0], heading_text(inline["c"][1])]})
        elif t == "Cite":
            content = heading_text(inline["c"][1])
            if content:                     # a citation that renders as a note leaves nothing
                result.append({"t": t, "c": [inline["c"][0], content]})
        else:
            result.append(inline)
    return result
