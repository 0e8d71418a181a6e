"""Write stage, EPUB: the package metadata, accessibility metadata included."""

from __future__ import annotations

import uuid

from ebooklib import epub

from bookbuild.model import Book


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


def describe(package: epub.EpubBook, book: Book, cover_id: str, has_page_list: bool) -> None:
    """Title, people, dates, rights and the rest, under Dublin Core and EPUB 3 refinements."""
    config = book.config
    package.metadata[epub.NAMESPACES["OPF"]]["generator"] = [
        ("", {"name": "generator", "content": "bookbuild"})]
    package.set_identifier(book_identifier(book))
    package.set_language(config.lang)
    package.title = config.title
    package.add_metadata("DC", "title", config.title, {"id": "title"})
    _refine(package, "title", "title-type", "main")
    if config.subtitle:
        package.add_metadata("DC", "title", config.subtitle, {"id": "subtitle"})
        _refine(package, "subtitle", "title-type", "subtitle")
    people = [("aut", "creator", name) for name in config.authors] + \
             [("trl", "contributor", name) for name in config.translators] + \
             [("edt", "contributor", name) for name in config.editors]
    for number, (role, element, person) in enumerate(people, start=1):
        ident = f"{element}-{number}"
        package.add_metadata("DC", element, person, {"id": ident})
        _refine(package, ident, "file-as", sort_name(person))
        package.add_metadata(None, "meta", role, {"refines": f"#{ident}", "property": "role",
                                                  "scheme": "marc:relators"})
    for key in ("publisher", "rights", "description", "source"):
        value = getattr(config, key)
        if value:
            package.add_metadata("DC", key, value)
    if config.date:
        package.add_metadata("DC", "date", config.date)
    for keyword in config.keywords:
        package.add_metadata("DC", "subject", keyword)
    # EPUB 2 reading systems (older Kindles among them) find the cover this way.
    package.add_metadata(None, "meta", "", {"name": "cover", "content": cover_id})
    accessibility(package, book, has_page_list)


def _refine(package: epub.EpubBook, ident: str, prop: str, value: str) -> None:
    package.add_metadata(None, "meta", value, {"refines": f"#{ident}", "property": prop})


# The conformance EPUB Accessibility 1.1 names for an EPUB that meets WCAG 2.2 at level AA.
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def accessibility(package: epub.EpubBook, book: Book, has_page_list: bool) -> None:
    """EPUB Accessibility 1.1 metadata, stating only what the edition really has."""
    images = bool(book.images)
    described = all(image.alt.strip() for image in book.images)
    modes = ["textual"] + (["visual"] * images)
    features = ["tableOfContents", "readingOrder", "structuralNavigation",
                "displayTransformability"]
    if images and described:
        features.append("alternativeText")
    if has_page_list:
        # A page list in the navigation document and a marker where each page begins: the
        # vocabulary's terms since printPageNumbers was retired.
        features += ["pageNavigation", "pageBreakMarkers"]
        # The page numbers come from the print edition: EPUB's way to say so.
        source = f"urn:isbn:{book.config.isbn['pdf']}" if book.config.isbn.get("pdf") else \
            f"{book.config.title}, print edition ({book.config.slug}.pdf)"
        package.add_metadata("DC", "source", source, {"id": "print-source"})
        package.add_metadata(None, "meta", "pagination", {"refines": "#print-source",
                                                          "property": "source-of"})
    sufficient = ["textual"] if described else ["textual,visual"]
    for mode in modes:
        _meta(package, "schema:accessMode", mode)
    for mode in sufficient:
        _meta(package, "schema:accessModeSufficient", mode)
    for feature in features:
        _meta(package, "schema:accessibilityFeature", feature)
    _meta(package, "schema:accessibilityHazard", "none")
    summary = ("The text is structured with headings and semantic markup and can be resized and "
               "restyled by the reader; a table of contents and landmarks lead to every part, and "
               "each endnote links to its call and back.")
    if has_page_list:
        summary += " The pages of the print edition are marked and listed."
    if images:
        summary += " Images have text alternatives." if described else \
            " Some images lack a text alternative."
    _meta(package, "schema:accessibilitySummary", summary)
    if conforms(book):
        _meta(package, "dcterms:conformsTo", CONFORMANCE)
    # No a11y:certifiedBy: conformance is claimed by the build, not by a person who evaluated it.


def conforms(book: Book) -> bool:
    """Whether the build can claim WCAG 2.2 AA for the EPUB. The templates and the renderer
    give every book the rest (the language of the package and of each document, structure and
    landmarks, page breaks named and listed, note links both ways, tables without blank header
    cells, links told from the text by more than colour: the Ace test checks them on real
    books). Of what the author writes, the build can know whether every image has a description
    and is carried (a draft shows a left-out image's description in brackets instead): no claim
    without both."""
    return all(image.alt.strip() and image.path is not None and image.path.is_file()
               and image.problem is None for image in book.images)


def _meta(package: epub.EpubBook, prop: str, value: str) -> None:
    package.add_metadata(None, "meta", value, {"property": prop})
