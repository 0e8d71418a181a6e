"""Checks stage: Markdown that does not do what it seems to.

An unclosed code fence turns the rest of the file into code without a word from pandoc; an
unclosed div runs to the end of its chapter, and a link reference defined twice takes its last
URL (pandoc warns of these two, but only while it reads a chapter it has not cached, and without
our file:line; its own messages are not shown). Raw HTML
is never carried into an edition as markup (the renderer keeps its text only), so a tag the
author wrote is lost: said as a warning; and a tag that would run a script or load something from
outside the book is an error, so that nobody believes it is there or tries to smuggle it in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from bookbuild.ast import iter_nodes
from bookbuild.checks.codes import finding
from bookbuild.diagnostics import Diagnostic, Place
from bookbuild.model import Book
from bookbuild.parse.scan import Kind

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
_DIV_OPEN = re.compile(r"^ {0,3}(:{3,})\s*(\{[^}]*\}|[^\s:{}]+)\s*:*\s*$")    # pandoc fenced_divs
_DIV_CLOSE = re.compile(r"^ {0,3}:{3,}\s*$")
_HTML_DIV_OPEN = re.compile(r"<div\b[^>]*>", re.I)
_HTML_DIV_CLOSE = re.compile(r"</div\s*>", re.I)
_LINK_LABEL = re.compile(r"^ {0,3}\[([^\]]+)\]:")
_UNSAFE_TAGS = {"script", "iframe", "object", "embed", "link", "style", "meta", "base", "form",
                "input", "button", "audio", "video", "source", "track", "frame", "frameset",
                "applet", "svg", "math", "img", "picture", "template"}
_OUTSIDE = re.compile(r"^\s*(?:javascript:|vbscript:|data:text/html|https?:|ftp:|file:|//)", re.I)
_URL_IN_STYLE = re.compile(r"url\(|@import|expression\(", re.I)
_HARMLESS = {"br"}


def check_fences(book: Book) -> Iterator[Diagnostic]:
    for chapter in book.chapters:
        opened: tuple[int, str, int] | None = None      # line, fence character, length
        kinds = chapter.scan.kinds
        for number, line in enumerate(chapter.source.text.split("\n"), start=1):
            match = _FENCE.match(line)
            if match is None or (opened is None and kinds[number - 1] is Kind.COMMENT):
                continue                # a fence inside an HTML comment is not one
            fence, rest = match.groups()
            if opened is None:
                if not (fence[0] == "`" and "`" in rest):
                    opened = (number, fence[0], len(fence))
            elif fence[0] == opened[1] and len(fence) >= opened[2] and not rest.strip():
                opened = None
        if opened is not None:
            start, char, length = opened
            yield finding("unclosed-fence", f"this code block is never closed, so everything after "
                          f"it to the end of {chapter.file} is shown as code; close it with a line "
                          f"of {char * length}", Place(chapter.file, start))


def check_divs(book: Book) -> Iterator[Diagnostic]:
    """A fenced div (`::: {.class}`) or an HTML `<div>` never closed. An index range has its
    own finding (`index-range-unclosed`)."""
    for chapter in book.chapters:
        opened: list[tuple[int, str]] = []          # line, the fence as written
        kinds = chapter.scan.kinds
        for number, line in enumerate(chapter.source.text.split("\n"), start=1):
            if kinds[number - 1] not in (Kind.TEXT, Kind.BLANK):
                continue                # code, comments and notes hold no divs of the chapter
            if _DIV_CLOSE.match(line):
                if opened:
                    opened.pop()
            elif _DIV_OPEN.match(line):
                opened.append((number, line.strip()))
            else:
                opened += [(number, tag.group(0)) for tag in _HTML_DIV_OPEN.finditer(line)]
                for _ in _HTML_DIV_CLOSE.finditer(line):
                    if opened:
                        opened.pop()
        for number, fence in opened:
            if re.search(r"\.index\b", fence):
                continue
            close = "</div>" if fence.startswith("<") else ":::"
            yield finding("unclosed-div", f"{fence} is never closed, so it runs to the end of "
                          f"{chapter.file}; close it with a line of {close} where it should end",
                          Place(chapter.file, number))


def check_link_definitions(book: Book) -> Iterator[Diagnostic]:
    """A reference link label (`[label]: url`) defined twice in a chapter: pandoc's Markdown
    uses the last (CommonMark would use the first; labels match without regard to case or
    spacing, CommonMark 4.7)."""
    for chapter in book.chapters:
        seen: dict[str, int] = {}
        kinds = chapter.scan.kinds
        for number, line in enumerate(chapter.source.text.split("\n"), start=1):
            match = _LINK_LABEL.match(line) if kinds[number - 1] is Kind.LINK_DEF else None
            if match is None:
                continue
            label = " ".join(match.group(1).casefold().split())
            if label in seen:
                yield finding("duplicate-link-definition", f"the link [{match.group(1)}] is "
                              f"defined again (first at {chapter.file}:{seen[label]}); every link "
                              "to it goes to this URL, not the first, so remove or rename one",
                              Place(chapter.file, number))
            else:
                seen[label] = number


def check_raw_html(book: Book) -> Iterator[Diagnostic]:
    places: list[tuple[object, Place]] = [(block.node, block.place) for chapter in book.chapters
                                          for block in chapter.blocks]
    places += [(note.blocks, note.place) for note in book.notes]
    for tree, place in places:
        for node in iter_nodes(tree):
            if node.get("t") not in ("RawBlock", "RawInline"):
                continue
            fmt, content = node["c"]  # type: ignore[misc]
            if str(fmt).lower() not in ("html", "html4", "html5"):
                continue
            yield from _judge(str(content), place)


def _judge(content: str, place: Place) -> Iterator[Diagnostic]:
    tags = _Tags()
    tags.feed(content)
    tags.close()
    if tags.unsafe:
        yield finding("raw-html-unsafe", f"raw HTML {tags.unsafe[0]} is never carried into an "
                      "edition: editions run no scripts and load nothing from outside the book. "
                      "Remove it; for a picture, save it in the manuscript folder and write "
                      "![what it shows](file.png)", place)
    elif tags.dropped:
        names = ", ".join(f"<{name}>" for name in sorted(set(tags.dropped)))
        yield finding("raw-html", f"raw HTML {names} is dropped from the editions (its text is "
                      "kept); write it in Markdown instead, e.g. *emphasis* or [text]{.class}", place)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe: list[str] = []
        self.dropped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.unsafe.append(f"<{tag} {name}=...> (an event handler)")
            elif value and (name in ("src", "href", "srcset", "action", "poster", "data", "formaction")
                            and _OUTSIDE.match(value)):
                self.unsafe.append(f"<{tag} {name}=\"{value[:60]}\">")
            elif value and name == "style" and _URL_IN_STYLE.search(value):
                self.unsafe.append(f"<{tag} style=...> (loads a resource)")
        if tag in _UNSAFE_TAGS:
            self.unsafe.append(f"<{tag}>")
        elif tag not in _HARMLESS:
            self.dropped.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
