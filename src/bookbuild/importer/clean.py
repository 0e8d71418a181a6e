"""Import, cleaning stage: a word processor's manual formatting out, the author's markup kept.

`RULES` is an ordered list of small rules with one signature, `rule(blocks, context) -> blocks`,
each given the whole document (as one list of blocks) and returning it mended; `clean` runs them
in order. What a rule drops or mends is counted in the report (`Collector.count`); what needs a
judgement is reported at its line. Italics, bold, small capitals, block quotes, notes, tables,
images and links the text needs are kept; so are passages marked as another language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bookbuild.ast import Node, attr_of, iter_nodes, node
from bookbuild.importer.document import Metadata
from bookbuild.importer.report import Collector
from bookbuild.importer.tree import (
    SPACES,
    WRAPPERS,
    inlines_of,
    is_marker,
    map_lists,
    plain,
    slug,
)

# "1.", "2.3", "4)", "IV." typed before a heading's words.
_HEADING_NUMBER = re.compile(r"^(?:\d{1,3}\.(?:\d{1,3}\.?)*|\d{1,3}\)|[IVXLC]{1,7}\.)$")
_LIST_NUMBER = re.compile(r"^\(?(\d{1,3})[.)]$")
_BULLETS = frozenset({"•", "◦", "▪", "●", "·", "-", "*"})
_STRONG_BULLETS = frozenset({"•", "◦", "▪", "●"})
_RESERVED_ID = re.compile(r"^(?:endnotes|notes|bibliography|contents|toc|fn\d*|fnref\d*|note-\d+"
                          r"|note-ref-\d+|ref-\d+|cite-.*|page-\d+|title.*)$")


@dataclass
class Context:
    meta: Metadata
    collector: Collector
    targets: set[str] = field(default_factory=set)      # ids that internal links point at


Rule = Callable[[list[Node], Context], list[Node]]


def clean(blocks: list[Node], meta: Metadata, collector: Collector) -> list[Node]:
    """`blocks` through every rule of `RULES`, in order."""
    context = Context(meta, collector)
    for rule in RULES:
        blocks = rule(blocks, context)
    return blocks


# -- structure ----------------------------------------------------------------------------------

def drop_raw(blocks: list[Node], context: Context) -> list[Node]:
    """Raw HTML or TeX: the editions would only keep its text; the words stay, the tags go."""
    def keep(items: list[Node]) -> list[Node]:
        kept = [i for i in items if i["t"] not in ("RawBlock", "RawInline")]
        context.collector.count("raw HTML or TeX fragment", len(items) - len(kept))
        return kept
    return _blocks(map_lists(blocks, blocks=keep, inlines=keep))


def unwrap_divs(blocks: list[Node], context: Context) -> list[Node]:
    """Divs (a page's sections, a style's boxes) give their content; a passage in another
    language keeps its `lang`; pandoc's own title block goes (it is book.yaml's)."""
    def unwrap(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for block in items:
            if block["t"] != "Div":
                out.append(block)
            elif block["c"][0][0] == "title-block-header":
                context.collector.count("title block moved to book.yaml")
            elif lang := _lang(block):
                out.append(node("Div", [["", [], [["lang", lang]]], block["c"][1]]))
            else:
                out.extend(block["c"][1])
        return out
    return _blocks(map_lists(blocks, blocks=unwrap))


def drop_word_contents(blocks: list[Node], context: Context) -> list[Node]:
    """Word's table of contents (paragraphs that are a link to a `_Toc` bookmark): the
    editions make their own."""
    def is_entry(block: Node) -> bool:
        inlines = inlines_of(block) or []
        links = [i for i in inlines if i["t"] == "Link"]
        return (block["t"] in ("Para", "Plain") and len(links) == 1
                and links[0]["c"][2][0].startswith("#_Toc"))
    kept = [b for b in blocks if not is_entry(b)]
    context.collector.count("table of contents line", len(blocks) - len(kept))
    return kept


def title_lines(blocks: list[Node], context: Context) -> list[Node]:
    """Lines before the first heading that repeat the title, subtitle or author (a title page
    typed in the document): they are in book.yaml."""
    meta = context.meta
    known = {t.casefold() for t in (meta.title, meta.subtitle, *meta.authors) if t}
    index = 0
    while index < len(blocks) and blocks[index]["t"] in ("Para", "Plain") \
            and plain(blocks[index]).casefold() in known:
        index += 1
    context.collector.count("title page line moved to book.yaml", index)
    return blocks[index:]


# -- ids and links ------------------------------------------------------------------------------

def internal_links(blocks: list[Node], context: Context) -> list[Node]:
    """Links into the text keep working under tidy ids; a link to a place that is not in the
    text, or to another file, becomes plain text and is reported."""
    existing = {a[0] for n in iter_nodes(blocks) if (a := attr_of(n)) is not None and a[0]}
    names = _new_ids(existing)

    def relink(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for inline in items:
            if inline["t"] != "Link":
                out.append(inline)
                continue
            href: str = inline["c"][2][0]
            if href.startswith("#") and href[1:] in existing:
                inline["c"][2][0] = "#" + names[href[1:]]
                context.targets.add(names[href[1:]])
                out.append(inline)
            elif href.startswith("#") or not re.match(r"^(?:https?|mailto|ftp):", href, re.I):
                out.extend(inline["c"][1])
                out.append(context.collector.mark(
                    "link-removed", f"a link to {href or 'nowhere'} (not in the manuscript) was "
                    f"made plain text: “{plain(inline['c'][1])}”"))
            else:
                out.append(inline)
        return out
    blocks = map_lists(blocks, inlines=relink)
    for found in iter_nodes(blocks):
        attr = attr_of(found)
        if attr is not None and attr[0]:
            attr[0] = names.get(attr[0], attr[0])
    return blocks


def _new_ids(existing: set[str]) -> dict[str, str]:
    """Word's bookmarks (`_Ref123`, `_Toc45`) and other odd ids as tidy ones, unique."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for old in sorted(existing):
        base = slug(old.lstrip("_"), 8) or "ref"
        if base[0].isdigit() or _RESERVED_ID.match(base):
            base = f"at-{base}"
        new, count = base, 1
        while new in taken:
            count += 1
            new = f"{base}-{count}"
        names[old] = new
        taken.add(new)
    return names


def unwrap_spans(blocks: list[Node], context: Context) -> list[Node]:
    """Spans (bookmarks, a style's runs) give their content; one that a link points at leaves
    an anchor; a passage in another language keeps its `lang`."""
    def unwrap(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for inline in items:
            if inline["t"] != "Span":
                out.append(inline)
                continue
            identifier = inline["c"][0][0]
            if identifier in context.targets:
                out.append(node("Span", [[identifier, [], []], []]))
            if lang := _lang(inline):
                out.append(node("Span", [["", [], [["lang", lang]]], inline["c"][1]]))
            elif "smallcaps" in inline["c"][0][1]:
                out.append(node("SmallCaps", inline["c"][1]))
            else:
                out.extend(inline["c"][1])
        return out
    return _blocks(map_lists(blocks, inlines=unwrap))


def heading_attributes(blocks: list[Node], context: Context) -> list[Node]:
    """A heading keeps an id only when a link points at it; classes and styles go."""
    for found in iter_nodes(blocks):
        if found["t"] == "Header":
            identifier = found["c"][1][0]
            found["c"][1] = [identifier if identifier in context.targets else "", [], []]
    return blocks


def image_attributes(blocks: list[Node], context: Context) -> list[Node]:
    """Sizes set in the word processor go: every edition fits an image to its page."""
    for found in iter_nodes(blocks):
        if found["t"] == "Image":
            identifier = found["c"][0][0]
            if found["c"][0][2]:
                context.collector.count("image size")
            found["c"][0] = [identifier if identifier in context.targets else "", [], []]
    return blocks


def table_widths(blocks: list[Node], context: Context) -> list[Node]:
    """Column widths from the word processor go, so that simple tables are written as pipe
    tables an author can edit."""
    for found in iter_nodes(blocks):
        if found["t"] == "Table":
            found["c"][2] = [[spec[0], {"t": "ColWidthDefault"}] for spec in found["c"][2]]
    return blocks


# -- inline formatting --------------------------------------------------------------------------

def underline_as_emphasis(blocks: list[Node], context: Context) -> list[Node]:
    """Underlining is a typescript's way of saying italics."""
    for found in iter_nodes(blocks):
        if found["t"] == "Underline":
            found["t"] = "Emph"
            context.collector.count("underlining made italics")
    return blocks


def empty_formatting(blocks: list[Node], context: Context) -> list[Node]:
    """Italics or bold around nothing but spaces go; runs split by the word processor
    (`*a**b*`, `*a* *b*`) are joined."""
    def mend(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for inline in items:
            if inline["t"] in WRAPPERS and not plain(inline["c"]) and not _has_content(inline["c"]):
                out.extend(i for i in inline["c"] if i["t"] in SPACES or is_marker(i))
                continue
            if inline["t"] in WRAPPERS and out and out[-1]["t"] == inline["t"]:
                out[-1] = node(inline["t"], out[-1]["c"] + inline["c"])
                continue
            if (inline["t"] in WRAPPERS and len(out) >= 2 and out[-1]["t"] == "Space"
                    and out[-2]["t"] == inline["t"]):
                out[-2:] = [node(inline["t"], out[-2]["c"] + [out[-1]] + inline["c"])]
                continue
            out.append(inline)
        return out
    return _blocks(map_lists(blocks, inlines=mend))


def spaces(blocks: list[Node], context: Context) -> list[Node]:
    """No run of spaces, and no space or line break opening or closing a paragraph (a tab
    indent, a trailing Shift+Enter)."""
    def collapse(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        last: Node | None = None
        for inline in items:
            if inline["t"] in ("Space", "SoftBreak") and last is not None and last["t"] in SPACES:
                continue
            out.append(inline)
            if not is_marker(inline):
                last = inline
        return out

    def trim(items: list[Node]) -> list[Node]:
        for block in items:
            inlines = inlines_of(block)
            if inlines is None:
                continue
            while inlines and inlines[0]["t"] in SPACES:
                inlines.pop(0)
                context.collector.count("space or line break opening a paragraph")
            while inlines and inlines[-1]["t"] in SPACES:
                inlines.pop()
        return items
    return _blocks(map_lists(map_lists(blocks, inlines=collapse), blocks=trim))


def line_breaks(blocks: list[Node], context: Context) -> list[Node]:
    """Two line breaks in a row (an empty line typed inside a paragraph) end the paragraph."""
    def split(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for block in items:
            if block["t"] != "Para":
                out.append(block)
                continue
            parts: list[list[Node]] = [[]]
            inlines = block["c"]
            for index, inline in enumerate(inlines):
                if inline["t"] == "LineBreak" and index + 1 < len(inlines) \
                        and inlines[index + 1]["t"] == "LineBreak":
                    parts.append([])
                    context.collector.count("empty line typed inside a paragraph")
                elif not (inline["t"] == "LineBreak" and not parts[-1]):
                    parts[-1].append(inline)
            out.extend(node("Para", part) for part in parts if part)
        return out
    return _blocks(map_lists(blocks, blocks=split))


# -- paragraphs ---------------------------------------------------------------------------------

def empty_paragraphs(blocks: list[Node], context: Context) -> list[Node]:
    """Empty paragraphs (Enter pressed for space) and empty headings go; a report marker in
    one moves to the paragraph before."""
    def drop(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for block in items:
            inlines = inlines_of(block)
            if inlines is None or plain(block) or _has_content(inlines):
                out.append(block)
                continue
            context.collector.count("empty heading" if block["t"] == "Header" else "empty paragraph")
            marks = [i for i in inlines if is_marker(i)]
            target = next((inlines_of(b) for b in reversed(out) if inlines_of(b) is not None), None)
            if target is not None:
                target.extend(marks)
        return out
    return _blocks(map_lists(blocks, blocks=drop))


def heading_numbers(blocks: list[Node], context: Context) -> list[Node]:
    """Numbers typed before a heading's words ("1. Introduction"): the editions number what
    needs numbering."""
    for found in iter_nodes(blocks):
        if found["t"] != "Header":
            continue
        inlines = found["c"][2]
        if len(inlines) >= 3 and inlines[0]["t"] == "Str" and _HEADING_NUMBER.match(inlines[0]["c"]) \
                and inlines[1]["t"] == "Space" and not _initial(inlines[2]):
            del inlines[:2]
            context.collector.count("number typed before a heading")
    return blocks


def typed_lists(blocks: list[Node], context: Context) -> list[Node]:
    """Paragraphs numbered or bulleted by hand ("1. ", "2. " or "• ") become a list."""
    def gather(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        index = 0
        while index < len(items):
            run, kind = _typed_run(items, index)
            if run:
                out.append(_as_list(run, kind, items, index))
                context.collector.count(f"{'numbered' if kind == 'number' else 'bulleted'} "
                                        "paragraph typed by hand, made a list item", len(run))
                index += len(run)
            else:
                out.append(items[index])
                index += 1
        return out
    return _blocks(map_lists(blocks, blocks=gather))


def _typed_run(items: list[Node], start: int) -> tuple[list[Node], str]:
    """The paragraphs from `start` that make one typed list, and its kind."""
    first = _typed_mark(items[start])
    if first is None:
        return [], ""
    kind = "number" if first[0].isdigit() else "bullet"
    run = [items[start]]
    for block in items[start + 1:]:
        mark = _typed_mark(block)
        if mark is None:
            break
        if kind == "number" and not (mark[0].isdigit() and int(mark) == int(first) + len(run)):
            break
        if kind == "bullet" and mark != first:
            break
        run.append(block)
    needed = 1 if kind == "bullet" and first in _STRONG_BULLETS else 2
    return (run, kind) if len(run) >= needed else ([], "")


def _typed_mark(block: Node) -> str | None:
    """'3' for a paragraph typed "3. words", '•' for "• words", else None."""
    if block["t"] != "Para" or len(block["c"]) < 3 or block["c"][0]["t"] != "Str" \
            or block["c"][1]["t"] != "Space":
        return None
    first = block["c"][0]["c"]
    if match := _LIST_NUMBER.match(first):
        return match.group(1)
    return first if first in _BULLETS else None


def _as_list(run: list[Node], kind: str, items: list[Node], start: int) -> Node:
    entries = [[node("Plain", block["c"][2:])] for block in run]
    if kind == "bullet":
        return node("BulletList", entries)
    first = int(_typed_mark(run[0]) or 1)
    return node("OrderedList", [[first, {"t": "Decimal"}, {"t": "Period"}], entries])


def _initial(inline: Node) -> bool:
    """'M.' of "I. M. Pei": the number was an initial."""
    return inline["t"] == "Str" and re.fullmatch(r"[A-Z]\.", inline["c"]) is not None


def _lang(n: Node) -> str:
    """The `lang` attribute of a Div or Span, or ''."""
    attr = attr_of(n)
    pairs: list[list[str]] = attr[2] if attr is not None else []
    return next((value for key, value in pairs if key == "lang"), "")


def _has_content(inlines: list[Node]) -> bool:
    """Something a reader sees that has no words: an image, a note, an anchor that is linked."""
    return any(n["t"] in ("Image", "Note", "Math", "Code") for n in iter_nodes(inlines))


def _blocks(value: object) -> list[Node]:
    assert isinstance(value, list)
    return value


RULES: list[Rule] = [
    drop_raw,
    unwrap_divs,
    drop_word_contents,
    title_lines,
    internal_links,
    unwrap_spans,
    heading_attributes,
    image_attributes,
    table_widths,
    underline_as_emphasis,
    empty_formatting,
    line_breaks,
    spaces,
    empty_paragraphs,
    heading_numbers,
    typed_lists,
]
