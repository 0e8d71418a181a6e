"""Write stage, PDF: join the separately written parts into the book.

The first part (the front matter) gives the document its catalog: the PDF/X output intent, the
XMP metadata, the document information and ID. The other parts give their pages, each with its
own fonts and links. Links name their targets; the parts' named destinations become one tree,
each name pointing at the part that really holds it (not at a part's stand-in, see
`split.keep_links_to_other_parts`). The parts' bookmarks become one outline, in order. The book
gets its page labels: the first part's pages (the front matter) lower roman, the others arabic
from 1 on, as their folios run (or from the folios, when given).

Resources are shared, as in a PDF written in one go (ISO 32000-1 9.6.4: a subset tag names one
font program). Each part has its own subset of each face, all under one tag, since WeasyPrint
derives the tag from the font's description; WeasyPrint subsets with retained glyph ids, so the
subsets of a face are merged into one font for the whole book (the union of the glyphs, one
program, merged widths and ToUnicode) under a tag made from a hash of that program. A face that
cannot be merged keeps one font per distinct program, each tagged by its own hash. ICC profiles
are kept once per content, the output intent's copy first, and what nothing reaches any more is
left out.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont, TTLibError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from bookbuild.writers.pdf.finish import label_ranges


def join_parts(parts: list[tuple[Path, set[str]]], target: Path,
               folios: list[str] | None = None) -> None:
    """Write the pages of `parts` (each a PDF and the names it only stands in for) to `target`;
    `folios`, one a page, give its page labels (by default: the first part roman, then 1, 2...)."""
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
    ranges = (label_ranges(folios) if folios else
              [(0, "r", 1)] + ([(offsets[1], "D", 1)] if len(offsets) > 1 else []))
    root[NameObject("/PageLabels")] = _page_labels(ranges)
    share_resources(writer)
    with target.open("wb") as file:
        writer.write(file)


def _destinations(writer: PdfWriter, readers: list[PdfReader], offsets: list[int],
                  stand_ins: list[set[str]]) -> DictionaryObject:
    found: dict[str, ArrayObject] = {}
    pages = list(writer.pages)
    for reader, offset, skip in zip(readers, offsets, stand_ins, strict=True):
        page_number = _PageNumbers(reader)
        for name, destination in reader.named_destinations.items():
            if name in skip or name in found:
                continue
            page = pages[offset + page_number(destination)]
            found[name] = ArrayObject([page.indirect_reference, NameObject("/XYZ"),
                                       FloatObject(destination.left or 0),
                                       FloatObject(destination.top or 0), NumberObject(0)])
    names = ArrayObject()
    for name in sorted(found, key=lambda n: n.encode("utf-16-be")):
        names.extend([TextStringObject(name), found[name]])
    return DictionaryObject({NameObject("/Names"): names})


def _outline(writer: PdfWriter, reader: PdfReader, items: list[Any], offset: int, parent: Any,
             page_number: _PageNumbers | None = None) -> None:
    page_number = page_number or _PageNumbers(reader)
    previous = None
    for item in items:
        if isinstance(item, list):
            if previous is not None:
                _outline(writer, reader, item, offset, previous, page_number)
            continue
        number = offset + page_number(item)
        previous = writer.add_outline_item(title=str(item.title), page_number=number, parent=parent,
                                           fit=Fit.xyz(item.left, item.top, 0))


def _page_labels(ranges: list[tuple[int, str, int]]) -> DictionaryObject:
    nums = ArrayObject()
    for index, style, start in ranges:
        label = DictionaryObject({NameObject("/S"): NameObject(f"/{style}")})
        if start != 1:
            label[NameObject("/St")] = NumberObject(start)
        nums.extend([NumberObject(index), label])
    return DictionaryObject({NameObject("/Nums"): nums})


class _PageNumbers:
    """The index of a destination's page in its part. pypdf's `get_destination_page_number`
    walks the page tree on every call, which a book's thousands of destinations (every note and
    noteref) made a third of the join; here the pages are indexed once."""

    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.index = {page.indirect_reference.idnum: number
                      for number, page in enumerate(reader.pages)
                      if page.indirect_reference is not None}

    def __call__(self, destination: Any) -> int:
        page = destination.page
        reference = page if isinstance(page, IndirectObject) else \
            getattr(page, "indirect_reference", None)
        number = self.index.get(reference.idnum) if reference is not None else None
        if number is None:
            number = self.reader.get_destination_page_number(destination)
        if number is None:
            raise ValueError(f"a destination of a part points at no page: {destination}")
        return number


def share_resources(writer: PdfWriter) -> None:
    """One object per ICC profile and one font per face (or per distinct program), in `writer`."""
    replace = _share_profiles(writer)
    replace.update(_share_fonts(writer))
    if replace:
        for obj in writer._objects:
            if isinstance(obj, (DictionaryObject, ArrayObject)):
                _rewrite(obj, replace, writer)
    _drop_unreachable(writer)


def subset_tag(program: bytes) -> str:
    """Six capitals from a hash of the font program: distinct programs, distinct tags."""
    return "".join(chr(ord("A") + byte % 26) for byte in hashlib.sha256(program).digest()[:6])


def _numbered(writer: PdfWriter) -> Iterator[tuple[int, Any]]:
    for idnum, obj in enumerate(writer._objects, start=1):
        if obj is not None:
            yield idnum, obj


def _share_profiles(writer: PdfWriter) -> dict[int, int]:
    """Each ICC profile once, by content; the output intent's copy is the one kept."""
    root: Any = writer._root_object
    first: list[int] = []
    for intent in root.get("/OutputIntents", []):
        reference = intent.get_object().raw_get("/DestOutputProfile")
        if isinstance(reference, IndirectObject):
            first.append(reference.idnum)
    profiles = [idnum for idnum, obj in _numbered(writer)
                if isinstance(obj, StreamObject) and "/N" in obj and "/Subtype" not in obj]
    kept: dict[bytes, int] = {}
    replace: dict[int, int] = {}
    for idnum in first + [i for i in profiles if i not in first]:
        profile: Any = writer._objects[idnum - 1]
        data = profile.get_data()
        if data[36:40] != b"acsp":
            continue
        canonical = kept.setdefault(hashlib.sha256(data).digest(), idnum)
        if canonical != idnum:
            replace[idnum] = canonical
    return replace


@dataclass
class _Font:
    """A Type0 font of the joined file and the objects it is made of."""

    idnum: int
    face: str                       # the BaseFont without its subset tag
    font: DictionaryObject
    descendant: DictionaryObject
    descriptor: DictionaryObject
    program: StreamObject
    data: bytes = b""
    widths: dict[int, float] = field(default_factory=dict)
    unicode: dict[int, str] = field(default_factory=dict)


def _share_fonts(writer: PdfWriter) -> dict[int, int]:
    faces: dict[str, list[_Font]] = {}
    for idnum, obj in _numbered(writer):
        font = _type0(idnum, obj)
        if font is not None:
            faces.setdefault(font.face, []).append(font)
    replace: dict[int, int] = {}
    for fonts in faces.values():
        # Codes are glyph ids only under Identity-H; a font with its own encoding CMap (WeasyPrint
        # writes one for small capitals and .notdef boxes) keeps its dictionary.
        identity = [font for font in fonts if font.font.get("/Encoding") == "/Identity-H"]
        others = [font for font in fonts if font not in identity]
        try:
            replace.update(_merge(identity) if identity else {})
        except (_Unmergeable, TTLibError, KeyError, ValueError, AssertionError):
            others = fonts
        replace.update(_retag(others))
    return replace


class _Unmergeable(Exception):
    """The subsets are not of one font with retained glyph ids."""


def _type0(idnum: int, obj: Any) -> _Font | None:
    """A Type0 font over a TrueType CIDFont with an embedded program, or None."""
    if not isinstance(obj, DictionaryObject) or obj.get("/Subtype") != "/Type0":
        return None
    descendants = obj.get("/DescendantFonts")
    if not descendants:
        return None
    descendant = descendants[0].get_object()
    descriptor = descendant.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else None
    program = descriptor.get("/FontFile2") if descriptor is not None else None
    if (descendant.get("/Subtype") != "/CIDFontType2" or descriptor is None or program is None
            or descendant.get("/CIDToGIDMap", "/Identity") != "/Identity"):
        return None
    name = str(obj.get("/BaseFont", ""))
    tag, plus, face = name.lstrip("/").partition("+")
    return _Font(idnum, face if plus and len(tag) == 6 else name.lstrip("/"), obj, descendant,
                 descriptor, program.get_object())


def _merge(fonts: list[_Font]) -> dict[int, int]:
    """The subsets of one face as one font: the first font's objects hold the union."""
    for font in fonts:
        font.data = font.program.get_data()
        _read_widths_and_unicode(font)
    # Glyphs are copied as the subsets hold them, not decoded and encoded again; the few
    # totals that would be recomputed from them are taken from the subsets (`_totals`).
    programs = [TTFont(io.BytesIO(font.data), recalcTimestamp=False, recalcBBoxes=False)
                for font in fonts]
    names = {(program["name"].getDebugName(6), program["head"].unitsPerEm) for program in programs}
    if len(names) != 1 or not all("glyf" in program for program in programs):
        raise _Unmergeable
    base = max(range(len(programs)), key=lambda i: (programs[i]["maxp"].numGlyphs, -i))
    merged = programs[base]
    for index, program in enumerate(programs):
        if index != base:
            _add_glyphs(merged, program, fonts[index].widths)
    _totals(merged, programs)
    out = io.BytesIO()
    merged.save(out)
    data = out.getvalue()
    kept = fonts[0]
    for font in fonts[1:]:
        for cid, width in font.widths.items():
            kept.widths.setdefault(cid, width)
        for cid, text in font.unicode.items():
            kept.unicode.setdefault(cid, text)
    boxes = [[float(v) for v in font.descriptor.get("/FontBBox", [0, 0, 0, 0])] for font in fonts]
    kept.descriptor[NameObject("/FontBBox")] = ArrayObject(_number(v) for v in (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes)))
    kept.descendant[NameObject("/W")] = _widths_array(kept.widths)
    to_unicode = kept.font.get("/ToUnicode")
    if to_unicode is not None:
        to_unicode.get_object().set_data(_to_unicode_cmap(kept.unicode))
    kept.program.set_data(data)
    kept.program[NameObject("/Length1")] = NumberObject(len(data))
    _name(kept, subset_tag(data))
    return {font.idnum: kept.idnum for font in fonts[1:]}


def _add_glyphs(merged: TTFont, other: TTFont, used: Iterable[int]) -> None:
    """The glyphs `other` shows (`used`, its glyph ids, and their components) that `merged`
    lacks, at the same glyph ids. Only those are read, and as stored: a subset with retained
    glyph ids holds a slot for every glyph of the face, and decoding them all for every part
    would make the join of many parts slow. (A composite's components are glyph ids, the same
    in every subset.)"""
    order, other_order = merged.getGlyphOrder(), other.getGlyphOrder()
    if len(other_order) > len(order):
        raise _Unmergeable
    index_of = {name: index for index, name in enumerate(other_order)}
    glyphs, other_glyf = merged["glyf"].glyphs, other["glyf"]
    hmtx, other_hmtx = merged["hmtx"], other["hmtx"]
    pending = sorted({index for index in used if index < len(other_order)}, reverse=True)
    seen: set[int] = set()
    while pending:
        index = pending.pop()
        if index in seen:
            continue
        seen.add(index)
        name, target = other_order[index], order[index]
        glyph = other_glyf.glyphs[name]
        contours = _contours(glyph)
        if contours < 0:            # composite: its components too
            pending.extend(index_of[component.glyphName]
                           for component in other_glyf[name].components)
            other_glyf.glyphs[name] = glyph = _packed(other_glyf, name)
        if contours != 0 and _contours(glyphs[target]) == 0:
            glyphs[target] = glyph
        advance = other_hmtx[name]
        if hmtx[target][0] == 0 and advance[0] != 0:
            hmtx[target] = advance
    # The cmap only helps tools that read text from the font program: keep it whole too.
    for table in merged["cmap"].tables:
        source = other["cmap"].getcmap(table.platformID, table.platEncID)
        if source is None or table.format not in (4, 12) or source.format not in (4, 12):
            continue
        for code, name in source.cmap.items():
            if (table.format == 12 or code <= 0xFFFF) and name in index_of:
                table.cmap.setdefault(code, order[index_of[name]])


def _contours(glyph: Any) -> int:
    """A glyph's contour count (-1: a composite; 0: empty), read from its stored bytes when it
    has not been decoded."""
    data = getattr(glyph, "data", None)
    if data is None:
        return int(glyph.numberOfContours)
    return int.from_bytes(data[:2], "big", signed=True) if data else 0


def _packed(glyf: Any, name: str) -> Any:
    """A decoded glyph as stored again (its components by glyph id, as in every subset)."""
    from fontTools.ttLib.tables._g_l_y_f import Glyph
    return Glyph(glyf[name].compile(glyf, recalcBBoxes=False))


_MAXP = ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxZones",
         "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
         "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth")


def _totals(merged: TTFont, programs: list[TTFont]) -> None:
    """The totals a font keeps about its glyphs, for the union: each subset's hold for its own
    glyphs, so the largest (the smallest for minimums) of them holds for the union."""
    head, hhea, maxp = merged["head"], merged["hhea"], merged["maxp"]
    heads = [program["head"] for program in programs]
    head.xMin, head.yMin = min(h.xMin for h in heads), min(h.yMin for h in heads)
    head.xMax, head.yMax = max(h.xMax for h in heads), max(h.yMax for h in heads)
    heas = [program["hhea"] for program in programs]
    hhea.advanceWidthMax = max(h.advanceWidthMax for h in heas)
    hhea.xMaxExtent = max(h.xMaxExtent for h in heas)
    hhea.minLeftSideBearing = min(h.minLeftSideBearing for h in heas)
    hhea.minRightSideBearing = min(h.minRightSideBearing for h in heas)
    for name in _MAXP:
        if hasattr(maxp, name):
            setattr(maxp, name, max(getattr(program["maxp"], name, 0) for program in programs))


def _retag(fonts: list[_Font]) -> dict[int, int]:
    """Fonts that are not merged: each tagged by the hash of its program, one stream per
    distinct program (the font dictionaries stay: their encodings may differ)."""
    replace: dict[int, int] = {}
    kept: dict[bytes, int] = {}
    for font in fonts:
        data = font.program.get_data()
        reference = font.descriptor.raw_get("/FontFile2")
        if isinstance(reference, IndirectObject):
            canonical = kept.setdefault(hashlib.sha256(data).digest(), reference.idnum)
            if canonical != reference.idnum:
                replace[reference.idnum] = canonical
        _name(font, subset_tag(data))
    return replace


def _name(font: _Font, tag: str) -> None:
    name = NameObject(f"/{tag}+{font.face}")
    font.font[NameObject("/BaseFont")] = name
    font.descendant[NameObject("/BaseFont")] = name
    font.descriptor[NameObject("/FontName")] = name


def _read_widths_and_unicode(font: _Font) -> None:
    from bookbuild.preflight.content import read_font
    read = read_font(font.font)
    font.widths, font.unicode = read.widths, read.unicode


def _number(value: float) -> NumberObject | FloatObject:
    return NumberObject(int(value)) if value == int(value) else FloatObject(value)


def _widths_array(widths: dict[int, float]) -> ArrayObject:
    """/W as runs of consecutive CIDs: [first [w1 w2 ...] ...]."""
    array = ArrayObject()
    run: ArrayObject | None = None
    previous = -2
    for cid in sorted(widths):
        if cid != previous + 1 or run is None:
            run = ArrayObject()
            array.extend([NumberObject(cid), run])
        run.append(_number(widths[cid]))
        previous = cid
    return array


def _to_unicode_cmap(unicode: dict[int, str]) -> bytes:
    """A ToUnicode CMap (Adobe-Identity-UCS) with bfchar blocks of at most 100 entries."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo", "<< /Registry (Adobe)", "/Ordering (UCS)", "/Supplement 0",
             ">> def", "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange"]
    entries = [(cid, text) for cid, text in sorted(unicode.items()) if text]
    for start in range(0, len(entries), 100):
        block = entries[start:start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines += [f"<{cid:04x}> <{text.encode('utf-16-be').hex()}>" for cid, text in block]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()


def _rewrite(obj: DictionaryObject | ArrayObject, replace: dict[int, int], writer: PdfWriter) -> None:
    items = obj.items() if isinstance(obj, DictionaryObject) else enumerate(obj)
    for key, value in list(items):
        if isinstance(value, IndirectObject):
            if value.idnum in replace:
                obj[key] = IndirectObject(replace[value.idnum], 0, writer)  # type: ignore[index]
        elif isinstance(value, (DictionaryObject, ArrayObject)):
            _rewrite(value, replace, writer)


def _drop_unreachable(writer: PdfWriter) -> None:
    """Leave out every object that the catalog and the document information do not reach."""
    starts: list[PdfObject | None] = [writer._root_object, writer._info]
    seen: set[int] = set()
    stack = [start.indirect_reference.idnum for start in starts
             if start is not None and start.indirect_reference is not None]
    while stack:
        idnum = stack.pop()
        if idnum in seen or idnum > len(writer._objects):
            continue
        seen.add(idnum)
        stack.extend(_references(writer._objects[idnum - 1]))
    for index in range(len(writer._objects)):
        if index + 1 not in seen:
            writer._objects[index] = None


def _references(obj: Any) -> Iterator[int]:
    if isinstance(obj, IndirectObject):
        yield obj.idnum
    elif isinstance(obj, DictionaryObject):
        for value in obj.values():
            yield from _references(value)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            yield from _references(value)
