"""Write stage, PDF: the last touches before WeasyPrint writes the file.

The XMP metadata: WeasyPrint gives it a random document ID; ours is derived from the book. The
page boxes: print-on-demand printers (KDP Print, IngramSpark) want the bleed on the outside,
top and bottom edges only, so the spine side of each page is cut back to the trim; a proof keeps
its bleed all round and a slug beyond it, where crop marks are drawn in registration colour (all
four inks; WeasyPrint's own marks would be RGB, which PDF/X forbids). The output intent:
WeasyPrint names it after the profile; printers look for the registered characterization.
The profile itself: WeasyPrint embeds LittleCMS's re-serialisation of it (three times the size
of the file, and not always the same bytes from one process to the next), so each part of a book
laid out in parts would carry a different copy; the file's own bytes go in instead, and `join`
keeps one copy. The page labels: viewers show the folios (i, ii... in the front matter, 1, 2...
from the text's first page), not the page's place in the file (ISO 32000-1 12.4.2).

The reader PDF is not for a printer: its output intent is sRGB (the profile's own bytes, from
WeasyPrint), and its structure tree is finished here (`tree`), the link areas dropped above
taken out of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf

from bookbuild.writers.pdf.flatten import flatten
from bookbuild.writers.pdf.geometry import Geometry
from bookbuild.writers.pdf.tagging import Structure
from bookbuild.writers.pdf.tree import finish_tree

OUTPUT_CONDITION = "CGATS TR 001"
REGISTRY = "http://www.color.org"
SRGB = "sRGB IEC61966-2.1"


def finisher(shape: Geometry, crop_marks: bool, document_id: str,
             folios: list[str] | None = None, structure: Structure | None = None,
             flat: bool = False) -> Callable[[Any, pydyf.PDF], None]:
    """`document_id` replaces the random XMP document ID, so that builds are reproducible;
    `folios`, the folio of each page ("" where none is printed), give the page labels of a
    whole book (a part of one written for `join` has none). `structure`, for the reader PDF
    (tagged and in sRGB), is what `tagging.tagged_for_readers` recorded as WeasyPrint wrote.
    `flat`: PDF/X-1a, every image in CMYK and nothing transparent (`flatten`)."""
    def finish(document: Any, pdf: pydyf.PDF) -> None:
        _document_id(pdf, document_id)
        pages = [obj for obj in pdf.objects
                 if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page"]
        by_number = {obj.number: obj for obj in pdf.objects if getattr(obj, "number", None)}
        for page in pages:
            _prune_links(page, by_number)
        for index, page in enumerate(pages):
            _boxes(page, recto=index % 2 == 0, bleed=shape.bleed, crop_marks=crop_marks)
            if crop_marks:
                _crop_marks(pdf, page, shape.bleed, shape.slug)
        if folios:
            _page_labels(pdf, folios)
        if flat:
            flatten(pdf)
        if structure is None:
            _tag_rgb_images(pdf, None)
            _embed_profile_files(document, pdf)
            _cmyk_intent(pdf)
            return
        # The reader PDF: sRGB for images and the output intent, and the structure tree.
        srgb = _srgb_profile(pdf)
        _tag_rgb_images(pdf, srgb)
        _srgb_intent(pdf, srgb)
        finish_tree(pdf, structure)
    return finish


def _document_id(pdf: pydyf.PDF, document_id: str) -> None:
    """The XMP document ID: WeasyPrint's is random; ours is derived from the book."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{document_id}".encode(), part)
                          for part in obj.stream]


def cover_finisher(document_id: str) -> Callable[[Any, pydyf.PDF], None]:
    """The cover wrap's last touches: the document ID, and the interior's output intent and
    CMYK profile (its file's bytes), so that the wrap and the pages print to one condition. Its
    page boxes are WeasyPrint's: the TrimBox the wrap, the BleedBox and MediaBox the sheet."""
    def finish(document: Any, pdf: pydyf.PDF) -> None:
        _document_id(pdf, document_id)
        _tag_rgb_images(pdf, None)
        _embed_profile_files(document, pdf)
        _cmyk_intent(pdf)
    return finish


def _page_labels(pdf: pydyf.PDF, folios: list[str]) -> None:
    nums = pydyf.Array()
    for index, style, start in label_ranges(folios):
        label = pydyf.Dictionary({"S": f"/{style}"})
        if start != 1:
            label["St"] = start
        nums.extend([index, label])
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})


def _cmyk_intent(pdf: pydyf.PDF) -> None:
    for intent in pdf.catalog.get("OutputIntents", ()):
        intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION)
        intent["RegistryName"] = pydyf.String(REGISTRY)
        intent["OutputCondition"] = pydyf.String("Offset printing on coated paper (SWOP)")
        intent["Info"] = pydyf.String("bookbuild CMYK profile, CGATS TR 001 (SWOP) compatible")


def _srgb_profile(pdf: pydyf.PDF) -> pydyf.Stream:
    """The sRGB profile WeasyPrint ships, as its file's bytes (LittleCMS's rewrite of it may
    differ from one process to the next: builds would not be reproducible)."""
    profile_data = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
    profile = pydyf.Stream([profile_data], pydyf.Dictionary({"N": 3}))
    pdf.add_object(profile)
    return profile


def _srgb_intent(pdf: pydyf.PDF, profile: pydyf.Stream) -> None:
    """The colours are meant for a screen: an sRGB output intent (the one PDF/A uses; the file
    claims no PDF/A conformance), never the printer's CMYK one."""
    intent = pydyf.Dictionary({
        "Type": "/OutputIntent", "S": "/GTS_PDFA1",
        "OutputConditionIdentifier": pydyf.String(SRGB), "RegistryName": pydyf.String(REGISTRY),
        "Info": pydyf.String(SRGB), "DestOutputProfile": profile.reference})
    pdf.catalog["OutputIntents"] = pydyf.Array([intent])


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def label_ranges(folios: list[str]) -> list[tuple[int, str, int]]:
    """The page label ranges of a book whose pages have these folios: (first page index, "r"
    for lower roman or "D" for arabic, first number). A page without a folio (a blank, an
    opening, a display page) continues the numbering of the page before it."""
    ranges: list[tuple[int, str, int]] = []
    for index, folio in enumerate(folios):
        if folio.isdigit():
            style, number = "D", int(folio)
        elif folio and set(folio.lower()) <= _ROMAN.keys():
            style, number = "r", _roman_value(folio)
        else:
            continue
        if ranges:
            first, current, start = ranges[-1]
            if current == style and start + index - first == number:
                continue
        elif index:
            start = max(1, number - index)      # pages before the first folio are counted back
            ranges.append((0, style, start))
            if start + index == number:
                continue
        ranges.append((index, style, number))
    return ranges or [(0, "D", 1)]


def _roman_value(numeral: str) -> int:
    values = [_ROMAN[char] for char in numeral.lower()]
    return sum(-value if later > value else value
               for value, later in zip(values, values[1:] + [0], strict=True))


def _embed_profile_files(document: Any, pdf: pydyf.PDF) -> None:
    """Each `@color-profile` stream gets the bytes of its file, not LittleCMS's rewrite."""
    streams = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Stream)}
    for profile in getattr(document, "color_profiles", {}).values():
        stream = streams.get(profile.pdf_reference)
        source = urlsplit(str(profile.src))
        if stream is None or source.scheme not in ("", "file"):
            continue
        path = Path(unquote(source.path))
        data = path.read_bytes() if path.is_file() else b""
        if data[36:40] == b"acsp":          # an ICC profile; anything else keeps WeasyPrint's copy
            stream.stream = [data]


def _prune_links(page: pydyf.Dictionary, objects: dict[int, Any]) -> None:
    """One link area per line of a link: WeasyPrint gives every box inside a link an area of its
    own (each piece of a URL, an emphasis, a zero-width <wbr>), covered by the line's area. The
    areas dropped are emptied, since pydyf cannot take an object out of the file."""
    references = page.get("Annots")
    if not references:
        return
    annotations = [(reference, objects.get(int(bytes(reference).split()[0])))
                   for reference in references]
    links = [annotation for _, annotation in annotations
             if isinstance(annotation, pydyf.Dictionary) and annotation.get("Subtype") == "/Link"]
    kept: list[tuple[object, tuple[float, float, float, float]]] = []
    dropped: set[int] = set()
    for annotation in sorted(links, key=lambda item: -_area(_rect(item))):
        rect, target = _rect(annotation), _target(annotation)
        if rect[2] - rect[0] < 0.01 or any(other == target and _inside(rect, box) for other, box in kept):
            dropped.add(id(annotation))
            annotation.clear()
        else:
            kept.append((target, rect))
    if dropped:
        page["Annots"] = pydyf.Array([reference for reference, annotation in annotations
                                      if id(annotation) not in dropped])


def _rect(annotation: pydyf.Dictionary) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in annotation["Rect"])
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _area(rect: tuple[float, float, float, float]) -> float:
    return (rect[2] - rect[0]) * (rect[3] - rect[1])


def _target(annotation: pydyf.Dictionary) -> object:
    action = annotation.get("A")
    target = action.get("URI") if isinstance(action, dict) else annotation.get("Dest")
    return getattr(target, "string", target)         # a pydyf.String holds its text


def _inside(rect: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    return (rect[0] >= box[0] - 0.01 and rect[1] >= box[1] - 0.01 and rect[2] <= box[2] + 0.01
            and rect[3] <= box[3] + 0.01)


def _tag_rgb_images(pdf: pydyf.PDF, profile: pydyf.Stream | None) -> None:
    """PDF/X allows RGB images only with a profile: WeasyPrint writes DeviceRGB, we say sRGB
    (with `profile`, or a copy of WeasyPrint's sRGB profile added for them)."""
    images = [obj for obj in pdf.objects if isinstance(obj, pydyf.Stream)
              and obj.extra.get("Subtype") == "/Image" and obj.extra.get("ColorSpace") == "/DeviceRGB"]
    if not images:
        return
    if profile is None:
        profile = _srgb_profile(pdf)
    for image in images:
        image.extra["ColorSpace"] = pydyf.Array(["/ICCBased", profile.reference])


def _crop_marks(pdf: pydyf.PDF, page: pydyf.Dictionary, bleed: float, slug: float) -> None:
    """Corner marks at the trim lines, in the slug beyond the bleed, drawn before the page."""
    x0, y0, x1, y1 = (float(v) for v in page["TrimBox"])
    near, far = bleed + 2, bleed + slug
    lines = []
    for x, sign in ((x0, -1), (x1, 1)):
        for y in (y0, y1):
            lines.append(f"{x + sign * near:.3f} {y:.3f} m {x + sign * far:.3f} {y:.3f} l S")
    for y, sign in ((y0, -1), (y1, 1)):
        for x in (x0, x1):
            lines.append(f"{x:.3f} {y + sign * near:.3f} m {x:.3f} {y + sign * far:.3f} l S")
    marks = pydyf.Stream([("q 0.3 w 1 1 1 1 K " + " ".join(lines) + " Q").encode()])
    pdf.add_object(marks)
    page["Contents"] = pydyf.Array([marks.reference, page["Contents"]])


def _boxes(page: pydyf.Dictionary, recto: bool, bleed: float, crop_marks: bool) -> None:
    x0, y0, x1, y1 = (float(v) for v in page["TrimBox"])
    if crop_marks:
        # A proof: bleed all round; the media box keeps the slug for the marks.
        page["BleedBox"] = pydyf.Array([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])
        return
    left = x0 if recto else x0 - bleed          # no bleed on the spine side
    right = x1 + bleed if recto else x1
    box = pydyf.Array([left, y0 - bleed, right, y1 + bleed])
    page["MediaBox"] = box
    page["BleedBox"] = pydyf.Array(list(box))
