"""Import, cleaning stage for web pages: notes typed as links become footnotes.

pandoc reads the notes of pages it wrote itself (`doc-noteref`, `doc-endnotes`). Other sites
mark a note by hand: a superscript number linking to an item of a list at the end, which links
back. Such a call becomes a pandoc note holding the item's text (its back link dropped), and
the item leaves the list; a list left empty goes too.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from bookbuild.ast import Node, attr_of, iter_nodes, node
from bookbuild.importer.report import Collector
from bookbuild.importer.tree import map_lists, plain

_CALL_TEXT = re.compile(r"^\[?(?:\d{1,3}|[a-z]|[*†‡§]+)\]?$")
_BACK_TEXT = re.compile(r"^(?:[↩↑^⤴]\ufe0e?\ufe0f?|back|return|\^)$", re.I)


def notes_from_links(blocks: list[Node], collector: Collector) -> list[Node]:
    """`blocks` with note calls made of links turned into footnotes."""
    targets = _note_targets(blocks)
    if not targets:
        return blocks
    used: set[str] = set()

    def calls(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for inline in items:
            if inline["t"] == "Superscript" and [i["t"] for i in inline["c"]] == ["Note"]:
                out.append(inline["c"][0])      # a call made a note inside its superscript
                continue
            target = _call_target(inline)
            if target in targets:
                out.append(node("Note", _without_backlinks(targets[target])))
                used.add(target)
            else:
                out.append(inline)
        return out

    result: list[Node] = map_lists(blocks, inlines=calls)
    if used:
        collector.count("note typed as a link, made a footnote", len(used))
    return _drop_definitions(result, used)


def _call_target(inline: Node) -> str | None:
    """The id a note call points at: a link (maybe in a superscript) whose text is a number."""
    if inline["t"] == "Superscript" and len(inline["c"]) == 1:
        inline = inline["c"][0]
    if inline["t"] != "Link":
        return None
    href = inline["c"][2][0]
    if not href.startswith("#") or not _CALL_TEXT.match(plain(inline["c"][1])):
        return None
    return str(href[1:])


def _note_targets(blocks: list[Node]) -> dict[str, list[Node]]:
    """Ids that note calls point at, with the blocks each holds."""
    wanted = {t for n in iter_nodes(blocks) if (t := _call_target(n)) is not None}
    found: dict[str, list[Node]] = {}
    for item in iter_nodes(blocks):
        attr = attr_of(item)
        if attr is None or attr[0] not in wanted:
            continue
        if item["t"] == "Span":
            found[attr[0]] = [node("Para", item["c"][1])]
        elif item["t"] == "Div":
            found[attr[0]] = item["c"][1]
    return found


def _without_backlinks(blocks: list[Node]) -> list[Node]:
    def drop(items: list[Node]) -> list[Node]:
        kept = [i for i in items if not (i["t"] == "Link" and i["c"][2][0].startswith("#")
                                           and _BACK_TEXT.match(plain(i["c"][1])))]
        while kept and kept[-1]["t"] in ("Space", "SoftBreak"):
            kept.pop()
        return kept
    result: list[Node] = map_lists(blocks, inlines=drop)
    return result


def _drop_definitions(blocks: list[Node], used: set[str]) -> list[Node]:
    def is_definition(block: Node) -> bool:
        found = [n for n in iter_nodes(block) if (a := attr_of(n)) is not None and a[0] in used]
        return bool(found) and not plain(_strip_ids(block, used))

    def in_lists(items: list[Node]) -> list[Node]:
        kept: list[Node] = []
        for block in items:
            if block["t"] in ("OrderedList", "BulletList"):
                entries = block["c"][1] if block["t"] == "OrderedList" else block["c"]
                entries = [e for e in entries if not all(is_definition(b) for b in e)]
                if not entries:
                    continue
                block = node(block["t"], [block["c"][0], entries] if block["t"] == "OrderedList"
                             else entries)
            elif block["t"] == "Div" and is_definition(block):
                continue
            kept.append(block)
        return kept

    result: list[Node] = map_lists(blocks, blocks=in_lists)
    return result


def _strip_ids(value: Any, used: set[str]) -> Any:
    """A copy of `value` without the nodes carrying the ids in `used` (what is left of a
    definition)."""
    def keep(items: list[Node]) -> list[Node]:
        return [i for i in items if (a := attr_of(i)) is None or a[0] not in used]
    return map_lists(copy.deepcopy(value), blocks=keep, inlines=keep)
