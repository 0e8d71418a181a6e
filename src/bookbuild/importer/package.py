"""Import, reading stage: what pandoc does not read from a Word or OpenDocument package.

pandoc leaves out the document's properties (title, author, language), an ODT image's
description and caption, ODT's small capitals, tracked changes and comments; these are read
here from the zip's XML. For small capitals pandoc reads a copy of an ODT file whose small-caps
runs are fenced by two private-use characters, made SmallCaps again by `small_caps`. The input
is only ever opened for reading.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from bookbuild.ast import Node, node
from bookbuild.importer.tree import map_lists

NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
}
# Names word processors put in a document's author field when nobody typed one.
GENERIC_AUTHORS = frozenset({"", "user", "microsoft office user", "windows user", "admin",
                             "administrator", "author", "owner", "unknown", "python-docx",
                             "apache poi", "pandoc"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class PackageFacts:
    """What the package says beside its text."""

    title: str = ""
    author: str = ""
    lang: str = ""
    descriptions: dict[str, str] = field(default_factory=dict)   # ODT image href -> description
    captions: dict[str, str] = field(default_factory=dict)       # ODT image href -> its caption
    revisions: int = 0                                            # ODT tracked changes
    annotations: int = 0                                          # ODT comments
    empty_paragraphs: int = 0                                     # Word: Enter pressed for space
    indents: int = 0                                              # Word: tabs or spaces typed


def read_package(path: Path, kind: str) -> PackageFacts:
    """The facts of a .docx or .odt file (already known to be a zip)."""
    with zipfile.ZipFile(path) as package:
        if kind == "docx":
            return _docx(package)
        return _odt(package)


def _xml(package: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        return etree.fromstring(package.read(name), _PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return None


def _first(root: etree._Element | None, path: str) -> str:
    if root is None:
        return ""
    found = root.xpath(path, namespaces=NS)
    if not found:
        return ""
    value = found[0] if isinstance(found[0], str) else found[0].text
    return " ".join(str(value or "").split())


def _docx(package: zipfile.ZipFile) -> PackageFacts:
    core = _xml(package, "docProps/core.xml")
    styles = _xml(package, "word/styles.xml")
    author = _first(core, "//dc:creator")
    facts = PackageFacts(
        title=_first(core, "//dc:title"),
        author="" if author.lower() in GENERIC_AUTHORS else author,
        lang=_first(core, "//dc:language") or _first(styles, "//w:docDefaults//w:lang/@w:val"))
    document = _xml(package, "word/document.xml")
    if document is not None:
        for paragraph in document.iter(f"{{{NS['w']}}}p"):
            _count_manual_formatting(paragraph, facts)
    return facts


_SEEN = frozenset(f"{{{NS['w']}}}{name}" for name in (
    "drawing", "pict", "object", "footnoteReference", "endnoteReference", "sym"))


def _count_manual_formatting(paragraph: etree._Element, facts: PackageFacts) -> None:
    """An empty paragraph, or one opening with a tab or spaces (an indent typed by hand)."""
    pieces = [e for e in paragraph.iter() if e.tag in _SEEN or e.tag in (
        f"{{{NS['w']}}}t", f"{{{NS['w']}}}tab")]
    text = "".join(e.text or "" for e in pieces if e.tag == f"{{{NS['w']}}}t")
    if not text.strip() and not any(e.tag in _SEEN for e in pieces):
        facts.empty_paragraphs += 1
    elif pieces and (pieces[0].tag == f"{{{NS['w']}}}tab" or (pieces[0].text or "").startswith("  ")):
        facts.indents += 1


def _odt(package: zipfile.ZipFile) -> PackageFacts:
    meta = _xml(package, "meta.xml")
    styles = _xml(package, "styles.xml")
    content = _xml(package, "content.xml")
    author = _first(meta, "//dc:creator") or _first(meta, "//meta:initial-creator")
    lang = _first(meta, "//dc:language")
    if not lang:
        language = _first(styles, "//style:default-style//@fo:language")
        country = _first(styles, "//style:default-style//@fo:country")
        lang = f"{language}-{country}" if language and country not in ("", "none") else language
    facts = PackageFacts(title=_first(meta, "//dc:title"),
                         author="" if author.lower() in GENERIC_AUTHORS else author,
                         lang="" if lang == "zxx" else lang)
    if content is not None:
        for frame in content.iter(f"{{{NS['draw']}}}frame"):
            description = _first(frame, "svg:desc") or _first(frame, "svg:title")
            caption = _caption_after(frame)
            for image in frame.iter(f"{{{NS['draw']}}}image"):
                href = image.get(f"{{{NS['xlink']}}}href", "")
                if description and href:
                    facts.descriptions[href] = description
                if caption and href:
                    facts.captions[href] = caption
        facts.revisions = len(content.xpath("//text:changed-region", namespaces=NS))
        facts.annotations = len(content.xpath("//office:annotation", namespaces=NS))
    return facts


def _caption_after(frame: etree._Element) -> str:
    """The text of a caption paragraph right after the frame's paragraph."""
    paragraph = frame.getparent()
    while paragraph is not None and paragraph.tag != f"{{{NS['text']}}}p":
        paragraph = paragraph.getparent()
    following = paragraph.getnext() if paragraph is not None else None
    if following is None or "caption" not in following.get(f"{{{NS['text']}}}style-name", "").lower():
        return ""
    return " ".join("".join(following.itertext()).split())


OPEN, CLOSE = "\ue010", "\ue011"
_SENTINELS = re.compile(f"([{OPEN}{CLOSE}])")


def odt_with_small_caps_marked(path: Path, folder: Path) -> Path | None:
    """A copy of the ODT file in `folder` with its small-caps runs fenced, or None when it has
    none."""
    with zipfile.ZipFile(path) as package:
        content = _xml(package, "content.xml")
        styles = _xml(package, "styles.xml")
        if content is None:
            return None
        names = _small_caps_styles(content) | (_small_caps_styles(styles) if styles is not None else set())
        spans = [e for e in content.iter(f"{{{NS['text']}}}span")
                 if e.get(f"{{{NS['text']}}}style-name") in names]
        if not spans:
            return None
        for span in spans:
            span.text = OPEN + (span.text or "")
            if len(span):
                span[-1].tail = (span[-1].tail or "") + CLOSE
            else:
                span.text += CLOSE
        copy = folder / path.name
        with zipfile.ZipFile(copy, "w") as out:
            for info in package.infolist():
                data = etree.tostring(content, xml_declaration=True, encoding="UTF-8") \
                    if info.filename == "content.xml" else package.read(info)
                out.writestr(info, data)
    return copy


def _small_caps_styles(root: etree._Element) -> set[str]:
    found = root.xpath("//style:style[style:text-properties/@fo:font-variant='small-caps']/@style:name",
                       namespaces=NS)
    return {str(name) for name in found}


def small_caps(blocks: list[Node]) -> list[Node]:
    """Fenced runs (see `odt_with_small_caps_marked`) as SmallCaps; a stray fence goes."""
    def fence(items: list[Node]) -> list[Node]:
        out: list[Node] = []
        inside: list[Node] | None = None
        for inline in items:
            if inline["t"] != "Str" or not _SENTINELS.search(inline["c"]):
                (out if inside is None else inside).append(inline)
                continue
            for piece in _SENTINELS.split(inline["c"]):
                if piece == OPEN:
                    inside = []
                elif piece == CLOSE and inside is not None:
                    out.append(node("SmallCaps", inside))
                    inside = None
                elif piece and piece != CLOSE:
                    (out if inside is None else inside).append(node("Str", piece))
        return out + (inside or [])
    result: list[Node] = map_lists(blocks, inlines=fence)
    return result
