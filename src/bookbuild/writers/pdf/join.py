"""Write stage, PDF: join the separately written parts into the book.

The first part (the front matter) gives the document its catalog: the PDF/X output intent, the
XMP metadata, the document information and ID. The other parts give their pages, each with its
own fonts and links. Links name their targets; the parts' named destinations become one tree,
each name pointing at the part that really holds it (not at a part's stand-in, see
`split.keep_links_to_other_parts`). The parts' bookmarks become one outline, in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    Fit,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def join_parts(parts: list[tuple[Path, set[str]]], target: Path) -> None:
    """Write the pages of `parts` (each a PDF and the names it only stands in for) to `target`."""
    readers = [PdfReader(str(path)) for path, _ in parts]
    writer = PdfWriter(clone_from=readers[0])
    writer.pdf_header = readers[0].pdf_header
    offsets = [0]
    for reader in readers[1:]:
        offsets.append(len(writer.pages))
        for page in reader.pages:
            writer.add_page(page)
    root: Any = writer._root_object
    root[NameObject("/Names")] = DictionaryObject({
        NameObject("/Dests"): _destinations(writer, readers, offsets, [names for _, names in parts])})
    if "/Outlines" in root:
        del root["/Outlines"]
    for reader, offset in zip(readers, offsets, strict=True):
        _outline(writer, reader, reader.outline, offset, None)
    with target.open("wb") as file:
        writer.write(file)


def _destinations(writer: PdfWriter, readers: list[PdfReader], offsets: list[int],
                  stand_ins: list[set[str]]) -> DictionaryObject:
    found: dict[str, ArrayObject] = {}
    for reader, offset, skip in zip(readers, offsets, stand_ins, strict=True):
        for name, destination in reader.named_destinations.items():
            if name in skip or name in found:
                continue
            page = writer.pages[offset + _page_number(reader, destination)]
            found[name] = ArrayObject([page.indirect_reference, NameObject("/XYZ"),
                                       FloatObject(destination.left or 0),
                                       FloatObject(destination.top or 0), NumberObject(0)])
    names = ArrayObject()
    for name in sorted(found, key=lambda n: n.encode("utf-16-be")):
        names.extend([TextStringObject(name), found[name]])
    return DictionaryObject({NameObject("/Names"): names})


def _outline(writer: PdfWriter, reader: PdfReader, items: list[Any], offset: int, parent: Any) -> None:
    previous = None
    for item in items:
        if isinstance(item, list):
            if previous is not None:
                _outline(writer, reader, item, offset, previous)
            continue
        number = offset + _page_number(reader, item)
        previous = writer.add_outline_item(title=str(item.title), page_number=number, parent=parent,
                                           fit=Fit.xyz(item.left, item.top, 0))


def _page_number(reader: PdfReader, destination: Any) -> int:
    number = reader.get_destination_page_number(destination)
    if number is None:
        raise ValueError(f"a destination of a part points at no page: {destination}")
    return number
