"""Checks stage: read the book model and report what is wrong, with stable codes.

Each check is a small function `check(book) -> Iterable[Diagnostic]`, registered in `CHECKS` in
the order its findings are best read; the codes and their severities are listed in `codes.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bookbuild.checks.codes import apply_levels
from bookbuild.checks.copyedit import check_copyedit
from bookbuild.checks.duplicates import check_duplicates
from bookbuild.checks.footnotes import check_footnotes
from bookbuild.checks.glyphs import check_glyphs
from bookbuild.checks.images import check_images
from bookbuild.checks.links import check_anchors, check_links
from bookbuild.checks.markup import check_fences, check_raw_html
from bookbuild.checks.references import check_bibliography, check_citations
from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book

Check = Callable[[Book], Iterable[Diagnostic]]

CHECKS: tuple[Check, ...] = (
    check_citations,        # unknown-citation
    check_bibliography,     # duplicate-reference, unused-reference
    check_footnotes,        # undefined-footnote, unused-footnote, duplicate-footnote
    check_links,            # broken-link
    check_anchors,          # duplicate-anchor, reserved-anchor
    check_images,           # missing-image, remote-image, image-format, image-unsafe,
                            # image-without-alt
    check_fences,           # unclosed-fence
    check_raw_html,         # raw-html-unsafe, raw-html
    check_duplicates,       # duplicate-passage, unused-accepted-duplicate
    check_glyphs,           # missing-glyph, font-invalid
    check_copyedit,         # doubled-word, spelling-variant, capitalisation-variant, quote-style,
                            # unbalanced-bracket, dash-style, spacing, quotation-without-source,
                            # ellipsis-style, unused-accepted-variant
)


def run_checks(book: Book) -> list[Diagnostic]:
    """What parsing found, plus every check's findings, in manuscript order, at the levels
    book.yaml's `checks:` sets."""
    findings = list(book.diagnostics)
    for check in CHECKS:
        findings.extend(check(book))
    return sorted(apply_levels(findings, book.config.check_levels), key=Diagnostic.sort_key)
