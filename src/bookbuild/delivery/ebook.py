"""Delivery checks on the written EPUB, for each ebook store in book.yaml's `delivery:`: the
file's size, the cover image (its pixels, its shape, its colour), the layout, and the metadata
the store needs (language, publisher, ISBN) as the package document carries them.

They read the EPUB back, trusting nothing the writer meant to do. Their codes are not in
`checks/codes.py` (those are the manuscript's findings): they are found after writing, so they
are listed here, with their severities, in `EBOOK_CODES`.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from PIL import Image, UnidentifiedImageError

from bookbuild.config import BookConfig
from bookbuild.delivery import Profile, Rule, ebook_profiles
from bookbuild.diagnostics import Diagnostic, Place, Severity
from bookbuild.model import Book

ERROR, WARNING = Severity.ERROR, Severity.WARNING

EBOOK_CODES: dict[str, Severity] = {
    "epub-unreadable": ERROR,       # not a zip with a package document
    "epub-too-large": ERROR,        # over the store's largest file
    "epub-large": WARNING,          # over the size a store advises
    "epub-cover-missing": ERROR,    # no cover image where the store needs one
    "epub-cover-size": ERROR,       # a cover smaller or larger than the store takes
    "epub-cover-aspect": WARNING,   # a cover of another shape than the store asks for
    "epub-cover-colour": ERROR,     # a CMYK cover where the store takes RGB
    "epub-image-size": WARNING,     # an image in the text of more pixels than the store advises
    "epub-layout": ERROR,           # fixed layout where the store takes reflowable only
    "epub-metadata": ERROR,         # no language, publisher or ISBN where the store needs one
}

_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
       "c": "urn:oasis:names:tc:opendocument:xmlns:container"}
_MB = 1024 * 1024
# An EPUB is the user's file, or anyone's: its XML is read without entities or the network.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass
class EpubFacts:
    """What the EPUB's package document and files say, read once for every store."""

    size: int                                   # bytes
    language: str | None = None
    publisher: str | None = None
    isbn: str | None = None
    layout: str = "reflowable"
    cover: str | None = None                    # its path inside the zip
    cover_bytes: int = 0
    cover_pixels: tuple[int, int] | None = None
    cover_mode: str | None = None
    images: list[tuple[str, int, int]] = field(default_factory=list)    # (path, width, height)


def check_epub(book: Book, path: Path) -> list[Diagnostic]:
    """The EPUB at `path` against each ebook store the book is delivered to."""
    config = book.config
    stores = ebook_profiles(config)
    if not stores:
        return []
    here = Place(path.name)
    try:
        facts = read_epub(path)
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        return [Diagnostic("epub-unreadable", ERROR, f"the EPUB cannot be read ({exc}); build it "
                           "again", here)]
    findings: list[Diagnostic] = []
    for store in stores:
        def add(code: str, rule: Rule, fact: str, cure: str, place: Place = here,
                store: Profile = store) -> None:
            findings.append(Diagnostic(code, EBOOK_CODES[code],
                                       f"{fact}: {store.title}: {rule.cited()}; {cure}", place))
        _size(facts, path, store, add)
        _cover(facts, config, store, add)
        _metadata(facts, config, store, add)
    return findings


Add = Callable[..., None]


def _size(facts: EpubFacts, path: Path, store: Profile, add: Add) -> None:
    megabytes = facts.size / _MB
    for key, code in (("max-file-mb", "epub-too-large"), ("advised-max-file-mb", "epub-large")):
        rule = store.rule(key)
        if rule is not None and isinstance(rule.value, (int, float)) and megabytes > rule.value:
            add(code, rule, f"{path.name} is {megabytes:,.1f} MB",
                "make its images smaller or fewer")
            break                       # the advised size says no more
    rule = store.rule("image-max-pixels")
    if rule is not None and isinstance(rule.value, int):
        for name, width, height in facts.images:
            if name != facts.cover and width * height > rule.value:
                add("epub-image-size", rule, f"{posixpath.basename(name)} is {width} x {height} px "
                    f"({width * height / 1e6:.1f} million pixels)", "scale the image down in the "
                    "manuscript folder")


def _cover(facts: EpubFacts, config: BookConfig, store: Profile, add: Add) -> None:
    named = config.cover_image is not None
    place = config.place_of("cover-image") if named else None
    where = {"place": place} if place is not None else {}
    cure_file = "set book.yaml's cover-image to" if named else "give book.yaml a cover-image:"
    required = store.rule("cover-required")
    if facts.cover is None or facts.cover_pixels is None:
        if required is not None and required.value is True:
            add("epub-cover-missing", required, "the EPUB has no cover image (no manifest item "
                "with properties=\"cover-image\")", "build it with bookbuild, which always "
                "adds one, or give book.yaml a cover-image:")
        return
    width, height = facts.cover_pixels
    shown = f"the cover is {width} x {height} px"
    low, high = store.rule("cover-min"), store.rule("cover-max")
    least, most = _pair(low), _pair(high)
    if low is not None and least is not None and (width < least[0] or height < least[1]):
        add("epub-cover-size", low, shown, f"{cure_file} an image of at least {least[0]} x "
            f"{least[1]} px, ideally 1600 x 2560 px; do not enlarge a small one", **where)
    elif high is not None and most is not None and (width > most[0] or height > most[1]):
        add("epub-cover-size", high, shown, f"scale the cover down to at most {most[0]} x "
            f"{most[1]} px", **where)
    heaviest = store.rule("cover-max-mb")
    if heaviest is not None and isinstance(heaviest.value, (int, float)) \
            and facts.cover_bytes / _MB > heaviest.value:
        add("epub-cover-size", heaviest, f"the cover's file is {facts.cover_bytes / _MB:,.1f} MB",
            "save it as a JPEG of high quality", **where)
    aspect = store.rule("cover-aspect")
    if aspect is not None and isinstance(aspect.value, dict) and width:
        ratio, tolerance = float(aspect.value["ratio"]), float(aspect.value.get("tolerance", 0))
        if abs(height / width - ratio) > tolerance:
            add("epub-cover-aspect", aspect, f"{shown}, {height / width:.2f} times as tall as wide",
                f"make it {ratio:g} times as tall as wide, e.g. {width} x {round(width * ratio)} px",
                **where)
    colour = store.rule("cover-colour")
    if colour is not None and colour.value == "RGB" and facts.cover_mode == "CMYK":
        add("epub-cover-colour", colour, "the cover is in CMYK colour", "save it in RGB (sRGB)",
            **where)


def _pair(rule: Rule | None) -> tuple[int, int] | None:
    """A rule's [width, height] in pixels; None when it has none (`null`)."""
    value = rule.value if rule is not None else None
    if isinstance(value, list) and len(value) == 2:
        return (int(value[0]), int(value[1]))
    return None


def _metadata(facts: EpubFacts, config: BookConfig, store: Profile, add: Add) -> None:
    layout = store.rule("layout")
    if layout is not None and layout.value == "reflowable" and facts.layout == "pre-paginated":
        add("epub-layout", layout, "the EPUB is fixed-layout (rendition:layout pre-paginated)",
            "deliver a reflowable EPUB, such as bookbuild's own")
    book_yaml = config.place_of
    language = store.rule("language")
    if language is not None and language.value is True and not facts.language:
        add("epub-metadata", language, "the EPUB names no language (dc:language)",
            "set lang: in book.yaml and build it again", book_yaml("lang"))
    publisher = store.rule("publisher")
    if publisher is not None and publisher.value is True and not facts.publisher:
        add("epub-metadata", publisher, "the EPUB names no publisher (dc:publisher)",
            "add publisher: to book.yaml and build it again", book_yaml("publisher"))
    isbn = store.rule("isbn")
    if isbn is not None and isbn.value == "required" and not facts.isbn:
        add("epub-metadata", isbn, "the EPUB has no ISBN (a dc:identifier urn:isbn:...)",
            "add isbn: to book.yaml (or isbn: {epub: ...}) and build it again", book_yaml("isbn"))


# -- reading the EPUB ----------------------------------------------------------------------------

def read_epub(path: Path) -> EpubFacts:
    """The facts the stores' rules are about, from the EPUB's package document and files."""
    facts = EpubFacts(size=path.stat().st_size)
    with zipfile.ZipFile(path) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"), _PARSER)
        rootfile = container.find(".//c:rootfile", _NS)
        if rootfile is None or not rootfile.get("full-path"):
            raise KeyError("META-INF/container.xml names no package document")
        opf_path = str(rootfile.get("full-path"))
        package = etree.fromstring(archive.read(opf_path), _PARSER)
        base = posixpath.dirname(opf_path)
        facts.language = _text(package, "dc:language")
        facts.publisher = _text(package, "dc:publisher")
        identifiers = [(e.text or "").strip() for e in package.iterfind(".//dc:identifier", _NS)]
        facts.isbn = next((i for i in identifiers if i.lower().startswith("urn:isbn:")), None)
        for meta in package.iterfind(".//opf:metadata/opf:meta", _NS):
            if meta.get("property") == "rendition:layout":
                facts.layout = (meta.text or "").strip()
        items = package.findall(".//opf:manifest/opf:item", _NS)
        cover = next((item for item in items
                      if "cover-image" in (item.get("properties") or "").split()), None)
        if cover is None:               # EPUB 2: <meta name="cover" content="id">
            named = next((m.get("content") for m in package.iterfind(".//opf:metadata/opf:meta", _NS)
                          if m.get("name") == "cover"), None)
            cover = next((item for item in items if named and item.get("id") == named), None)
        for item in items:
            if not (item.get("media-type") or "").startswith("image/") or not item.get("href"):
                continue
            name = posixpath.normpath(posixpath.join(base, str(item.get("href"))))
            try:
                data = archive.read(name)
                with Image.open(io.BytesIO(data)) as image:
                    size, mode = image.size, image.mode
            except (KeyError, UnidentifiedImageError, OSError, Image.DecompressionBombError):
                continue                # an SVG, or a file verify reports
            facts.images.append((name, size[0], size[1]))
            if item is cover:
                facts.cover, facts.cover_bytes = name, len(data)
                facts.cover_pixels, facts.cover_mode = size, mode
    return facts


def _text(package: etree._Element, name: str) -> str | None:
    element = package.find(f".//{name}", _NS)
    text = (element.text or "").strip() if element is not None else ""
    return text or None


__all__ = ["EBOOK_CODES", "EpubFacts", "check_epub", "read_epub"]
