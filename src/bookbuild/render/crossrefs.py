"""Render stage: the words a cross-reference prints, in every edition.

`@fig-map` prints its label ("Figure 3"), `[-@fig-map]` the number alone ("3"), `@sec-terror`
the section's title, `@page-terror` the print page of the element with the id `terror`
("p. 142"): in the print edition from its own page map (a first layout prints a placeholder of
three digits, and the pieces that hold one are laid out again once the pages are known: see
`writers.pdf.layout`), in the EPUB and the HTML from the print edition's page map when it was
laid out in the same build, else the words of the target's label or "this passage".
"""

from __future__ import annotations

from bookbuild.model import PAGE_PREFIX, Book, Label

PLACEHOLDER = "000"         # a page number not yet known: about as wide as most


class CrossRefTexts:
    """The texts of one edition's cross-references."""

    def __init__(self, book: Book, print_layout: bool) -> None:
        self.labels: dict[str, Label] = book.labels
        self.folios = book.print_pages.anchors if book.print_pages is not None else None
        self.print_layout = print_layout

    def caption_label(self, element_id: str) -> str | None:
        """"Figure 3" for a numbered figure or table, else None."""
        label = self.labels.get(element_id)
        return label.text if label is not None and label.number else None

    def text(self, key: str, form: str) -> str:
        """What `@key` prints (the target is known to exist; see `checks.crossrefs`)."""
        if key.startswith(PAGE_PREFIX):
            return self._page(key[len(PAGE_PREFIX):])
        label = self.labels.get(key)
        if label is None:
            return "@" + key                    # a draft written despite `unknown-crossref`
        return label.number if form == "number" and label.number else label.text

    def _page(self, target: str) -> str:
        folio = self.folios.get(target) if self.folios is not None else None
        if folio is not None:
            return f"p.\u00a0{folio}"
        if self.print_layout:
            return f"p.\u00a0{PLACEHOLDER}"
        label = self.labels.get(target)
        return label.text if label is not None else "this passage"
