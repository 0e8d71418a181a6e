"""Language server (navigation): go to definition, hover and completion, read from the model.

A citation key leads to its bibliography entry (`BibEntry.place`), an internal link to its
anchor (`book.anchors`), a link to a chapter file to that file. The hover on a key is the entry
as the book's bibliography prints it: the citation style's formatting that `pipeline.load`
already did for every cited work (`book.bibliography_blocks`), or for a work not yet cited the
same `format_bibliography` run on that one key. Completion offers the bibliography's keys after
`@` and the book's anchors after `](#`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bookbuild.ast import Node, stringify
from bookbuild.diagnostics import Place
from bookbuild.lsp.positions import ANCHOR_PREFIX, CITATION_PREFIX, Token
from bookbuild.model import Book
from bookbuild.parse.bibliography import BibEntry, format_bibliography, write_references


@dataclass(frozen=True)
class Suggestion:
    """One completion: what is inserted, a line about it, and how many characters before the
    cursor it replaces (the prefix already typed)."""

    label: str
    detail: str
    kind: str               # "citation" or "anchor"
    replaces: int


def definition(book: Book, token: Token, chapter_file: str) -> Place | None:
    """Where the key or link target `token`, written in `chapter_file`, is defined."""
    if token.kind == "citation":
        entry = book.bibliography.entries.get(token.text) if book.bibliography else None
        return entry.place if entry else None
    if token.kind == "chapter":
        return Place(token.text, 1) if any(c.file == token.text for c in book.chapters) else None
    anchor = book.anchors.get(_link_target(book, token, chapter_file))
    return anchor.place if anchor else None


def _link_target(book: Book, token: Token, chapter_file: str) -> str:
    """The id a link leads to: the model's (which follows ids pandoc made and the model had to
    rename) when it knows the link, else the id as written."""
    url = f"{token.file}#{token.text}"
    for link in book.links:
        if link.url == url and link.place.file == chapter_file and link.place.line is not None \
                and link.place.line <= token.span.line + 1 <= (link.place.end_line or link.place.line):
            return link.target
    return token.text


def hover_markdown(book: Book, key: str) -> str | None:
    """The bibliography entry of `key` as the book prints it, in Markdown, with its file and
    line; None when the bibliography has no such key. Costs a pandoc run for a work not cited
    yet: the server caches the answer."""
    entry = book.bibliography.entries.get(key) if book.bibliography else None
    if entry is None or book.bibliography is None:
        return None
    blocks = _formatted_entry(book.bibliography_blocks, key)
    if blocks is None:
        with tempfile.TemporaryDirectory(prefix="bookbuild-lsp-") as work:
            references = write_references(book.bibliography, Path(work))
            formatted = format_bibliography([key], references, book.config.csl, book.config.lang)
        blocks = _formatted_entry(formatted, key)
    text = markdown(blocks) if blocks else stringify(entry.data.get("title", key))
    return f"{text}\n\n`@{key}` — {entry.place}"


def _formatted_entry(blocks: list[Node], key: str) -> list[Node] | None:
    """The blocks of the entry `ref-<key>` in a formatted bibliography (a `Div#refs`)."""
    for refs in blocks:
        if refs.get("t") != "Div":
            continue
        for entry in refs["c"][1]:
            if entry.get("t") == "Div" and entry["c"][0][0] == f"ref-{key}":
                return list(entry["c"][1])
    return None


def markdown(value: object) -> str:
    """Inline pandoc nodes as Markdown, enough for a formatted reference: emphasis, strong,
    small caps as plain text, links with their address, quotes."""
    return "".join(_markdown(value)).strip()


def _markdown(value: object) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _markdown(item)
        return
    if not isinstance(value, dict):
        return
    kind, content = value.get("t"), value.get("c")
    if kind == "Str":
        yield str(content).replace("*", r"\*").replace("_", r"\_")
    elif kind in ("Space", "SoftBreak"):
        yield " "
    elif kind == "LineBreak":
        yield "  \n"
    elif kind in ("Para", "Plain"):
        yield from _markdown(content)
        yield "\n\n"
    elif kind == "Emph":
        yield "*" + "".join(_markdown(content)) + "*"
    elif kind == "Strong":
        yield "**" + "".join(_markdown(content)) + "**"
    elif kind == "Link" and isinstance(content, list):
        yield "[" + "".join(_markdown(content[1])) + "](" + str(content[2][0]) + ")"
    elif kind == "Quoted" and isinstance(content, list):
        single = content[0].get("t") == "SingleQuote"
        yield ("‘" if single else "“") + "".join(_markdown(content[1])) + ("’" if single else "”")
    elif kind == "Code" and isinstance(content, list):
        yield "`" + str(content[1]) + "`"
    elif kind in ("Span", "Div") and isinstance(content, list):
        yield from _markdown(content[1])
    elif isinstance(content, list):     # SmallCaps, Superscript...: their text
        yield from _markdown(content)


def complete(book: Book, before_cursor: str) -> list[Suggestion]:
    """Citation keys after `@`, anchors after `](#` or `](file.md#`: every one whose start
    is what was typed; the editor narrows the list as typing goes on."""
    citation = CITATION_PREFIX.search(before_cursor)
    if citation is not None and book.bibliography is not None:
        prefix = citation.group("prefix")
        return [Suggestion(entry.key, entry_detail(entry), "citation", len(prefix))
                for entry in book.bibliography.entries.values()
                if entry.key.casefold().startswith(prefix.casefold())]
    link = ANCHOR_PREFIX.search(before_cursor)
    if link is not None:
        prefix, file = link.group("prefix"), link.group("file")
        suggestions = []
        for anchor in book.anchors.values():
            chapter = book.chapters[anchor.chapter]
            if file and chapter.file != file or not anchor.id.startswith(prefix):
                continue
            suggestions.append(Suggestion(anchor.id, f"{chapter.file}:{anchor.place.line} — "
                                          f"{chapter.title_text}", "anchor", len(prefix)))
        return suggestions
    return []


def entry_detail(entry: BibEntry) -> str:
    """'Smith — Red Petrograd (1983)' from an entry's CSL data."""
    data = entry.data
    names = data.get("author") or data.get("editor") or []
    people = [str(n.get("family") or n.get("literal") or "") for n in names if isinstance(n, dict)] \
        if isinstance(names, list) else []
    author = people[0] + (" et al." if len(people) > 2 else f" and {people[1]}" if len(people) == 2
                          else "") if people else ""
    issued = data.get("issued")
    year = ""
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = str(parts[0][0])
        elif issued.get("literal"):
            year = str(issued["literal"])
    title = str(data.get("title-short") or data.get("title") or "")
    return " — ".join(part for part in (author, title) if part) + (f" ({year})" if year else "")
