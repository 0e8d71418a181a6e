"""Import, writing stage: a chapter's AST becomes pandoc Markdown, one sentence a line.

pandoc writes the Markdown (its writer knows every escape); sentences are put on lines of their
own first, as the manuscripts of this project are kept, so that a change shows as one changed
line. Each chapter is written twice: once with the report's markers in it, to learn the line of
each item, and once without, to keep.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pypandoc

from bookbuild.ast import Node, node
from bookbuild.importer.tree import MARKER, is_marker, strip_markers

# bookbuild reads pandoc Markdown without `smart`: straight quotes are written as typed and set
# by bookbuild. Tables are pipe tables where they can be, grid tables where cells hold blocks;
# ids are always written out, since a link points at each.
WRITER = ("markdown-smart-simple_tables-multiline_tables-raw_html-raw_tex-raw_attribute"
          "-auto_identifiers")
_ABBREVIATIONS = frozenset({
    "mr.", "mrs.", "ms.", "dr.", "st.", "prof.", "rev.", "gen.", "col.", "capt.", "lt.", "sgt.",
    "jr.", "sr.", "mme.", "mlle.", "mm.", "p.", "pp.", "vol.", "vols.", "no.", "nos.", "ch.",
    "chap.", "fig.", "figs.", "ed.", "eds.", "cf.", "viz.", "c.", "ca.", "op.", "cit.", "ibid.",
    "etc.", "vs.", "v.", "trans.", "repr.", "n.", "nn.", "art.", "sec.", "para.", "approx.",
    "esp.", "al.", "f.", "ff.", "l.", "ll.", "s.", "bd.", "hg.", "vgl.", "z.", "b.", "bzw."})
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")
_CLOSERS = "’”\"')]»"
_OPENERS = "‘“\"'([«"


def render(blocks: list[Node]) -> tuple[str, dict[int, int]]:
    """The Markdown of `blocks` and the line of each report marker in it."""
    lined = sentence_lines(blocks)
    marked = _write(lined)
    lines: dict[int, int] = {}
    for number, line in enumerate(marked.split("\n"), 1):
        for match in MARKER.finditer(line):
            lines.setdefault(int(match.group(1)), number)
    return _write(strip_markers(lined)), lines


@cache
def api_version() -> list[int]:
    """The pandoc AST version of the pandoc that pypandoc runs."""
    ast = json.loads(pypandoc.convert_text("", "json", format="markdown"))
    return list(ast["pandoc-api-version"])


def _write(blocks: list[Node]) -> str:
    document = {"pandoc-api-version": api_version(), "meta": {}, "blocks": blocks}
    text = pypandoc.convert_text(json.dumps(document), WRITER, format="json",
                                 extra_args=["--wrap=preserve", "--sandbox"])
    return text.replace("\r\n", "\n").rstrip() + "\n"


def sentence_lines(blocks: list[Node]) -> list[Node]:
    """`blocks` with a line break (a SoftBreak, read as a space) after each sentence of a
    paragraph, in the text, quotes, lists and notes, but not in tables or headings."""
    result: list[Node] = []
    for block in blocks:
        t = block["t"]
        if t == "Para":
            result.append(node("Para", _split_sentences(block["c"])))
        elif t in ("BlockQuote", "Div"):
            content = sentence_lines(block["c"] if t == "BlockQuote" else block["c"][1])
            result.append(node(t, content if t == "BlockQuote" else [block["c"][0], content]))
        elif t == "BulletList":
            result.append(node(t, [sentence_lines(item) for item in block["c"]]))
        elif t == "OrderedList":
            result.append(node(t, [block["c"][0], [sentence_lines(item) for item in block["c"][1]]]))
        else:
            result.append(block)
    return result


def _split_sentences(inlines: list[Node]) -> list[Node]:
    out: list[Node] = []
    for index, inline in enumerate(inlines):
        if inline["t"] == "Note":
            inline = node("Note", sentence_lines(inline["c"]))
        elif inline["t"] == "Space" and _ends_sentence(inlines, index) and _starts_sentence(inlines, index):
            inline = node("SoftBreak")
        out.append(inline)
    return out


def _word_before(inlines: list[Node], index: int) -> str:
    for inline in reversed(inlines[:index]):
        if is_marker(inline) or inline["t"] == "Note":
            continue
        return str(inline["c"]) if inline["t"] == "Str" else ""
    return ""


def _ends_sentence(inlines: list[Node], index: int) -> bool:
    word = _word_before(inlines, index)
    core = word.rstrip(_CLOSERS).lstrip(_OPENERS)
    if not core.endswith((".", "!", "?", "…")):
        return False
    return core.lower() not in _ABBREVIATIONS and not _INITIALS.fullmatch(core)


def _starts_sentence(inlines: list[Node], index: int) -> bool:
    for inline in inlines[index + 1:]:
        if is_marker(inline):
            continue
        if inline["t"] != "Str":
            return inline["t"] in ("Emph", "Strong", "SmallCaps", "Quoted")
        first = inline["c"].lstrip(_OPENERS)[:1]
        return first.isupper()
    return False
