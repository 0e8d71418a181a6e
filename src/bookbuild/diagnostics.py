"""Diagnostics: what any stage reports to the user, always tied to a manuscript file and line.

Sphinx's rule applies here: every warning carries `(docname, line)`. A `Diagnostic` names the
file (relative to the manuscript folder), the line range, a stable code, what is wrong and what
to do about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TextIO


class Severity(StrEnum):
    """How bad a finding is: errors stop a build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Place:
    """A place in the manuscript: a file relative to the manuscript folder and 1-based lines."""

    file: str
    line: int | None = None
    end_line: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}"

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "end_line": self.end_line or self.line}


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a stable code, a severity, a message that says what to do, and where."""

    code: str
    severity: Severity
    message: str
    place: Place
    related: tuple[Place, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.place.file, self.place.line or 0, 0 if self.is_error else 1, self.code)

    def to_text(self) -> str:
        return f"{self.place}: {self.severity.value} {self.code}: {self.message}"

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,
            **self.place.to_json(),
            "message": self.message,
            "related": [p.to_json() for p in self.related],
        }
        return data


def error(code: str, message: str, place: Place, related: tuple[Place, ...] = ()) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, place, related)


def warning(code: str, message: str, place: Place, related: tuple[Place, ...] = ()) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, message, place, related)


class BookError(Exception):
    """The input cannot be used at all: the command stops with exit status 2.

    Carries every diagnostic collected so far, so the user sees all problems at once.
    """

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.to_text() for d in diagnostics))
        self.diagnostics = diagnostics

    def __reduce__(self) -> tuple[type[BookError], tuple[list[Diagnostic]]]:
        # Sent back from the PDF writer's process; the default would pass the message instead.
        return (BookError, (self.diagnostics,))


def fail(code: str, message: str, place: Place) -> BookError:
    """A `BookError` with a single error, for `raise fail(...)`."""
    return BookError([error(code, message, place)])


def print_findings(findings: Sequence[Diagnostic], stream: TextIO) -> None:
    """One finding a line, `file:line: severity code: message`, as every command prints them."""
    for finding in findings:
        print(finding.to_text(), file=stream)


def count_findings(findings: Sequence[Diagnostic]) -> str:
    """'2 errors, 1 warning'."""
    errors = sum(f.is_error for f in findings)
    return f"{plural(errors, 'error')}, {plural(len(findings) - errors, 'warning')}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"
