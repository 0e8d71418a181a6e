"""Write stage, PDF: numbers set again in their boxes once the pages they name are known.

Two kinds of number wait on pages laid out elsewhere: a part's folios (it is laid out from folio 1
before the parts ahead of it have counted their pages: `split`) and page references ("p. 142",
whose target may stand in any part: `render.crossrefs`). Laying a part out again to change a
number would cost its whole layout, so, as a compositor would, the number is set again in its own
box: shaped with the box's style, and kept only when it is exactly as wide as the number it
replaces, so no line of the page moves. A page reference first prints a guess with as many figures
as its page will likely have (Gentium's figures are all one width); a guess with the wrong count
of figures cannot be re-set, and the layout is done again with the pages found (`layout`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from weasyprint import Document, Page
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.text.line_break import split_first_line

from bookbuild.render.crossrefs import PAGE_FOLIO_CLASS

_WIDTH_TOLERANCE = 0.01             # pt: narrower than anything a reader (or a PDF viewer) sees


def retype_folios(document: Document, first_folio: int) -> None:
    """Give the pages of a part laid out from folio 1 the folios they have in the book.

    Only the page-number box changes, and only its text: the number is shaped again with the
    box's own style and centred where the old one was, exactly as WeasyPrint would have set it
    (tests/test_pdf_parts.py compares every page with the one-document layout).

    Raises ValueError when a page's folio is not its place in the part (the style changed)."""
    for index, page in enumerate(document.pages):
        margin = next((box for box in page._page_box.children
                       if getattr(box, "at_keyword", None) == "@bottom-center"), None)
        texts = list(_text_boxes(margin)) if margin is not None else []
        if not texts:
            continue                    # a page without a folio: an opening or a blank page
        (old,) = texts
        if old.text != str(index + 1):
            raise ValueError(f"page {index + 1} of a part has the folio {old.text!r}: the print "
                             "style no longer numbers the text 1, 2, 3...")
        _replace(margin, old, _retyped(old, str(first_folio + index)))


def page_ref_targets(pages: list[Page]) -> set[str]:
    """The targets of the page references on `pages`."""
    return {target for _, _, target in _page_refs(pages)}


def retype_page_refs(pages: list[Page], folios: Mapping[str, str]) -> set[str]:
    """Set each page reference's number to the folio of its target in `folios` (by id).

    Returns the targets whose number is still not their folio: not in `folios`, or a folio whose
    width differs from the number printed (another count of figures), which only a new layout
    can set."""
    unresolved: set[str] = set()
    for parent, old, target in list(_page_refs(pages)):
        folio = folios.get(target)
        if folio == old.text:
            continue
        new = _retyped(old, folio) if folio else None
        if new is None or abs(new.width - old.width) > _WIDTH_TOLERANCE:
            unresolved.add(target)
            continue
        new.position_x = old.position_x                 # same width: the same place
        parent.children = [new if child is old else child for child in parent.children]
    return unresolved


def _page_refs(pages: list[Page]) -> Iterator[tuple[Any, TextBox, str]]:
    """(the number's box, its text box, the target) of every page reference on `pages`."""
    for page in pages:
        for box in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if (element is None or getattr(box, "element_tag", "") != "span"
                    or PAGE_FOLIO_CLASS not in (element.get("class") or "").split()):
                continue
            texts = [child for child in box.children if isinstance(child, TextBox)]
            if len(texts) == 1:
                yield box, texts[0], element.get("data-target", "")


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


class _LineContext:
    """What WeasyPrint's line breaking needs of a layout context for a short number."""

    dictionaries: dict[object, object] = {}


def _retyped(old: TextBox, text: str) -> TextBox:
    layout, _, _, width, _, _ = split_first_line(
        text, old.style, _LineContext(), None, old.justification_spacing)
    new = old.copy_with_text(text)      # same font and size: same height and baseline
    new.pango_layout, new.width = layout, width
    new.position_x = old.position_x + (old.width - width) / 2       # centred as before
    return new


def _text_boxes(box: Any) -> Iterator[TextBox]:
    if isinstance(box, TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def _replace(box: Any, old: TextBox, new: TextBox) -> None:
    children = getattr(box, "children", None)
    if children is None:
        return
    if any(child is old for child in children):
        box.children = [new if child is old else child for child in children]
        return
    for child in children:
        _replace(child, old, new)
