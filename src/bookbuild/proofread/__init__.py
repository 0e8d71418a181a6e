"""Proofread stage: read a finished print PDF back and mark what a good press would not print.

The words are read from the PDF as printed (`words`), set back into lines, pages and
paragraphs (`lines`), and checked by the rules of `findings`: loose and overfull lines, hyphen
ladders, runts, widows and orphans, a page ending in a broken word, a heading at the foot of a
page, facing pages of uneven depth, a capitalised word broken. Nothing is read from the CSS.
Each finding names its page (and printed folio) and, when the book model is given, the
manuscript file and line of its paragraph (`locate`). `sheets` draws the pages with the
findings marked. The report is advisory: it never fails a build.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bookbuild.diagnostics import Place
from bookbuild.model import Book
from bookbuild.proofread.findings import CODES, KINDS, Finding, find
from bookbuild.proofread.folios import folios
from bookbuild.proofread.hyphens import Hyphenation
from bookbuild.proofread.lines import Document, read_document
from bookbuild.proofread.locate import Locator
from bookbuild.proofread.words import ReadError

__all__ = ["CODES", "KINDS", "Finding", "ReadError", "Report", "proofread"]


@dataclass
class Report:
    """The findings on one PDF, page by page."""

    path: Path
    document: Document
    findings: list[Finding]
    folios: list[str | None]

    def folio(self, finding: Finding) -> str | None:
        return self.folios[finding.page]

    def line(self, finding: Finding) -> str:
        """`PDF:page (folio N): code: message [file:line]`"""
        folio = self.folio(finding)
        where = f"{self.path}:{finding.page + 1}" + (f" (folio {folio})" if folio else "")
        place = f" [{finding.place}]" if finding.place else ""
        return f"{where}: {finding.code}: {finding.message}{place}"

    def counts(self) -> dict[str, int]:
        found = Counter(f.code for f in self.findings)
        return {code: found[code] for code in CODES if found[code]}

    def summary(self) -> str:
        pages = len({f.page for f in self.findings})
        counts = ", ".join(f"{code} {count}" for code, count in self.counts().items())
        total = len(self.findings)
        return (f"proof report: {total} finding{'' if total == 1 else 's'} on {pages} of "
                f"{len(self.document.pages)} pages" + (f" ({counts})" if counts else ""))

    def to_json(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "pages": len(self.document.pages),
            "body_size": self.document.body_size,
            "findings": [_json(f, self.folio(f)) for f in self.findings],
            "summary": self.counts(),
        }


def proofread(path: Path, book: Book | None = None, limit_space: float = 0.5) -> Report:
    """Read the PDF at `path` and find what to look at; with `book`, place each finding in the
    manuscript. Raises ReadError when the PDF cannot be read."""
    document = read_document(path)
    findings = find(document, limit_space)
    if book is not None:
        findings = _placed(findings, Locator(book), Hyphenation(document))
    return Report(path, document, findings, folios(document.pages))


def _placed(findings: list[Finding], locator: Locator, hyphens: Hyphenation) -> list[Finding]:
    places: dict[int, Place | None] = {}
    result = []
    for finding in findings:
        if finding.paragraph is None:
            result.append(finding)
            continue
        key = id(finding.paragraph)
        if key not in places:
            places[key] = locator.place(finding.paragraph, hyphens.breaks_word)
        result.append(dataclasses.replace(finding, place=places[key]))
    return result


def _json(finding: Finding, folio: str | None) -> dict[str, object]:
    return {
        "page": finding.page + 1,
        "folio": folio,
        "code": finding.code,
        "message": finding.message,
        "file": finding.place.file if finding.place else None,
        "line": finding.place.line if finding.place else None,
        "boxes": [{"page": page + 1, "box": [round(v, 2) for v in box]} for page, box in finding.marks],
    }
