"""Delivery checks on what book.yaml and the text decide, for each printer and store in
`delivery:`: a trim the printer does not print, an ISBN or a publisher it needs and book.yaml
lacks, a link in the text to a store that the store the book goes to rejects books for.

Each finding quotes the rule: the printer's or store's name, what the rule says, the page that
says it and when we read it, then what to do. They are warnings: the editions are right, the
delivery is not; a book may raise them to errors in book.yaml's `checks:`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from bookbuild.ast import Node, iter_nodes
from bookbuild.config import BookConfig
from bookbuild.delivery import Profile, Rule, profile
from bookbuild.diagnostics import Diagnostic, Place
from bookbuild.model import Book, Chapter
from bookbuild.printspec import points

TRIM_TOLERANCE = 0.015          # inches: 148 x 210 mm is KDP's 5.83 x 8.27 in
_TRIM = re.compile(r"(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)in")


def check_delivery(book: Book) -> Iterator[Diagnostic]:
    config = book.config
    links = list(_external_links(book)) if config.delivery else []
    for name in config.delivery:
        delivered = profile(name)
        if delivered.kind == "print":
            yield from _trim(config, delivered)
        yield from _isbn(config, delivered)
        yield from _isbn_own(config, delivered)
        yield from _publisher(config, delivered)
        yield from _store_links(links, delivered)


def finding(code: str, message: str, place: Place) -> Diagnostic:
    """A finding at its code's severity (`checks.codes`, imported here: the checks package
    imports this module)."""
    from bookbuild.checks.codes import finding as coded
    return coded(code, message, place)


# -- trim -------------------------------------------------------------------------------------

def parse_trim(text: str) -> tuple[float, float] | None:
    """"5.5x8.5in" -> (5.5, 8.5); None when it is not in that form."""
    match = _TRIM.fullmatch(text)
    return (float(match.group(1)), float(match.group(2))) if match else None


def trim_inches(config: BookConfig) -> tuple[float, float]:
    width, height = (points(length) / 72 for length in config.trim)
    return (width, height)


def offered(trim: tuple[float, float], rule: Rule) -> bool:
    """Whether `trim` (inches) is one of the rule's "WxHin" sizes."""
    sizes = [parse_trim(str(size)) for size in rule.value] if isinstance(rule.value, list) else []
    return any(size is not None and abs(size[0] - trim[0]) <= TRIM_TOLERANCE
               and abs(size[1] - trim[1]) <= TRIM_TOLERANCE for size in sizes)


def _shown_trim(config: BookConfig) -> str:
    """book.yaml's trim as written: "148 x 210 mm (5.83 x 8.27 in)", "5.25 x 8 in"."""
    (width, unit), (height, _) = (re.fullmatch(r"([\d.]+)(\w+)", length).groups()  # type: ignore[union-attr]
                                  for length in config.trim)
    shown = f"{width} x {height} {unit}"
    if unit != "in":
        inches = trim_inches(config)
        shown += f" ({inches[0]:.2f} x {inches[1]:.2f} in)"
    return shown


def _nearest(trim: tuple[float, float], rule: Rule, count: int = 2) -> list[str]:
    sizes = [(str(size), parse_trim(str(size))) for size in rule.value] \
        if isinstance(rule.value, list) else []
    ranked = sorted((abs(size[0] - trim[0]) + abs(size[1] - trim[1]), name)
                    for name, size in sizes if size is not None)
    return [name for _, name in ranked[:count]]


def _trim(config: BookConfig, delivered: Profile) -> Iterator[Diagnostic]:
    rule = delivered.rule("trims")
    if rule is None:
        return
    trim = trim_inches(config)
    if offered(trim, rule):
        return
    nearest = " or ".join(_nearest(trim, rule))
    place = config.place_of("pdf", "trim")
    custom = delivered.rule("custom-trim")
    if custom is not None and _within(trim, custom):
        yield finding("delivery-trim", f"the trim {_shown_trim(config)}: {delivered.title}: "
                      f"{custom.cited()}; to reach bookstores too, set pdf.trim to one of its trim "
                      f"sizes, such as {nearest} ({rule.source})", place)
        return
    yield finding("delivery-trim", f"the trim {_shown_trim(config)}: {delivered.title}: "
                  f"{rule.cited()}; set pdf.trim to a size it prints, such as {nearest}", place)


def _within(trim: tuple[float, float], rule: Rule) -> bool:
    value = rule.value
    if not isinstance(value, dict):
        return False
    (low_w, high_w), (low_h, high_h) = value["width"], value["height"]
    return bool(low_w <= trim[0] <= high_w and low_h <= trim[1] <= high_h)


# -- metadata ---------------------------------------------------------------------------------

def _isbn(config: BookConfig, delivered: Profile) -> Iterator[Diagnostic]:
    rule = delivered.rule("isbn")
    if rule is None or rule.value != "required":
        return
    edition, words = ("pdf", "print") if delivered.kind == "print" else ("epub", "EPUB")
    if config.isbn.get(edition):
        return
    yield finding("delivery-isbn", f"no ISBN for the {words} edition: {delivered.title}: "
                  f"{rule.cited()}; add 'isbn:' to book.yaml (one for every edition, or "
                  f"{{{edition}: ...}} for this one)", config.place_of("isbn"))


def _isbn_own(config: BookConfig, delivered: Profile) -> Iterator[Diagnostic]:
    """A store that wants the EPUB's ISBN to be its own, and book.yaml gives the print
    edition's (one `isbn:` for every edition does)."""
    rule = delivered.rule("isbn-own")
    epub = config.isbn.get("epub")
    if rule is None or rule.value is not True or not epub or epub != config.isbn.get("pdf"):
        return
    yield finding("delivery-isbn", f"the EPUB carries the print edition's ISBN {epub}: "
                  f"{delivered.title}: {rule.cited()}; give each edition its own ISBN "
                  f"(isbn: {{pdf: {epub}, epub: ...}}), or none to the EPUB", config.place_of("isbn"))


def _publisher(config: BookConfig, delivered: Profile) -> Iterator[Diagnostic]:
    rule = delivered.rule("publisher")
    if rule is None or rule.value is not True or config.publisher:
        return
    yield finding("delivery-metadata", f"no publisher: {delivered.title}: {rule.cited()}; add "
                  "'publisher:' to book.yaml (your own name or imprint when you publish the book "
                  "yourself)", config.place_of("publisher"))


# -- links to other stores ----------------------------------------------------------------------

def host_of(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def rejected_host(url: str, hosts: list[str]) -> str | None:
    """The entry of `hosts` that `url` leads to (the host itself or a subdomain), else None."""
    host = host_of(url)
    if host is None:
        return None
    for entry in hosts:
        if host == entry or host.endswith("." + entry):
            return entry
    return None


def _store_links(links: list[tuple[str, Place]], delivered: Profile) -> Iterator[Diagnostic]:
    rule = delivered.rule("no-store-links")
    if rule is None or not isinstance(rule.value, list):
        return
    hosts = [str(host) for host in rule.value]
    for url, place in links:
        store = rejected_host(url, hosts)
        if store is not None:
            yield finding("delivery-store-link", f"a link to {url}: {delivered.title}: "
                          f"{rule.cited()}; remove the link to {store} or deliver to "
                          f"{delivered.short} a copy without it", place)


def _external_links(book: Book) -> Iterator[tuple[str, Place]]:
    """Every link to the web in the text and the notes, with the line it is written on."""
    for chapter in book.chapters:
        for block in chapter.blocks:
            yield from _links_in(block.node, block.place, chapter)
    for note in book.notes:
        if 0 <= note.chapter < len(book.chapters):
            yield from _links_in(note.blocks, note.place, book.chapters[note.chapter])


def _links_in(value: object, place: Place, chapter: Chapter) -> Iterator[tuple[str, Place]]:
    for found in iter_nodes(value):
        if found["t"] == "Link":
            url = _target(found)
            if url and host_of(url):
                yield url, _line_of(url, place, chapter)


def _target(link: Node) -> str:
    target = link["c"][2]
    return str(target[0]) if isinstance(target, list) and target else ""


def _line_of(url: str, place: Place, chapter: Chapter) -> Place:
    """The line of the chapter's file the URL is written on: inside the block first, then
    anywhere in the file (a reference link's definition), else the block's first line."""
    lines = chapter.source.lines
    first = place.line or 1
    last = place.end_line or first
    inside = range(first, min(last, len(lines)) + 1)
    for number in [*inside, *range(1, len(lines) + 1)]:
        if url in lines[number - 1]:
            return Place(chapter.file, number)
    return Place(chapter.file, place.line)


__all__ = ["check_delivery", "host_of", "offered", "parse_trim", "rejected_host", "trim_inches"]
