"""Import, first stage: the input file becomes a `Document` (pandoc's AST and metadata).

Word (.docx), OpenDocument (.odt) and web pages (.html) are read by pandoc into its JSON AST,
with `--sandbox` (nothing is fetched: an image on the web stays an address) and, for Word,
`--track-changes=all`, so that the next stage sees every insertion, deletion and comment with its
author. Plain text goes to `text.py`. What pandoc leaves out of a package (its properties) is
read by `package.py`. Every problem with the input is an `ImportFailure` saying what to do.
"""

from __future__ import annotations

import base64
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pypandoc

from bookbuild.ast import Node, iter_nodes
from bookbuild.importer.document import Document, Media, Metadata
from bookbuild.importer.errors import ImportFailure
from bookbuild.importer.package import (
    GENERIC_AUTHORS,
    odt_with_small_caps_marked,
    read_package,
    small_caps,
)
from bookbuild.importer.report import Collector
from bookbuild.importer.text import decode, read_text
from bookbuild.importer.tree import plain, words_to_inlines

KINDS = {".docx": "docx", ".odt": "odt", ".html": "html", ".htm": "html", ".xhtml": "html",
         ".txt": "text", ".text": "text"}
# What to do with the formats people are most likely to try.
HINTS = {
    ".doc": "an old Word file: open it in Word or LibreOffice and save it as .docx",
    ".rtf": "open it in Word or LibreOffice and save it as .docx",
    ".pages": "export it from Pages as Word (.docx)",
    ".pdf": "a PDF keeps no headings or notes: ask for the Word or text file it was made from",
    ".md": "it is Markdown already: make a folder with book.yaml and put it in as a chapter",
    ".epub": "ask for the Word or text file the EPUB was made from",
}
SUPPORTED = ".docx, .odt, .html, .htm or .txt"


def kind_of(source: Path) -> str:
    """docx, odt, html or text; refuses anything else with what to do."""
    suffix = source.suffix.lower()
    if suffix in KINDS:
        return KINDS[suffix]
    hint = HINTS.get(suffix, f"bookbuild imports {SUPPORTED}")
    raise ImportFailure(f"cannot import {source}: '{suffix or 'no extension'}' is not a format "
                        f"bookbuild reads ({hint})")


def read_document(source: Path, collector: Collector) -> Document:
    """The whole document as one pandoc AST, with its metadata and images."""
    if not source.exists():
        raise ImportFailure(f"{source} does not exist; name the .docx, .odt, .html or .txt file "
                            "to import")
    if not source.is_file():
        raise ImportFailure(f"{source} is a folder, not a document; name the file to import")
    kind = kind_of(source)
    if kind == "text":
        return read_text(source, collector)
    if kind == "html":
        return _read_html(source)
    return _read_package(source, kind, collector)


def _pandoc_json(kind: str, source: Path, text: str | None = None, *args: str,
                 path: Path | None = None) -> dict[str, Any]:
    """pandoc's AST of `source` (or of `text`, or of `path` read in its place)."""
    extra = ["--sandbox", *args]
    try:
        if text is None:
            output = pypandoc.convert_file(str(path or source), "json", format=kind, extra_args=extra)
        else:
            output = pypandoc.convert_text(text, "json", format=kind, extra_args=extra)
    except RuntimeError as exc:
        raise ImportFailure(f"{source} could not be read ({_pandoc_reason(exc)}); it may be "
                            "damaged: open it in Word or LibreOffice, save it again and retry") from None
    return json.loads(output)  # type: ignore[no-any-return]


def _pandoc_reason(exc: RuntimeError) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    reason = lines[-1] if lines else "pandoc failed"
    reason = re.sub(r"^Pandoc died with exitcode \S+ during conversion:\s*", "", reason)
    return reason[:200]


def _read_package(source: Path, kind: str, collector: Collector) -> Document:
    name = "Word" if kind == "docx" else "OpenDocument"
    if not zipfile.is_zipfile(source):
        raise ImportFailure(f"{source} is not a {name} document (it is not a zip package as "
                            f".{kind} files are): it is damaged or another format under this name; "
                            f"open it in Word or LibreOffice and save it again as .{kind}")
    try:
        facts = read_package(source, kind)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFailure(f"{source} could not be read as a {name} document ({exc}); open it "
                            f"in Word or LibreOffice and save it again as .{kind}") from None
    extra = ("--track-changes=all",) if kind == "docx" else ()
    with tempfile.TemporaryDirectory(prefix="bookbuild-import-") as work:
        marked = odt_with_small_caps_marked(source, Path(work)) if kind == "odt" else None
        ast = _pandoc_json(kind, source, None, *extra, path=marked)
    if marked is not None:
        ast["blocks"] = small_caps(ast["blocks"])
    meta = _pandoc_metadata(ast.get("meta", {}), "the document's title page")
    meta.set("title", facts.title, "the document's properties")
    meta.set("authors", [facts.author] if facts.author else [], "the document's properties")
    meta.set("lang", facts.lang, "the document's properties")
    collector.count("empty paragraph", facts.empty_paragraphs)
    collector.count("tab or space indent", facts.indents)
    if kind == "odt":
        _odt_notices(facts.revisions, facts.annotations, collector)
        ast["blocks"] = _describe_odt_images(ast["blocks"], facts.descriptions, facts.captions)
    members = _zip_members(source)
    prefix = "word/" if kind == "docx" else ""
    return Document(source, kind, ast["blocks"], meta, _zip_media(members, prefix))


def _odt_notices(revisions: int, annotations: int, collector: Collector) -> None:
    if revisions:
        collector.add("tracked-change", f"the document has {revisions} tracked change(s); pandoc "
                      "reads an ODT file as if they were accepted (deleted text left out, inserted "
                      "text kept) and cannot list them: compare with the document in LibreOffice "
                      "(Edit > Track Changes > Manage)")
    if annotations:
        collector.add("comment", f"the document has {annotations} comment(s); they are not "
                      "in the manuscript: read them in LibreOffice")


def _describe_odt_images(blocks: list[Node], descriptions: dict[str, str],
                         captions: dict[str, str]) -> list[Node]:
    """ODT keeps an image's description and caption beside it; pandoc leaves out the first
    and makes the second a paragraph of its own. A captioned image becomes a figure."""
    result: list[Node] = []
    for block in blocks:
        previous = result[-1] if result else None
        image = _lone_image(previous) if previous is not None else None
        if image is not None and block["t"] == "Para" and not image["c"][1] \
                and plain(block) and plain(block) == captions.get(image["c"][2][0]):
            image["c"][1] = block["c"]
            continue
        result.append(block)
    for found in iter_nodes(result):
        if found["t"] == "Image" and not found["c"][1]:
            found["c"][1] = words_to_inlines(descriptions.get(found["c"][2][0], ""))
    return result


def _lone_image(block: Node) -> Node | None:
    inlines = [i for i in block["c"] if i["t"] not in ("Space", "SoftBreak")] \
        if block["t"] in ("Para", "Plain") else []
    return inlines[0] if len(inlines) == 1 and inlines[0]["t"] == "Image" else None


def _zip_members(source: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as package:
        return {info.filename: package.read(info) for info in package.infolist()
                if not info.is_dir() and info.file_size < 200_000_000
                and info.filename.lower().startswith(("word/media/", "pictures/", "media/"))}


def _zip_media(members: dict[str, bytes], prefix: str) -> Media:
    def media(source: str) -> bytes | None:
        return members.get(prefix + unquote(source)) or members.get(unquote(source))
    return media


def _read_html(source: Path) -> Document:
    text, _ = decode(source.read_bytes())
    ast = _pandoc_json("html", source, text)
    meta = _pandoc_metadata(ast.get("meta", {}), "the page's head")
    meta.title = _page_title(meta.title, ast["blocks"])
    return Document(source, "html", ast["blocks"], meta, _folder_media(source.parent))


def _page_title(title: str, blocks: list[Node]) -> str:
    """A page's title without the site's name ("Essay | My Blog"), when a heading of the page
    is one of its parts."""
    parts = [p.strip() for p in re.split(r"\s+[|–—:·-]\s+", title) if p.strip()]
    headings = {plain(n) for n in iter_nodes(blocks) if n["t"] == "Header"}
    return next((part for part in parts if part in headings), title)


def _folder_media(folder: Path) -> Media:
    """Images of a web page: `data:` URLs and files beside it, never anything on the web."""
    root = folder.resolve()

    def media(address: str) -> bytes | None:
        if address.startswith("data:image/") and ";base64," in address:
            try:
                return base64.b64decode(address.split(",", 1)[1], validate=False)
            except ValueError:
                return None
        if re.match(r"^[a-z][a-z0-9+.-]*:", address, re.I) or address.startswith("//"):
            return None
        path = (root / unquote(address.split("#")[0].split("?")[0])).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        return path.read_bytes()
    return media


def _pandoc_metadata(meta: dict[str, Any], origin: str) -> Metadata:
    result = Metadata()
    title = _meta_text(meta.get("title"))
    result.set("title", title, origin)
    result.set("subtitle", _meta_text(meta.get("subtitle")), origin)
    authors = meta.get("author")
    names = ([_meta_text(a) for a in authors["c"]] if authors and authors["t"] == "MetaList"
             else [_meta_text(authors)])
    result.set("authors", [n for n in names if n and n.lower() not in GENERIC_AUTHORS], origin)
    result.set("lang", _meta_text(meta.get("lang")), origin)
    return result


def _meta_text(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    if value["t"] == "MetaString":
        return str(value["c"]).strip()
    if value["t"] in ("MetaInlines", "MetaBlocks"):
        return plain(value["c"])
    if value["t"] == "MetaList" and value["c"]:
        return _meta_text(value["c"][0])
    return ""
