"""Render stage: the words a cross-reference prints, in every edition.

`@fig-map` prints its label ("Figure 3"), `[-@fig-map]` the number alone ("3"), `@sec-terror`
the section's title, `@page-terror` the print page of the element with the id `terror`
("p. 142"): in the print edition from its own page map (a first layout prints a guess, in a box
of its own that is set again once the pages are known: see `writers.pdf.retype`), in the EPUB
and the HTML from the print edition's page map when it was laid out in the same build, else the
words of the target's label or "this passage".
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from bookbuild.model import PAGE_PREFIX, Book, Label

PLACEHOLDER = "000"         # a page number neither known nor guessed: about as wide as most
PAGE_FOLIO_CLASS = "page-folio"     # the print edition's box of a page reference's number


class CrossRefTexts:
    """The texts of one edition's cross-references."""

    def __init__(self, book: Book, print_layout: bool,
                 guesses: Mapping[str, str] | None = None) -> None:
        """`guesses`: for a first print layout, the likely folio of each page reference's
        target, by id."""
        self.book = book
        self.labels: dict[str, Label] = book.labels
        self.folios = book.print_pages.anchors if book.print_pages is not None else None
        self.print_layout = print_layout
        self.guesses = guesses or {}

    def caption_label(self, element_id: str) -> str | None:
        """"Figure 3" for a numbered figure or table, else None."""
        label = self.labels.get(element_id)
        return label.text if label is not None and label.number else None

    def markup(self, key: str, form: str) -> Markup:
        """What `@key` prints, as HTML (the target is known to exist; see `checks.crossrefs`).
        In the print layout a page reference's number stands in a box of its own,
        `<span class="page-folio" data-target="ID">`, for `writers.pdf.retype` to set again."""
        if key.startswith(PAGE_PREFIX) and self.print_layout:
            target = key[len(PAGE_PREFIX):]
            number = (self.folios or {}).get(target) or self.guesses.get(target) or PLACEHOLDER
            return Markup('p.\u00a0<span class="{}" data-target="{}">{}</span>').format(
                PAGE_FOLIO_CLASS, target, number)
        return escape(self.book.crossref_text(key, form))
