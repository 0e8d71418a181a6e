"""Checks stage: read the book model and report what is wrong, with stable codes.

Each check is a small function `check(book) -> Iterable[Diagnostic]`, registered in `CHECKS` in
the order its findings are best read; the codes and their severities are listed in `codes.py`.
A check in `CHAPTER_CHECKS` finds what it finds in a chapter from that chapter alone (and the
bibliography's keys): it is run on each chapter by itself (`Book.chapter_view`) and its findings
are kept per chapter in the build cache, so after an edit it runs on the edited chapters only.
The others see the whole book (links, anchors, duplicates, fonts, the book's own copy-editing
style) and run every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping

from bookbuild.cache import Cache, code_digest, digest
from bookbuild.checks.codes import apply_levels
from bookbuild.checks.copyedit import check_copyedit
from bookbuild.checks.crossrefs import check_crossrefs
from bookbuild.checks.duplicates import check_duplicates
from bookbuild.checks.footnotes import check_footnotes
from bookbuild.checks.glyphs import check_glyphs
from bookbuild.checks.images import check_images
from bookbuild.checks.index import check_index
from bookbuild.checks.links import check_anchors, check_links
from bookbuild.checks.markup import check_divs, check_fences, check_link_definitions, check_raw_html
from bookbuild.checks.references import check_bibliography, check_citations
from bookbuild.delivery.manuscript import check_delivery
from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book, Chapter
from bookbuild.progress import Progress

Check = Callable[[Book], Iterable[Diagnostic]]

CHECKS: tuple[Check, ...] = (
    check_citations,        # unknown-citation
    check_bibliography,     # duplicate-reference, unused-reference
    check_footnotes,        # undefined-footnote, unused-footnote, duplicate-footnote
    check_links,            # broken-link
    check_crossrefs,        # unknown-crossref, crossref-kind
    check_index,            # index-term-variant, index-see-unknown, index-range-unclosed,
                            # index-too-deep, index-term-missing
    check_anchors,          # duplicate-anchor, reserved-anchor
    check_images,           # missing-image, remote-image, image-format, image-unsafe,
                            # image-without-alt
    check_fences,           # unclosed-fence
    check_divs,             # unclosed-div
    check_link_definitions,  # duplicate-link-definition
    check_raw_html,         # raw-html-unsafe, raw-html
    check_delivery,         # delivery-trim, delivery-isbn, delivery-metadata, delivery-store-link
    check_duplicates,       # duplicate-passage, unused-accepted-duplicate
    check_glyphs,           # missing-glyph, font-invalid
    check_copyedit,         # doubled-word, spelling-variant, capitalisation-variant, quote-style,
                            # unbalanced-bracket, dash-style, spacing, quotation-without-source,
                            # ellipsis-style, unused-accepted-variant
)
# Checks whose findings in a chapter depend on that chapter and the bibliography's keys only.
CHAPTER_CHECKS: tuple[Check, ...] = (check_citations, check_footnotes, check_fences, check_divs,
                                     check_link_definitions, check_raw_html)
# Checks that read every word of the book (seconds on a long one): they run last.
WHOLE_TEXT_CHECKS: tuple[Check, ...] = (check_duplicates, check_glyphs, check_copyedit)

class Superseded(Exception):
    """A check stopped because its result would be thrown away: a newer text is waiting."""


_SECTION = "chapter-checks"
# The code chapter findings are made by: the checks, and the model they read.
_CODE = ("checks", "model", "parse", "ast.py", "diagnostics.py")


def run_checks(book: Book, cache: Cache | None = None,
               memory: MutableMapping[str, list[Diagnostic]] | None = None,
               progress: Progress | None = None,
               early: Callable[[Book, list[Diagnostic]], None] | None = None,
               proceed: Callable[[], bool] | None = None) -> list[Diagnostic]:
    """What parsing found, plus every check's findings, in manuscript order, at the levels
    book.yaml's `checks:` sets. `cache` and `memory` keep the chapter checks' findings per
    chapter (see the module's docstring); `early` is given what parsing and the chapter checks
    found, and the other checks but those that read every word of the book, before those run
    (the language server shows them at once). `proceed` is asked before each of those: when it
    says no, `Superseded` is raised (a newer text is waiting to be checked)."""
    findings = list(book.diagnostics)
    kept = _ChapterFindings(book, cache or Cache(None), memory)
    for chapter in book.chapters:
        findings.extend(kept.of(chapter))
    if progress is not None and kept.found_now < len(book.chapters):
        progress.say(f"    {kept.found_now} of {len(book.chapters)} chapters checked again, the "
                     "others' own findings kept from their last check")
    for check in CHECKS:
        if check not in CHAPTER_CHECKS and check not in WHOLE_TEXT_CHECKS:
            findings.extend(check(book))
    if early is not None:
        early(book, sorted(apply_levels(findings, book.config.check_levels), key=Diagnostic.sort_key))
    for check in WHOLE_TEXT_CHECKS:
        if proceed is not None and not proceed():
            raise Superseded
        findings.extend(check(book))
    kept.forget_others()
    return sorted(apply_levels(findings, book.config.check_levels), key=Diagnostic.sort_key)


class _ChapterFindings:
    """The chapter checks' findings for each chapter: kept, or found now and kept."""

    def __init__(self, book: Book, cache: Cache,
                 memory: MutableMapping[str, list[Diagnostic]] | None) -> None:
        self.book = book
        self.cache = cache
        self.memory = memory
        entries = book.bibliography.entries if book.bibliography else None
        self.context = digest(code_digest(*_CODE),
                              "\0".join(sorted(entries)) if entries is not None else "\1none")
        self.used: set[str] = set()
        self.found_now = 0

    def of(self, chapter: Chapter) -> list[Diagnostic]:
        if not chapter.key:                 # nothing to key it by: the cache is off
            return self._find(chapter)
        key = digest(_SECTION, chapter.key, self.context)
        self.used.add(key)
        if self.memory is not None and key in self.memory:
            return self.memory[key]
        found = self.cache.load(_SECTION, key, list)
        if found is None:
            found = self._find(chapter)
            self.cache.keep(_SECTION, key, found)
        if self.memory is not None:
            self.memory[key] = found
        return found

    def forget_others(self) -> None:
        if self.memory is not None:
            for stale in set(self.memory) - self.used:
                del self.memory[stale]

    def _find(self, chapter: Chapter) -> list[Diagnostic]:
        self.found_now += 1
        view = self.book.chapter_view(chapter)
        return [found for check in CHAPTER_CHECKS for found in check(view)]
