"""Write stage: the EPUB 3 edition, the HTML pages plus packaging (Sphinx's rule).

The XHTML documents come from the same view and templates as the web edition; ebooklib assembles
the package. The zip is then rewritten with fixed timestamps and order, so that the same
manuscript gives the same bytes.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ebooklib import epub
from markupsafe import Markup

from bookbuild.model import Book
from bookbuild.render.templates import render
from bookbuild.render.view import ContentsEntry, EditionView
from bookbuild.resources import style_file
from bookbuild.writers.base import WriteContext
from bookbuild.writers.links import PageLinks

XHTML = "application/xhtml+xml"
STYLESHEETS = ("fonts.css", "book.css")


@dataclass
class _NavPoint:
    order: int
    label: str
    href: str
    children: list[_NavPoint] = field(default_factory=list)


@dataclass
class _Landmark:
    type: str
    title: str
    href: str


def book_identifier(book: Book) -> str:
    """The ISBN when the EPUB has one, else `identifier:`, else a UUID derived from the book."""
    config = book.config
    if config.isbn.get("epub"):
        return "urn:isbn:" + config.isbn["epub"]
    if config.identifier:
        return config.identifier
    name = "|".join([config.title, *config.authors, config.lang])
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "bookbuild:" + name))


def sort_name(name: str) -> str:
    """'Jairus Banaji' -> 'Banaji, Jairus' (a name with a comma is taken as already sorted)."""
    if "," in name or " " not in name.strip():
        return name
    first, _, last = name.strip().rpartition(" ")
    return f"{last}, {first}"


class EpubWriter:
    name: ClassVar[str] = "epub"
    description: ClassVar[str] = "EPUB 3 for reading systems"

    def target(self, book: Book, out: Path) -> Path:
        return out / f"{book.config.slug}.epub"

    def write(self, book: Book, path: Path, context: WriteContext) -> None:
        links = PageLinks(book, ".xhtml")
        view = EditionView(book, links, epub=True)
        package = epub.EpubBook()
        self._metadata(package, book, context)
        spine = self._documents(package, book, view, links)
        self._assets(package, book, links)
        package.spine = spine
        raw = io.BytesIO()
        writer = epub.EpubWriter(raw, package, {"epub2_guide": False, "epub3_landmark": False,
                                                "mtime": context.datetime.replace(tzinfo=None)})
        writer.process()
        writer.write()
        path.write_bytes(_reproducible_zip(raw.getvalue(), context))

    # -- package parts -------------------------------------------------------------------------

    def _metadata(self, package: epub.EpubBook, book: Book, context: WriteContext) -> None:
        config = book.config
        package.metadata[epub.NAMESPACES["OPF"]]["generator"] = [
            ("", {"name": "generator", "content": "bookbuild"})]
        package.set_identifier(book_identifier(book))
        package.set_language(config.lang)
        package.add_metadata("DC", "title", config.title, {"id": "title"})
        package.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
        if config.subtitle:
            package.add_metadata("DC", "title", config.subtitle, {"id": "subtitle"})
            package.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
        package.title = config.title
        people = [("aut", "creator", n) for n in config.authors] + \
                 [("trl", "contributor", n) for n in config.translators] + \
                 [("edt", "contributor", n) for n in config.editors]
        for i, (role, element, person) in enumerate(people, start=1):
            ident = f"{element}-{i}"
            package.add_metadata("DC", element, person, {"id": ident})
            package.add_metadata(None, "meta", sort_name(person),
                                 {"refines": "#" + ident, "property": "file-as"})
            package.add_metadata(None, "meta", role, {"refines": "#" + ident, "property": "role",
                                                      "scheme": "marc:relators"})
        for key, element in (("publisher", "publisher"), ("rights", "rights"),
                             ("description", "description"), ("source", "source")):
            value = getattr(config, key)
            if value:
                package.add_metadata("DC", element, value)
        if config.date:
            package.add_metadata("DC", "date", config.date)
        for keyword in config.keywords:
            package.add_metadata("DC", "subject", keyword)

    def _documents(self, package: epub.EpubBook, book: Book, view: EditionView,
                   links: PageLinks) -> list[epub.EpubItem]:
        spine: list[epub.EpubItem] = []

        def add(uid: str, name: str, title: str, body: str, body_type: str) -> epub.EpubItem:
            content = render("epub/page.xhtml", view=view, title=title, body=Markup(body),
                             body_type=body_type)
            item = epub.EpubItem(uid=uid, file_name=name, media_type=XHTML, content=content.encode())
            package.add_item(item)
            spine.append(item)
            return item

        add("titlepage", "titlepage.xhtml", book.config.title,
            render("epub/titlepage.xhtml", view=view), "frontmatter")
        for chapter in book.chapters:
            body = render("epub/chapter.xhtml", view=view, body=view.chapter_html(chapter))
            add(f"chapter-{chapter.index + 1}", links.page(chapter.page), chapter.title_text, body,
                "bodymatter")
        landmarks = [_Landmark("titlepage", "Title page", "titlepage.xhtml")]
        if book.chapters:
            landmarks.append(_Landmark("bodymatter", "Start of text", links.page(book.chapters[0].page)))
        if book.notes:
            add("endnotes", links.page("notes"), "Notes", render("epub/notes.xhtml", view=view),
                "backmatter")
            landmarks.append(_Landmark("endnotes", "Notes", links.page("notes")))
        if book.bibliography_blocks:
            add("bibliography", links.page("bibliography"), "Bibliography",
                render("epub/bibliography.xhtml", view=view), "backmatter")
            landmarks.append(_Landmark("bibliography", "Bibliography", links.page("bibliography")))
        entries = view.contents()
        nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type=XHTML,
                            content=render("epub/nav.xhtml", view=view, entries=entries,
                                           landmarks=landmarks).encode())
        nav.properties = ["nav"]
        package.add_item(nav)
        points = _nav_points(entries)
        ncx = epub.EpubItem(uid="ncx", file_name="toc.ncx", media_type="application/x-dtbncx+xml",
                            content=render("epub/toc.ncx", view=view, identifier=book_identifier(book),
                                           points=points, depth=_depth(points)).encode())
        package.add_item(ncx)
        return spine

    def _assets(self, package: epub.EpubBook, book: Book, links: PageLinks) -> None:
        for name in STYLESHEETS:
            package.add_item(epub.EpubItem(uid=f"css-{Path(name).stem}", file_name=f"css/{name}",
                                           media_type="text/css",
                                           content=style_file("css", name).read_bytes()))
        for i, font in enumerate(sorted(style_file("fonts").glob("*.ttf")), start=1):
            package.add_item(epub.EpubItem(uid=f"font-{i}", file_name=f"fonts/{font.name}",
                                           media_type="font/ttf", content=font.read_bytes()))
        for i, image in enumerate(book.images, start=1):
            href = links.images.get(image.src)
            if image.path is not None and image.path.is_file() and href and \
                    package.get_item_with_href(href) is None:
                package.add_item(epub.EpubItem(uid=f"image-{i}", file_name=href,
                                               media_type=_image_type(image.path),
                                               content=image.path.read_bytes()))


def _nav_points(entries: list[ContentsEntry]) -> list[_NavPoint]:
    order = 0

    def convert(entry: ContentsEntry) -> _NavPoint:
        nonlocal order
        order += 1
        point = _NavPoint(order, Markup(entry.title).striptags(), entry.href)
        point.children = [convert(child) for child in entry.children]
        return point

    return [convert(entry) for entry in entries]


def _depth(points: list[_NavPoint]) -> int:
    return 1 + max((_depth(p.children) for p in points if p.children), default=0)


def _image_type(path: Path) -> str:
    return {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
            ".svg": "image/svg+xml", ".webp": "image/webp"}.get(path.suffix.lower(),
                                                                "application/octet-stream")


def _reproducible_zip(data: bytes, context: WriteContext) -> bytes:
    """Rewrite the package: `mimetype` first and stored, fixed timestamps, same order."""
    stamp = max(context.datetime.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        names.sort(key=lambda n: n != "mimetype")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, source.read(name))
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
