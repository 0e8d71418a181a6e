"""Verify stage: the reader PDF read back as assistive technology meets it.

A tagged PDF is read by a screen reader through its structure tree, not its pages: the tree's
elements (P, H1, Link, Figure...) in order, each holding marked content of the pages by page and
marked-content id (MCID), and everything else on the pages marked as an artifact, which is not
read (ISO 32000-1 14.7 and 14.8; ISO 14289-1, PDF/UA-1). `read_tagged` reads what the file
holds: the catalog's promises (Marked, Lang, DisplayDocTitle, the XMP title and PDF/UA part,
the output intent, page labels, bookmarks), the text of every marked-content sequence (its
/ActualText when it has one, else its glyphs through the font's ToUnicode), the text of the
artifacts, the text that is neither, and the tree with the parent tree that maps content back
into it. `check_reader_pdf` turns what is wrong into findings. It checks what a PDF/UA checker
checks mechanically and can be checked without a renderer; it is not a PDF/UA validator.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject, IndirectObject

from bookbuild.diagnostics import Diagnostic, Place, Severity
from bookbuild.model import Book
from bookbuild.preflight.content import Font, read_font
from bookbuild.preflight.tokens import ContentError, operations

EDITION = "reader PDF"
CODE = "reader-pdf-structure"
_TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
_CMYK = {"k", "K"}
_PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"}


@dataclass(frozen=True)
class Content:
    """Marked content of a page, by its id."""

    page: int
    mcid: int


@dataclass(frozen=True)
class Annotation:
    """An annotation (a link area) held by an element, by object number."""

    page: int | None
    number: int


@dataclass
class Node:
    """A structure element: its type (without the slash), its attributes a reader uses, and
    its kids in order."""

    kind: str
    number: int
    alt: str | None = None
    actual_text: str | None = None
    kids: list[Node | Content | Annotation] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.walk()

    def contents(self) -> Iterator[Content]:
        for kid in self.kids:
            if isinstance(kid, Content):
                yield kid
            elif isinstance(kid, Node):
                yield from kid.contents()


@dataclass
class PageContent:
    """What one page's content stream holds, as a reader of tags sees it."""

    texts: dict[int, str] = field(default_factory=dict)      # MCID -> its text as read
    artifacts: list[tuple[str, str]] = field(default_factory=list)   # (subtype, text)
    untagged: list[str] = field(default_factory=list)        # text in no marked content
    unmarked: int = 0               # paths and images painted neither as content nor artifact
    cmyk: bool = False                                       # a CMYK colour is set


@dataclass
class TaggedPdf:
    """The reader PDF as read back."""

    path: Path
    pages: list[PageContent] = field(default_factory=list)
    page_labels: list[str] = field(default_factory=list)
    marked: bool = False
    lang: str = ""
    display_title: bool = False
    xmp: str = ""
    intents: list[tuple[str, str]] = field(default_factory=list)    # (subtype, profile space)
    bookmarks: int = 0
    tabs: list[str] = field(default_factory=list)            # each page's /Tabs
    root: Node | None = None
    parents: dict[Content, int] = field(default_factory=dict)       # parent tree: the element
    annotation_parents: dict[int, int] = field(default_factory=dict)
    links: list[Annotation] = field(default_factory=list)    # every link annotation
    link_parents: dict[int, int | None] = field(default_factory=dict)  # annotation: StructParent
    fonts: dict[str, bool] = field(default_factory=dict)     # name: embedded with ToUnicode
    problems: list[str] = field(default_factory=list)        # what could not be read

    def text(self, node: Node) -> str:
        """An element's text as a screen reader reads it: its ActualText, else its content."""
        if node.actual_text is not None:
            return node.actual_text
        parts: list[str] = []
        for kid in node.kids:
            if isinstance(kid, Node):
                parts.append(self.text(kid))
            elif isinstance(kid, Content) and kid.page < len(self.pages):
                parts.append(self.pages[kid.page].texts.get(kid.mcid, ""))
        return "".join(parts)

    def elements(self, kind: str) -> list[Node]:
        return [node for node in self.root.walk() if node.kind == kind] if self.root else []


def read_tagged(path: Path) -> TaggedPdf:
    """Read the reader PDF at `path` (raises PdfReadError or OSError if it is no PDF)."""
    reader = PdfReader(str(path))
    result = TaggedPdf(path)
    root: Any = reader.trailer["/Root"]
    numbers = {getattr(page.indirect_reference, "idnum", None): index
               for index, page in enumerate(reader.pages)}
    _read_catalog(result, reader, root)
    fonts: dict[int, Font] = {}
    for index, page in enumerate(reader.pages):
        result.tabs.append(str(page.get("/Tabs", "")))
        result.pages.append(_read_page(result, page, fonts, index))
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            if annotation.get("/Subtype") == "/Link":
                number = reference.idnum if isinstance(reference, IndirectObject) else 0
                result.links.append(Annotation(index, number))
                parent = annotation.get("/StructParent")
                result.link_parents[number] = int(parent) if parent is not None else None
    tree = root.get("/StructTreeRoot")
    if tree is not None:
        tree = tree.get_object()
        result.root = _read_element(tree, numbers, result, set())
        _read_parent_tree(result, tree, reader)
    return result


def _read_catalog(result: TaggedPdf, reader: PdfReader, root: Any) -> None:
    mark_info = root.get("/MarkInfo")
    result.marked = bool(mark_info is not None and mark_info.get_object().get("/Marked", False))
    result.lang = str(root.get("/Lang", ""))
    preferences = root.get("/ViewerPreferences")
    result.display_title = bool(preferences is not None
                                and preferences.get_object().get("/DisplayDocTitle", False))
    metadata = root.get("/Metadata")
    if metadata is not None:
        result.xmp = metadata.get_object().get_data().decode("utf-8", "replace")
    for intent in root.get("/OutputIntents") or []:
        intent = intent.get_object()
        profile = intent.get("/DestOutputProfile")
        space = profile.get_object().get_data()[16:20].decode("latin-1").strip() if profile else ""
        result.intents.append((str(intent.get("/S", "")), space))
    result.page_labels = list(reader.page_labels)
    result.bookmarks = _count(reader.outline)


def _count(outline: list[Any]) -> int:
    return sum(_count(item) if isinstance(item, list) else 1 for item in outline)


def _read_element(obj: Any, pages: dict[int | None, int], result: TaggedPdf,
                  seen: set[int]) -> Node:
    """The tree below a StructTreeRoot or a StructElem (an element met twice is read once)."""
    number = obj.indirect_reference.idnum if obj.indirect_reference is not None else 0
    seen.add(number)
    kind = str(obj.get("/S", "/StructTreeRoot")).lstrip("/")
    alt = obj.get("/Alt")
    actual = obj.get("/ActualText")
    node = Node(kind, number, str(alt) if alt is not None else None,
                str(actual) if actual is not None else None)
    page = _page_of(obj, pages)
    kids = obj.get("/K")
    for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
        read = _read_kid(kid, page, pages, result, seen)
        if read is not None:
            node.kids.append(read)
    return node


def _read_kid(kid: Any, page: int | None, pages: dict[int | None, int], result: TaggedPdf,
              seen: set[int]) -> Node | Content | Annotation | None:
    if isinstance(kid, int):
        if page is None:
            result.problems.append("marked content without a page (/Pg)")
            return None
        return Content(page, int(kid))
    if isinstance(kid, IndirectObject) and kid.idnum in seen:
        result.problems.append(f"structure element {kid.idnum} is in the tree twice")
        return None
    obj = kid.get_object()
    if not isinstance(obj, DictionaryObject):
        return None
    kind = obj.get("/Type")
    if kind == "/MCR":
        mcr_page = _page_of(obj, pages)
        mcid: Any = obj["/MCID"]
        return Content(mcr_page if mcr_page is not None else page or 0, int(mcid))
    if kind == "/OBJR":
        target = obj.raw_get("/Obj")
        number = target.idnum if isinstance(target, IndirectObject) else 0
        return Annotation(_page_of(obj, pages), number)
    return _read_element(obj, pages, result, seen)


def _page_of(obj: Any, pages: dict[int | None, int]) -> int | None:
    reference = obj.raw_get("/Pg") if "/Pg" in obj else None
    return pages.get(reference.idnum) if isinstance(reference, IndirectObject) else None


def _read_parent_tree(result: TaggedPdf, tree: Any, reader: PdfReader) -> None:
    """The parent tree: for each page (by its /StructParents) the element of each MCID, and
    for each annotation (by its /StructParent) its element."""
    parent_tree = tree.get("/ParentTree")
    if parent_tree is None:
        result.problems.append("the structure tree has no parent tree")
        return
    entries = dict(_number_tree(parent_tree.get_object()))
    for index, page in enumerate(reader.pages):
        key = page.get("/StructParents")
        if key is None:
            continue
        array = entries.get(int(key))
        for mcid, reference in enumerate(array.get_object() if array is not None else []):
            if isinstance(reference, IndirectObject):
                result.parents[Content(index, mcid)] = reference.idnum
    for number, key in result.link_parents.items():
        reference = entries.get(key) if key is not None else None
        if isinstance(reference, IndirectObject):
            result.annotation_parents[number] = reference.idnum


def _number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    nums = node.get("/Nums") or []
    for key, value in zip(nums[::2], nums[1::2], strict=False):
        yield int(key), value
    for kid in node.get("/Kids") or []:
        yield from _number_tree(kid.get_object())


def _read_page(result: TaggedPdf, page: Any, fonts: dict[int, Font], index: int) -> PageContent:
    content = PageContent()
    resources = page.get("/Resources")
    contents = page.get_contents()
    if contents is None or resources is None:
        return content
    try:
        _Interpreter(content, fonts, result).read(contents.get_data(), resources.get_object())
    except ContentError as exc:
        result.problems.append(f"page {index + 1}: {exc}")
    return content


@dataclass
class _Sequence:
    """An open marked-content sequence: its tag, MCID, ActualText, and the text met in it."""

    tag: str
    mcid: int | None
    actual_text: str | None
    subtype: str = ""
    text: list[str] = field(default_factory=list)


@dataclass
class _Interpreter:
    """Reads a content stream's marked content and text (forms it draws included)."""

    page: PageContent
    fonts: dict[int, Font]
    result: TaggedPdf
    stack: list[_Sequence] = field(default_factory=list)

    def read(self, data: bytes, resources: Any) -> None:
        font: Font | None = None
        for operands, op in operations(data, inline_images=True):
            if op in ("BDC", "BMC"):
                self.begin(op, operands)
            elif op == "EMC":
                self.end()
            elif op == "Tf" and operands:
                font = self.font(resources, operands[0])
            elif op in _TEXT_SHOWING and operands:
                self.show(font, operands[-1])
            elif op in _CMYK or (op in ("cs", "CS") and operands and operands[0] == "/DeviceCMYK"):
                self.page.cmyk = True
            elif op in _PAINTING or op == "BI":
                self.painted()
            elif op == "Do" and operands:
                self.form(resources, operands[0])

    def painted(self) -> None:
        """A path or an image is real content (tagged) or an artifact; nothing else."""
        if not any(s.mcid is not None or s.tag == "Artifact" for s in self.stack):
            self.page.unmarked += 1

    def begin(self, op: str, operands: list[Any]) -> None:
        tag = str(operands[0]).lstrip("/") if operands else ""
        properties = operands[1] if op == "BDC" and len(operands) > 1 else {}
        if not isinstance(properties, dict):
            properties = {}         # a named property list: no MCID WeasyPrint would write
        mcid = properties.get("/MCID")
        actual = properties.get("/ActualText")
        self.stack.append(_Sequence(tag, int(mcid) if mcid is not None else None,
                                    _pdf_string(actual) if isinstance(actual, bytes) else None,
                                    str(properties.get("/Subtype") or properties.get("/Type") or "")))

    def end(self) -> None:
        if not self.stack:
            self.result.problems.append("EMC without a marked-content sequence")
            return
        sequence = self.stack.pop()
        text = sequence.actual_text if sequence.actual_text is not None else "".join(sequence.text)
        if sequence.tag == "Artifact":
            self.page.artifacts.append((sequence.subtype.lstrip("/"), text))
        elif sequence.mcid is not None:
            self.page.texts[sequence.mcid] = self.page.texts.get(sequence.mcid, "") + text
        # Text shown in any other sequence went to the sequence with an MCID around it.

    def show(self, font: Font | None, operand: Any) -> None:
        items = operand if isinstance(operand, list) else [operand]
        # WeasyPrint writes one glyph a string in TJ arrays: decoded in one go.
        text = _decode(font, b"".join(item for item in items if isinstance(item, bytes)))
        if not text:
            return
        owner = next((s for s in reversed(self.stack) if s.mcid is not None or s.tag == "Artifact"),
                     None)
        if owner is None:
            self.page.untagged.append(text)
        else:
            owner.text.append(text)

    def font(self, resources: Any, name: str) -> Font | None:
        table = resources.get("/Font")
        if table is None:
            return None
        reference = table.get_object().raw_get(name)
        if reference is None:
            return None
        key = reference.idnum if isinstance(reference, IndirectObject) else id(reference)
        if key not in self.fonts:
            obj = reference.get_object()
            self.fonts[key] = read_font(obj)
            self.result.fonts[str(obj.get("/BaseFont", "?"))] = _embedded(obj)
        return self.fonts[key]

    def form(self, resources: Any, name: str) -> None:
        objects = resources.get("/XObject")
        form = objects.get_object().get(name) if objects is not None else None
        if form is None:
            return
        form = form.get_object()
        if form.get("/Subtype") == "/Image":
            self.painted()
        if form.get("/Subtype") != "/Form":
            return
        inner = form.get("/Resources")
        self.read(form.get_data(), inner.get_object() if inner is not None else resources)


def _decode(font: Font | None, data: bytes) -> str:
    if font is None or not data:
        return ""
    unicode = font.unicode
    if font.two_byte:
        codes = memoryview(data[:len(data) - len(data) % 2]).cast("H")
        if codes and _LITTLE_ENDIAN:
            codes = memoryview(bytes(_swapped(data[:len(codes) * 2]))).cast("H")
    else:
        codes = memoryview(data)
    return "".join([unicode.get(code, "") for code in codes])


_LITTLE_ENDIAN = sys.byteorder == "little"


def _swapped(data: bytes) -> bytearray:
    """Big-endian 16-bit codes in the machine's order."""
    swapped = bytearray(data)
    swapped[0::2], swapped[1::2] = data[1::2], data[0::2]
    return swapped


def _pdf_string(data: bytes) -> str:
    """A PDF text string: UTF-16BE after its byte order mark, else PDFDocEncoding (read as
    Latin-1, which it equals for the characters WeasyPrint writes that way)."""
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace")
    return data.decode("latin-1")


def _embedded(font: DictionaryObject) -> bool:
    """Whether a font's program is in the file and its glyphs map to text (ToUnicode)."""
    descendants: Any = font.get("/DescendantFonts")
    target = descendants[0].get_object() if descendants else font
    descriptor = target.get("/FontDescriptor")
    program = descriptor is not None and any(
        key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return bool(program and "/ToUnicode" in font)


# -- the findings -------------------------------------------------------------------------------


def check_reader_pdf(book: Book, path: Path) -> list[Diagnostic]:
    """What a reader of the reader PDF at `path` through assistive technology would miss."""
    place = Place(path.name)
    try:
        tagged = read_tagged(path)
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        return [_finding(f"the {EDITION} cannot be read ({exc}); build it again", place)]
    written = (_catalog_faults(tagged, book) + _content_faults(tagged) + _tree_faults(tagged)
               + _link_faults(tagged) + _label_faults(tagged) + tagged.problems)
    findings = [_finding(f"the {EDITION} {message}; rebuild it, and report it as a bug in "
                         "bookbuild if it persists", place) for message in written[:50]]
    # The headings and the images' descriptions are the manuscript's: put right there.
    headings = _heading_faults(tagged) if tagged.root is not None else []
    findings += [_finding(f"the {EDITION} {message}", place) for message in headings[:20]]
    return findings + _figure_findings(tagged, book, place)


def _figure_findings(tagged: TaggedPdf, book: Book, place: Place) -> list[Diagnostic]:
    """PDF/UA-1 (7.3) wants a description (/Alt) for every figure: an image the manuscript
    leaves undescribed (`image-without-alt`, a warning for the other editions) fails here."""
    bare = sum(not (figure.alt or "").strip() for figure in tagged.elements("Figure"))
    if not bare:
        return []
    undescribed = [image for image in book.images if not image.alt]
    if not undescribed:
        return [_finding(f"the {EDITION} has {bare} figures without a description (/Alt) that "
                         "the manuscript describes; rebuild it, and report it as a bug in "
                         "bookbuild if it persists", place)]
    return [_finding(f"the {EDITION} shows the image {image.src} without a description, which "
                     "a tagged PDF for readers (PDF/UA-1) must give; write one between the "
                     "brackets, ![what it shows](...)", image.place) for image in undescribed]


def _finding(message: str, place: Place) -> Diagnostic:
    return Diagnostic(CODE, Severity.ERROR, message, place)


def _catalog_faults(tagged: TaggedPdf, book: Book) -> list[str]:
    config = book.config
    faults = []
    if tagged.root is None or not tagged.marked:
        faults.append("is not tagged (no structure tree, or MarkInfo /Marked is not true)")
    if tagged.lang.casefold() != config.lang.casefold():
        faults.append(f"gives its language as {tagged.lang!r}, not book.yaml's {config.lang!r}")
    if not tagged.display_title:
        faults.append("does not ask viewers to show its title (DisplayDocTitle)")
    title = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", tagged.xmp, re.S)
    if title is None or _unescape(title.group(1)) != config.title:
        faults.append("has no dc:title in its XMP metadata, or another than book.yaml's title")
    if not re.search(r"pdfuaid:part=\"1\"|<pdfuaid:part>1</pdfuaid:part>", tagged.xmp):
        faults.append("does not identify itself as PDF/UA-1 (pdfuaid:part)")
    if [space for _, space in tagged.intents] != ["RGB"]:
        faults.append(f"has the output intents {tagged.intents}, not one sRGB intent")
    if book.chapters and not tagged.bookmarks:
        faults.append("has no bookmarks")
    if any(tabs != "/S" for tabs in tagged.tabs):
        faults.append("has pages whose tab order is not the structure's (/Tabs /S)")
    missing = sorted(name for name, embedded in tagged.fonts.items() if not embedded)
    if missing:
        faults.append(f"has fonts not embedded or without ToUnicode: {', '.join(missing)}")
    return faults


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&#39;", "'").replace("&amp;", "&"))


def _content_faults(tagged: TaggedPdf) -> list[str]:
    faults = []
    for index, page in enumerate(tagged.pages):
        if page.untagged:
            faults.append(f"has text on page {index + 1} that is neither tagged nor an artifact: "
                          f"“{_excerpt(''.join(page.untagged))}”")
        if page.unmarked:
            faults.append(f"paints {page.unmarked} paths or images on page {index + 1} that are "
                          "neither tagged nor artifacts")
        if page.cmyk:
            faults.append(f"sets a CMYK colour on page {index + 1}")
        for mcid in page.texts:
            if Content(index, mcid) not in tagged.parents:
                faults.append(f"has marked content {mcid} on page {index + 1} that the parent "
                              "tree does not map to an element")
    return faults


def _tree_faults(tagged: TaggedPdf) -> list[str]:
    if tagged.root is None:
        return []
    faults = []
    holders = {content: node.number for node in tagged.root.walk() for content in node.kids
               if isinstance(content, Content)}
    for content, element in tagged.parents.items():
        if holders.get(content) != element:
            faults.append(f"maps marked content {content.mcid} of page {content.page + 1} to an "
                          "element that does not hold it in the structure tree")
    for content in holders:
        if content.mcid not in tagged.pages[content.page].texts:
            faults.append(f"has an element holding marked content {content.mcid} of page "
                          f"{content.page + 1}, which the page does not have")
    return faults


_HEADING = re.compile(r"H([1-6])")


def _heading_faults(tagged: TaggedPdf) -> list[str]:
    """The first heading is an H1 and no heading goes more than one level below the one
    before it (PDF/UA-1 7.4.2: a reader moves through a book by its headings)."""
    assert tagged.root is not None
    levels = [(int(match.group(1)), node) for node in tagged.root.walk()
              if (match := _HEADING.fullmatch(node.kind))]
    if not levels or levels[0][0] != 1:
        return ["has no first-level heading (H1) before its other headings"]
    faults = []
    for (before, _), (level, node) in zip(levels, levels[1:], strict=False):
        if level > before + 1:
            faults.append(f"has a heading of level {level} after one of level {before} "
                          f"(“{_excerpt(tagged.text(node).strip())}”); give the manuscript's "
                          "headings levels that follow each other")
    return faults


def _link_faults(tagged: TaggedPdf) -> list[str]:
    if tagged.root is None:
        return []
    faults = []
    owners = {kid.number: node for node in tagged.root.walk() for kid in node.kids
              if isinstance(kid, Annotation)}
    for link in tagged.links:
        owner = owners.get(link.number)
        where = f"on page {(link.page or 0) + 1}"
        if owner is None or owner.kind != "Link":
            faults.append(f"has a link {where} that is not in a Link element")
        elif tagged.annotation_parents.get(link.number) != owner.number:
            faults.append(f"has a link {where} whose /StructParent does not lead to its element")
    return faults


_FOLIO = re.compile(r"\d+|[ivxlcdm]+", re.I)


def _label_faults(tagged: TaggedPdf) -> list[str]:
    """Each printed folio (a /Footer artifact) is its page's label: a reader who is told "page
    12" finds the page that says 12."""
    faults = []
    for index, page in enumerate(tagged.pages):
        folios = [text.strip() for kind, text in page.artifacts if kind == "Footer"]
        for folio in folios:
            label = tagged.page_labels[index] if index < len(tagged.page_labels) else ""
            if _FOLIO.fullmatch(folio) and folio != label:
                faults.append(f"prints the folio {folio} on page {index + 1}, labelled {label!r}")
    return faults


def _excerpt(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"
