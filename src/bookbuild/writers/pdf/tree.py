"""Write stage, PDF: the reader PDF's structure tree finished, before the file is written.

WeasyPrint has built the tree page by page (`tagging`). Three edits make it the tree of a book:

- The link areas `finish` dropped (one per box inside a link, covered by its line's area) go out
  of the tree: their OBJR out of their element, their key out of the parent tree, and the
  elements left empty with them. A reader is offered each link once per line, in a Link.
- Each text box is a Span of its own holding one marked-content sequence: 26,000 elements in
  Ten Days, nine in ten of the tree, which every reader of the file parses. Their sequences go
  into their parent directly (an MCID, or a marked-content reference to another page), the
  parent tree names the parent for them, and the Spans are emptied (pydyf cannot take an object
  out of the file; nothing refers to them any more).
- A page break cuts an element in two: a paragraph on two pages is two P, read as two
  paragraphs. An element that goes on from the one before it onto the next page (the same HTML
  element, the same structure type) is joined into it, at every level of the tree, and the
  parent tree follows its content.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pydyf

from bookbuild.writers.pdf.tagging import Structure

# A figure is never cut by a page break. A table cut by one is a table on each page, each with
# its header rows (WeasyPrint repeats them) and cells that name those headers: joined, it would
# read its header twice.
_NEVER_JOINED = {"/Figure", "/Table"}
# What a Span WeasyPrint made for a text box holds: nothing a reader needs but its content.
_PLAIN_SPAN = {"Type", "S", "K", "Pg", "P"}


def finish_tree(pdf: pydyf.PDF, structure: Structure) -> None:
    tree = _Tree.read(pdf)
    tree.drop_pruned_links()
    tree.flatten_spans(structure)
    document = tree.objects[_number(tree.root["K"][0])]
    tree.join_continuations(document["K"], structure)
    tree.register_ids(document)


def _number(reference: object) -> int:
    assert isinstance(reference, bytes), reference
    return int(reference.split()[0])


@dataclass
class _Tree:
    """The structure tree of a PDF about to be written, and its parent tree."""

    objects: dict[int, Any]
    root: pydyf.Dictionary
    pages: dict[bytes, int]                 # page reference -> page index
    nums: pydyf.Array                       # the parent tree's: key, value, key, value...

    @classmethod
    def read(cls, pdf: pydyf.PDF) -> _Tree:
        objects = {obj.number: obj for obj in pdf.objects
                   if isinstance(obj, pydyf.Object) and obj.number is not None}
        root = objects[_number(pdf.catalog["StructTreeRoot"])]
        pages = {reference: index for index, reference in enumerate(pdf.page_references)}
        return cls(objects, root, pages, objects[_number(root["ParentTree"])]["Nums"])

    def element(self, kid: object) -> pydyf.Dictionary | None:
        """The structure element `kid` refers to (None for marked content or an OBJR)."""
        obj = self.objects.get(_number(kid)) if isinstance(kid, bytes) else None
        return obj if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem" else None

    def elements(self) -> list[pydyf.Dictionary]:
        return [obj for obj in self.objects.values()
                if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"]

    def page_of(self, element: pydyf.Dictionary) -> int | None:
        reference = element.get("Pg")
        return self.pages.get(reference) if isinstance(reference, bytes) else None

    def entry(self, key: int) -> int:
        """Where in `nums` the value for `key` is (WeasyPrint writes a page's key before the
        annotations', in order: a scan is short next to writing the file)."""
        for index in range(0, len(self.nums), 2):
            if self.nums[index] == key:
                return index + 1
        raise KeyError(f"the parent tree has no key {key}")

    def set_content_parent(self, page: int, mcid: int, element: pydyf.Dictionary) -> None:
        # A page's key is its index (weasyprint/pdf/tags.py), and its entries are in key order.
        assert self.nums[2 * page] == page, "the parent tree is not WeasyPrint 70's"
        self.nums[2 * page + 1][mcid] = element.reference

    # -- the three edits -------------------------------------------------------------------------

    def drop_pruned_links(self) -> None:
        def dropped(kid: object) -> bool:
            obj = self.objects.get(_number(kid)) if isinstance(kid, bytes) else None
            if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != "/OBJR":
                return False
            return not self.objects.get(_number(obj["Obj"]))     # emptied by finish

        elements = self.elements()
        for element in elements:
            element["K"] = pydyf.Array(kid for kid in element["K"] if not dropped(kid))
        # An element whose only kid was a dropped link area holds nothing, nor may its parent.
        emptied = True
        while emptied:
            empty = {element.number for element in elements if not element["K"]}
            emptied = False
            for element in elements:
                kids = [kid for kid in element["K"]
                        if not (isinstance(kid, bytes) and _number(kid) in empty)]
                if len(kids) != len(element["K"]):
                    element["K"] = pydyf.Array(kids)
                    emptied = True
        live = {annotation.get("StructParent") for annotation in self.objects.values()
                if isinstance(annotation, pydyf.Dictionary) and annotation.get("Subtype") == "/Link"}
        kept = pydyf.Array()
        for key, value in zip(self.nums[::2], self.nums[1::2], strict=True):
            if key < len(self.pages) or key in live:
                kept.extend([key, value])
        self.nums[:] = kept

    def flatten_spans(self, structure: Structure) -> None:
        for element in self.elements():
            if not element:
                continue        # a Span flattened into its parent already
            if any(self.plain_span(kid, structure) for kid in element["K"]):
                element["K"] = pydyf.Array(self.flattened(kid, element, structure)
                                           for kid in element["K"])

    def plain_span(self, kid: object, structure: Structure) -> pydyf.Dictionary | None:
        """The Span `kid` refers to if WeasyPrint made it for a text box: not recorded (no
        HTML element of its own), one marked-content sequence, nothing else."""
        span = self.element(kid)
        if (span is None or span["S"] != "/Span" or span.number in structure.sources
                or set(span) - _PLAIN_SPAN or len(span["K"]) != 1
                or not isinstance(span["K"][0], int)):
            return None
        return span

    def flattened(self, kid: object, parent: pydyf.Dictionary, structure: Structure) -> object:
        span = self.plain_span(kid, structure)
        if span is None:
            return kid
        (mcid,) = span["K"]
        page = self.page_of(span)
        assert page is not None
        self.set_content_parent(page, mcid, parent)
        content = self.content(mcid, span, parent)
        span.clear()
        return content

    def content(self, mcid: int, holder: pydyf.Dictionary, parent: pydyf.Dictionary) -> object:
        """Marked content of `holder`'s page as a kid of `parent`: its MCID on the parent's own
        page, else a marked-content reference naming the page."""
        if holder.get("Pg") == parent.get("Pg"):
            return mcid
        return pydyf.Dictionary({"Type": "/MCR", "Pg": holder["Pg"], "MCID": mcid})

    def register_ids(self, document: pydyf.Dictionary) -> None:
        """WeasyPrint names a table's header cells (/ID) for its data cells (/Headers) but
        writes no IDTree, by which a reader finds an element from its ID (ISO 32000-1 14.7.2:
        required when any element has one). A data cell names only headers in the tree (a
        blank header cell holds nothing and is left out)."""
        named: dict[str, bytes] = {}
        cells = []
        for element in self.walk(document):
            identifier = element.get("ID")
            if isinstance(identifier, pydyf.String):
                named[str(identifier.string)] = element.reference
            attributes = element.get("A")
            if isinstance(attributes, pydyf.Dictionary) and "Headers" in attributes:
                cells.append(attributes)
        for attributes in cells:
            attributes["Headers"] = pydyf.Array(
                header for header in attributes["Headers"] if str(header.string) in named)
        if named:
            names = pydyf.Array()
            for identifier in sorted(named, key=lambda name: name.encode("utf-16-be")):
                names.extend([pydyf.String(identifier), named[identifier]])
            self.root["IDTree"] = pydyf.Dictionary({"Names": names})

    def walk(self, element: pydyf.Dictionary) -> list[pydyf.Dictionary]:
        found = [element]
        for kid in element["K"]:
            child = self.element(kid)
            if child is not None:
                found.extend(self.walk(child))
        return found

    def join_continuations(self, kids: pydyf.Array, structure: Structure) -> None:
        joined: list[object] = []
        for kid in kids:
            if joined and self.continues(joined[-1], kid, structure):
                self.join(joined[-1], kid, structure)
            else:
                joined.append(kid)
        kids[:] = joined
        for kid in kids:
            element = self.element(kid)
            if element is not None:
                self.join_continuations(element["K"], structure)

    def continues(self, earlier: object, later: object, structure: Structure) -> bool:
        first, second = self.element(earlier), self.element(later)
        if first is None or second is None or first["S"] in _NEVER_JOINED:
            return False
        one, other = structure.sources.get(first.number), structure.sources.get(second.number)
        return (one is not None and other is not None and first["S"] == second["S"]
                and (one.element, one.tag) == (other.element, other.tag)
                and other.page == one.page + 1)

    def join(self, earlier: object, later: object, structure: Structure) -> None:
        """`later`'s kids become `earlier`'s, after its own; `later` leaves the tree."""
        first, second = self.element(earlier), self.element(later)
        assert first is not None and second is not None
        page = self.page_of(second)
        for kid in second["K"]:
            first["K"].append(self.moved(kid, second, page, first))
        second.clear()
        # The joined element now ends on the later one's page, where a third may go on.
        sources = structure.sources
        sources[first.number] = dataclasses.replace(sources[first.number],
                                                    page=sources[second.number].page)

    def moved(self, kid: object, holder: pydyf.Dictionary, page: int | None,
              parent: pydyf.Dictionary) -> object:
        """`kid` of `holder` (on `page`) as a kid of `parent`, which the parent tree now names
        for its content."""
        if isinstance(kid, int):
            assert page is not None
            self.set_content_parent(page, kid, parent)
            return self.content(kid, holder, parent)
        if isinstance(kid, pydyf.Dictionary):           # a marked-content reference
            self.set_content_parent(self.pages[kid["Pg"]], kid["MCID"], parent)
            return kid
        child = self.element(kid)
        if child is not None:
            child["P"] = parent.reference
            return kid
        link = self.objects[_number(kid)]               # an OBJR: a link area
        key = self.objects[_number(link["Obj"])]["StructParent"]
        self.nums[self.entry(key)] = parent.reference
        return kid
