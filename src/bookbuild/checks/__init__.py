"""Checks stage: read the book model and report what is wrong, with stable codes.

Each check is a small function `check(book) -> Iterable[Diagnostic]`, registered in `CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book

Check = Callable[[Book], Iterable[Diagnostic]]

CHECKS: tuple[Check, ...] = ()


def run_checks(book: Book) -> list[Diagnostic]:
    """What parsing found, plus every check's findings, in manuscript order."""
    findings = list(book.diagnostics)
    for check in CHECKS:
        findings.extend(check(book))
    return sorted(findings, key=Diagnostic.sort_key)
