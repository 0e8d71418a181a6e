"""Render stage (shared by every writer): the model's pandoc AST as XHTML fragments.

The output is polyglot markup, valid both as HTML5 and as the XHTML an EPUB needs. Links are
resolved through a `Links` object, the only thing that differs between editions: a page per
chapter (HTML, EPUB) or one document (PDF).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html import escape
from typing import Any, Protocol

from bookbuild.ast import Node, heading_text, iter_nodes, raw_parts, stringify
from bookbuild.parse.typography import QUOTES
from bookbuild.render.crossrefs import CrossRefTexts
from bookbuild.render.urls import is_url, split_urls, url_html, url_markup

_LIST_TYPES = {"Decimal": "1", "LowerRoman": "i", "UpperRoman": "I", "LowerAlpha": "a",
               "UpperAlpha": "A"}
_ALIGN = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}
# Attributes pandoc passes through by name; the others become data-* attributes.
_PLAIN_ATTRIBUTES = {"lang", "dir", "title", "width", "height", "style"}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# A chapter's opening words, set in small capitals in print: a phrase of at most this many words,
# ended early by the end of the first sentence or clause, and never on one of these words.
OPENING_WORDS = 5
_CLOSERS = "’”\"')]»›"
_UNSTRESSED = set("""a an the of and or but nor to in on at by for with from as into onto upon over
    under up down out off about above after before below between among along across around
    through against since till until via than so if not no that this these those its his her
    their our my your it he she we they i is was are were be been has had have will would can
    could shall should may might must do does did""".split())
_GROUPS = {"Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Span", "Quoted", "Link"}


class Links(Protocol):
    """How an edition addresses its parts."""

    def anchor(self, anchor_id: str) -> str | None:
        """Where the edition has the anchor; None for an id the book does not have."""
        ...
    def note(self, seq: int) -> str: ...
    def noteref(self, seq: int) -> str: ...
    def image(self, src: str) -> str | None:
        """Where the edition keeps the image; None for one it must not carry (outside the
        manuscript, on the web, unusable): a draft shows its description instead."""
        ...
    def section(self, name: str) -> str: ...   # "endnotes" or "bibliography"


def text(value: str) -> str:
    return escape(value, quote=False)


def attr_value(value: str) -> str:
    return escape(value, quote=True)


class HtmlRenderer:
    """Pandoc blocks and inlines to XHTML. One instance per edition."""

    def __init__(self, links: Links, lang: str, note_numbers: dict[int, int], epub: bool = False,
                 page_breaks: dict[str, list[tuple[int, str]]] | None = None,
                 scroll_tables: bool = False, bookmarks: bool = False,
                 crossrefs: CrossRefTexts | None = None) -> None:
        self.links = links
        self.crossrefs = crossrefs
        # Print: a heading's bookmark (the PDF outline) is its words, without its note calls,
        # and the opening words of a chapter are marked (`span.opening`) for small capitals.
        self.bookmarks = bookmarks
        self._opening_due = False       # a chapter's title was the last top-level block
        self.epub = epub
        # On the web a wide table scrolls sideways in its own box instead of widening the page.
        self.scroll_tables = scroll_tables
        self.note_numbers = note_numbers
        # Print page breaks to mark, per block key: (word characters before the break, folio).
        self.page_breaks = page_breaks or {}
        self._pending: list[tuple[int, str]] = []
        self._count = 0
        # Markers that fell where a page break must not be marked (a heading, a link's text, a
        # header cell, a caption: anything whose text is also an accessible name), waiting to be
        # placed just outside it; see `_outside`.
        self._held: list[str] | None = None
        # Quotation marks by primary language: the table the typography pass uses too.
        self.quotes = QUOTES.get(lang.split("-")[0].lower(), QUOTES["en"])
        self._blocks: dict[str, Callable[[Any], str]] = {
            "Plain": lambda c: self.inlines(c),
            "Para": lambda c: f"<p>{self.inlines(c)}</p>\n",
            "LineBlock": self._line_block,
            "CodeBlock": self._code_block,
            "RawBlock": lambda c: _raw(c[0], c[1]),
            "BlockQuote": lambda c: f"<blockquote>\n{self.blocks(c)}</blockquote>\n",
            "OrderedList": self._ordered_list,
            "BulletList": lambda c: f"<ul>\n{self._items(c)}</ul>\n",
            "DefinitionList": self._definition_list,
            "Header": self._header,
            "HorizontalRule": lambda c: f'{self._due()}<hr class="break"/>\n',
            "Table": self._table,
            "Figure": self._figure,
            "Div": self._div,
        }
        self._inlines: dict[str, Callable[[Any], str]] = {
            "Str": self._str,
            "Space": lambda c: " ",
            "SoftBreak": lambda c: "\n",
            "LineBreak": lambda c: "<br/>\n",
            "Emph": lambda c: f"<em>{self.inlines(c)}</em>",
            "Underline": lambda c: f"<u>{self.inlines(c)}</u>",
            "Strong": lambda c: f"<strong>{self.inlines(c)}</strong>",
            "Strikeout": lambda c: f"<del>{self.inlines(c)}</del>",
            "Superscript": lambda c: f"<sup>{self.inlines(c)}</sup>",
            "Subscript": lambda c: f"<sub>{self.inlines(c)}</sub>",
            "SmallCaps": lambda c: f'<span class="smallcaps">{self.inlines(c)}</span>',
            "Quoted": self._quoted,
            "Cite": lambda c: f'<span class="citation">{self.inlines(c[1])}</span>',
            "Code": self._code,
            "Math": lambda c: f'<span class="math">{text(c[1])}</span>',
            "RawInline": lambda c: _raw(c[0], c[1]),
            "Link": self._link,
            "Image": self._image,
            "Span": self._span,
            "NoteRef": self._noteref,
        }

    # -- public --------------------------------------------------------------------------------

    def blocks(self, blocks: Iterable[Node]) -> str:
        return "".join(self._blocks[b["t"]](b.get("c")) for b in blocks)

    def inlines(self, inlines: Iterable[Node]) -> str:
        return "".join(self._inlines[i["t"]](i.get("c")) for i in inlines)

    def epub_type(self, value: str) -> str:
        return f' epub:type="{value}"' if self.epub else ""

    def block(self, node: Node, key: str, keyed: bool = False) -> str:
        """One top-level block of the model, known by `key`: marked with it (`keyed`, for the
        print layout to report where it falls) and carrying the print page breaks inside it."""
        self.begin(key)
        if self._opens_chapter(node):
            html = f"<p>{self._with_opening(node['c'])}</p>\n"
        else:
            html = self.blocks([node])
        if keyed:
            html = _with_attribute(html, "data-b", key)
        return html + self.end()

    def _opens_chapter(self, node: Node) -> bool:
        """Whether `node`, a top-level block, is the paragraph that opens a chapter's text: the
        first after its title (and after an epigraph, if it has one). Print only."""
        kind = node["t"]
        if kind == "Header":
            self._opening_due = self.bookmarks and node["c"][0] == 1
            return False
        if kind in ("BlockQuote", "Div") and self._opening_due:
            return False
        due, self._opening_due = self._opening_due, False
        return due and kind == "Para"

    def _with_opening(self, inlines: list[Node]) -> str:
        """A paragraph's inlines with its opening words in `span.opening`."""
        count = opening_length(inlines)
        if not count:
            return self.inlines(inlines)
        return (f'<span class="opening">{self.inlines(inlines[:count])}</span>'
                f"{self.inlines(inlines[count:])}")

    def begin(self, key: str) -> None:
        self._pending = list(self.page_breaks.get(key, ()))
        self._count = 0

    def end(self) -> str:
        """Markers for breaks the text did not reach (there should be none)."""
        leftover = "".join(self.page_marker(folio) for _, folio in self._pending)
        self._pending = []
        return leftover

    def page_marker(self, folio: str) -> str:
        """Where a print page begins. Assistive technology meets it as a page break named
        "Page N" and nothing else: no text inside, and no `title` (it would be read as a
        description). On the web `separator`, the role doc-pagebreak refines, follows it as the
        fallback ARIA defines for tools that know no DPUB role (axe-core takes the span for a
        generic one, on which a name is prohibited); in the EPUB, where Ace and reading
        systems know DPUB, doc-pagebreak stands alone (Ace wants it to match epub:type). The
        web edition's stylesheet shows `data-page` as a folio whose generated text has empty
        alternative text, so that it never joins the words around it."""
        value = attr_value(folio)
        role = "doc-pagebreak" if self.epub else "doc-pagebreak separator"
        return (f'<span id="page-{value}" class="page-break" role="{role}"'
                f'{self.epub_type("pagebreak")} aria-label="Page {value}" data-page="{value}"></span>')

    def _break(self, folio: str) -> str:
        """The marker of a print page break met in the text: here, or held for later when the
        text is inside something whose words are an accessible name."""
        if self._held is not None:
            self._held.append(self.page_marker(folio))
            return ""
        return self.page_marker(folio)

    def _place(self, markers: list[str]) -> str:
        """Markers held back from inside an element, placed just outside it (or held again when
        that place is itself inside one)."""
        if self._held is not None:
            self._held.extend(markers)
            return ""
        return "".join(markers)

    @contextmanager
    def _outside(self) -> Iterator[list[str]]:
        """Render an element whose text must carry no page marker (a heading's accessible name
        is its text: a marker in it would be read as "Page 3 Chapter One"); the markers that fall
        inside are collected in the list yielded, for the caller to `_place` outside."""
        saved, held = self._held, list[str]()
        self._held = held
        try:
            yield held
        finally:
            self._held = saved

    def _due(self) -> str:
        """Markers for breaks already reached when a block without a place for them inside (a
        rule, a table, a figure) begins: the print page begins with that block."""
        markers = []
        while self._pending and self._pending[0][0] <= self._count:
            markers.append(self.page_marker(self._pending.pop(0)[1]))
        return self._place(markers)

    def _str(self, value: str) -> str:
        # A bare address in the text (pandoc leaves it a Str) breaks only where Chicago allows.
        pieces = split_urls(value)
        if len(pieces) == 1 and not pieces[0][1]:
            return self._words(value)
        return "".join(self._url_markers(piece) + url_html(piece) if is_address
                       else self._words(piece) for piece, is_address in pieces)

    def _url_markers(self, url: str) -> str:
        """The print page breaks that fall inside an address, to go before it: a marker between
        its segments would split the address in the screen editions' text."""
        markers = ""
        if self._pending:
            words = sum(1 for char in url if _is_word(char))
            while self._pending and self._count + words > self._pending[0][0]:
                markers += self._break(self._pending.pop(0)[1])
            self._count += words
        return markers

    def _words(self, value: str) -> str:
        if not self._pending:
            return text(value)
        out: list[str] = []
        start = 0
        for index, char in enumerate(value):
            if not _is_word(char):
                continue
            while self._pending and self._count >= self._pending[0][0]:
                word_start = index
                while word_start > start and _is_word(value[word_start - 1]):
                    word_start -= 1
                out.append(text(value[start:word_start]))
                out.append(self._break(self._pending.pop(0)[1]))
                start = word_start
            self._count += 1
        out.append(text(value[start:]))
        return "".join(out)

    # -- blocks --------------------------------------------------------------------------------

    def attributes(self, attr: Any, extra_classes: Iterable[str] = ()) -> str:
        anchor_id, classes, pairs = attr
        parts = []
        if anchor_id:
            parts.append(f' id="{attr_value(str(anchor_id))}"')
        all_classes = [*classes, *extra_classes]
        if all_classes:
            parts.append(f' class="{attr_value(" ".join(all_classes))}"')
        for key, value in pairs:
            name = key if key in _PLAIN_ATTRIBUTES else "data-" + _attribute_name(key)
            parts.append(f' {name}="{attr_value(value)}"')
            if key == "lang" and self.epub:
                parts.append(f' xml:lang="{attr_value(value)}"')
        return "".join(parts)

    def _line_block(self, lines: Any) -> str:
        # Each line of verse a block of its own, so that a line too long for the measure can be
        # turned over with a hanging indent; an empty line (between stanzas) keeps its height.
        body = "".join(f'<div class="line">{self.inlines(line) or "<br/>"}</div>\n' for line in lines)
        return f'<div class="line-block">\n{body}</div>\n'

    def _code_block(self, c: Any) -> str:
        return f"<pre{self.attributes(c[0])}><code>{text(c[1])}</code></pre>\n"

    def _items(self, items: Any) -> str:
        return "".join(f"<li>{self._item(item)}</li>\n" for item in items)

    def _item(self, blocks: Any) -> str:
        # A tight list item is one Plain block: keep it on one line, without <p>.
        if len(blocks) == 1 and blocks[0]["t"] == "Plain":
            return self.inlines(blocks[0]["c"])
        return "\n" + self.blocks(blocks) if blocks else ""

    def _ordered_list(self, c: Any) -> str:
        (start, style, _), items = c
        attributes = f' start="{start}"' if start != 1 else ""
        list_type = _LIST_TYPES.get(style["t"])
        if list_type and list_type != "1":
            attributes += f' type="{list_type}"'
        return f"<ol{attributes}>\n{self._items(items)}</ol>\n"

    def _definition_list(self, items: Any) -> str:
        parts = []
        for term, definitions in items:
            parts.append(f"<dt>{self.inlines(term)}</dt>\n")
            parts.extend(f"<dd>{self._item(d)}</dd>\n" for d in definitions)
        return "<dl>\n" + "".join(parts) + "</dl>\n"

    def _header(self, c: Any) -> str:
        level, attr, inlines = c
        bookmark = ""
        if self.bookmarks:
            # No word joiner (parse/spacing.py) in a bookmark: viewers would show it as a box.
            words = " ".join("".join(_plain(heading_text(inlines))).replace("\u2060", "").split())
            bookmark = f' data-bookmark="{attr_value(words)}"'
        # A page that begins in a heading begins before it: a marker inside would join the
        # heading's accessible name ("Page 1 Revolution Destroyed").
        with self._outside() as held:
            words = self.inlines(inlines)
        return f"{self._place(held)}<h{level}{self.attributes(attr)}{bookmark}>{words}</h{level}>\n"

    def _div(self, c: Any) -> str:
        attr, blocks = c
        return f"<div{self.attributes(attr)}>\n{self.blocks(blocks)}</div>\n"

    def _figure(self, c: Any) -> str:
        attr, (_, caption), blocks = c
        opening = self._due()
        body = self.blocks(blocks)
        caption_html = ""
        if caption:
            # The caption is the figure's accessible name: a break in it is marked before it.
            with self._outside() as held:
                words = self._caption_label(attr) + self._caption(caption)
            caption_html = f"{self._place(held)}<figcaption>{words}</figcaption>\n"
        return f"{opening}<figure{self.attributes(attr)}>\n{body}{caption_html}</figure>\n"

    def _caption(self, blocks: Any) -> str:
        if len(blocks) == 1 and blocks[0]["t"] in ("Plain", "Para"):
            return self.inlines(blocks[0]["c"])
        return self.blocks(blocks)

    def _table(self, c: Any) -> str:
        attr, (_, caption), colspecs, head, bodies, foot = c
        opening = self._due()
        parts = [f"<table{self.attributes(attr)}>\n"]
        if caption:
            # The caption names the table: a page that begins in it begins before the table.
            with self._outside() as held:
                parts.append(f"<caption>{self._caption_label(attr)}{self._caption(caption)}"
                             "</caption>\n")
            opening += self._place(held)
        aligns = [_ALIGN.get(spec[0]["t"]) for spec in colspecs]
        # A marker that falls in a header cell (whose words name the cells it heads) waits for
        # the next data cell, or for the end of the table.
        carried: list[str] = []
        header = _header_rows(head[1])
        if header:
            parts.append("<thead>\n" + self._rows(header, "th", aligns, carried) + "</thead>\n")
        for body in bodies:
            _, row_head_columns, intermediate, rows = body
            parts.append("<tbody>\n" + self._rows(_header_rows(intermediate), "th", aligns, carried)
                         + self._rows(rows, "td", aligns, carried, row_head_columns) + "</tbody>\n")
        if foot[1]:
            parts.append("<tfoot>\n" + self._rows(foot[1], "td", aligns, carried) + "</tfoot>\n")
        parts.append("</table>\n")
        if self.scroll_tables:
            label = attr_value("Table: " + stringify(caption) if caption else "Table")
            parts.insert(0, f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">\n')
            parts.append("</div>\n")
        return opening + "".join(parts) + self._place(carried)

    def _rows(self, rows: Any, tag: str, aligns: list[str | None], carried: list[str],
              head_columns: int = 0) -> str:
        out = []
        for row_attr, cells in rows:
            html_cells = []
            column = 0
            for i, (cell_attr, align, rowspan, colspan, blocks) in enumerate(cells):
                # A blank cell heads nothing (the corner above a column of row labels): a data
                # cell, or it would be a header without a name (Ace's empty-table-header).
                heads = (tag == "th" or i < head_columns) and not _blank(blocks)
                cell_tag = "th" if heads else "td"
                spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + \
                        (f' colspan="{colspan}"' if colspan > 1 else "")
                alignment = _ALIGN.get(align["t"]) or (aligns[column] if column < len(aligns) else None)
                style = f' style="text-align: {alignment}"' if alignment else ""
                html_cells.append(f"<{cell_tag}{self.attributes(cell_attr)}{spans}{style}>"
                                  f"{self._cell(blocks, heads, carried)}</{cell_tag}>")
                column += colspan
            out.append(f"<tr{self.attributes(row_attr)}>" + "".join(html_cells) + "</tr>\n")
        return "".join(out)

    def _cell(self, blocks: Any, heads: bool, carried: list[str]) -> str:
        """A cell's content; a header cell's markers are carried to the next data cell."""
        if heads:
            with self._outside() as held:
                content = self._item(blocks)
            carried.extend(held)
            return content
        waiting = self._place(carried[:])
        carried.clear()
        return waiting + self._item(blocks)

    # -- inlines -------------------------------------------------------------------------------

    def _quoted(self, c: Any) -> str:
        kind, inlines = c
        open_, close = (self.quotes[0], self.quotes[1]) if kind["t"] == "DoubleQuote" \
            else (self.quotes[2], self.quotes[3])
        return f"{open_}{self.inlines(inlines)}{close}"

    def _link(self, c: Any) -> str:
        attr, inlines, (url, title) = c
        href = self.links.anchor(url[1:]) if url.startswith("#") else url
        if href is None:
            # A link to no anchor (a draft written despite `broken-link`): its words, unlinked,
            # so that the edition holds no link that leads nowhere.
            return f'<span{self.attributes(attr, ("broken-link",))}>{self.inlines(inlines)}</span>'
        title_attr = f' title="{attr_value(title)}"' if title else ""
        shown = _link_address(inlines, url)
        if shown is not None:
            # The link shows its address (an autolink, citeproc's URL or DOI, [url](url)): the
            # `a` itself is the `.url` element, its text still exactly the address.
            return (f'{self._url_markers(shown)}<a{self.attributes(attr, ("url",))} '
                    f'href="{attr_value(href)}"{title_attr}>{url_markup(shown)}</a>')
        # A link's words are its accessible name: a page that begins in them begins before it.
        with self._outside() as held:
            words = self.inlines(inlines)
        link = f'<a{self.attributes(attr)} href="{attr_value(href)}"{title_attr}>{words}</a>'
        return self._place(held) + link

    def _span(self, c: Any) -> str:
        attr, inlines = c
        if "crossref" in attr[1] and self.crossrefs is not None:
            return self._crossref(dict(attr[2]))
        return f"<span{self.attributes(attr)}>{self.inlines(inlines)}</span>"

    def _crossref(self, settings: dict[str, str]) -> str:
        """A cross-reference: a link to its target, with the words `CrossRefTexts` gives."""
        assert self.crossrefs is not None
        key = settings.get("target", "")
        words = str(self.crossrefs.markup(key, settings.get("form", "label")))
        target = key.removeprefix("page-") if key.startswith("page-") else key
        href = self.links.anchor(target)
        kind = "crossref page-ref" if key.startswith("page-") else "crossref"
        if href is None:
            return f'<span class="{kind} broken-link">{words}</span>'
        return f'<a class="{kind}" href="{attr_value(href)}">{words}</a>'

    def _caption_label(self, attr: Any) -> str:
        """"Figure 3" before the caption of a numbered figure or table."""
        label = self.crossrefs.caption_label(str(attr[0])) if self.crossrefs is not None else None
        return f'<span class="caption-label">{text(label)}.</span> ' if label else ""

    def _code(self, c: Any) -> str:
        attr, value = c
        if is_url(value):
            return f'<code{self.attributes(attr, ("url",))}>{url_markup(value)}</code>'
        # Code with an address among other text ("curl https://..."): the address alone is
        # broken at Chicago's points; code is not counted for page breaks, so no _url here.
        body = "".join(url_html(piece) if is_address else text(piece)
                       for piece, is_address in split_urls(value))
        return f"<code{self.attributes(attr)}>{body}</code>"

    def _image(self, c: Any) -> str:
        attr, inlines, (src, title) = c
        alt = "".join(_plain(inlines))
        title_attr = f' title="{attr_value(title)}"' if title else ""
        target = self.links.image(src)
        if target is None:
            return f'<span class="image-left-out">[{escape(alt or "image")}]</span>'
        return (f'<img{self.attributes(attr)} src="{attr_value(target)}" '
                f'alt="{attr_value(alt)}"{title_attr}/>')

    def _noteref(self, seq: int) -> str:
        return (f'<a href="{self.links.note(seq)}" id="noteref-{seq}" class="noteref" '
                f'role="doc-noteref"{self.epub_type("noteref")}>{self.note_numbers[seq]}</a>')


def opening_length(inlines: list[Node]) -> int:
    """How many of a paragraph's first inlines are its opening words: at most OPENING_WORDS
    words, up to the end of the first sentence or clause (of two words or more) if that comes
    first, not ending on an unstressed word (an article, a preposition...), and never splitting
    a word or an emphasis; 0 when the paragraph does not open with words."""
    words = 0
    ends: list[tuple[int, str, bool]] = []      # (inlines so far, last word, ends a clause)
    for index, inline in enumerate(inlines):
        kind = inline["t"]
        if kind in ("Space", "SoftBreak"):
            continue
        if kind == "Str":
            text_ = inline["c"]
        elif kind in _GROUPS:
            text_ = "".join(_plain([inline]))
        else:
            break                   # a note call, an image, a line break: the opening ends
        count = len(text_.split())
        if not count or words + count > OPENING_WORDS:
            break
        words += count
        last = text_.rstrip(_CLOSERS)
        sentence = last.endswith((".", "!", "?", "…"))
        clause = sentence or (words >= 2 and last.endswith((",", ";", ":", "—", "–")))
        ends.append((index + 1, last.split()[-1], clause))
        if clause:
            break
    while len(ends) > 1 and not ends[-1][2] and \
            ends[-1][1].strip(_CLOSERS + "‘“").lower() in _UNSTRESSED:
        ends.pop()
    return ends[-1][0] if ends else 0


def balanced_lines(text_: str, measure: float, width: Callable[[str], float]) -> list[str]:
    """Display type (a title, a subtitle) broken into as few lines as fit `measure` (in the
    units of `width`, which measures a line), and as even as they can be: the narrowest measure
    that still needs no more lines, filled greedily, so that no word is left alone on a last
    line. (WeasyPrint has no `text-wrap: balance`.)"""
    words = [word for word in re.split(r"[ \t\r\n]+", text_) if word]   # no-break spaces hold
    if not words:
        return []

    def fill(limit: float) -> list[str]:
        lines: list[str] = []
        for word in words:
            if lines and width(f"{lines[-1]} {word}") <= limit:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        return lines

    count = len(fill(measure))
    if count == 1:
        return [" ".join(words)]
    low, high = max(width(word) for word in words), measure
    for _ in range(24):
        middle = (low + high) / 2
        if len(fill(middle)) <= count:
            high = middle
        else:
            low = middle
    return fill(high)


def _link_address(inlines: list[Node], href: str) -> str | None:
    """The address a link shows as its text, or None when its text is words (or styled)."""
    if not inlines or any(inline["t"] != "Str" for inline in inlines):
        return None
    shown = "".join(inline["c"] for inline in inlines)
    # Text equal to an absolute href is an address even in a scheme find_urls does not know.
    if is_url(shown) or (_SCHEME.match(href) and shown in (href, href.removeprefix("mailto:"))):
        return shown
    return None


def _header_rows(rows: Any) -> Any:
    """Header rows that head something: a row of blank cells is no header at all (pandoc's
    readers drop one; a filter or another reader may not)."""
    return [row for row in rows if not all(_blank(cell[4]) for cell in row[1])]


def _blank(blocks: Any) -> bool:
    """Whether a cell shows nothing: no words, no image."""
    return not stringify(blocks) and not any(n["t"] == "Image" for n in iter_nodes(blocks))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _with_attribute(html: str, name: str, value: str) -> str:
    """Add an attribute to the first tag of `html`."""
    end = 1
    while end < len(html) and (html[end].isalnum()):
        end += 1
    return f'{html[:end]} {name}="{attr_value(value)}"{html[end:]}' if html.startswith("<") else html


def _plain(inlines: list[Node]) -> Iterable[str]:
    for inline in inlines:
        t = inline["t"]
        if t == "Str":
            yield inline["c"]
        elif t in ("Space", "SoftBreak", "LineBreak"):
            yield " "
        elif t in ("Code", "Math"):
            yield inline["c"][1]
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript",
                   "SmallCaps"):
            yield from _plain(inline["c"])
        elif t in ("Span", "Quoted", "Link", "Image", "Cite"):
            yield from _plain(inline["c"][1])


def _attribute_name(key: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in key.lower()) or "x"


def _raw(fmt: str, content: str) -> str:
    """Raw HTML keeps its text and line breaks; tags, comments, scripts and styles are dropped
    (`ast.raw_parts`, which the checks read too)."""
    return "".join("<br/>" if part is None else text(part) for part in raw_parts(fmt, content))
