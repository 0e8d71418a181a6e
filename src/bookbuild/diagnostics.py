"""Diagnostics: what any stage reports to the user, always tied to a manuscript file and line.

Sphinx's rule applies here: every warning carries `(docname, line)`. A `Diagnostic` names the
file (relative to the manuscript folder), the line range, a stable code, what is wrong and what
to do about it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
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
        return self.shown()

    def shown(self, root: Path | None = None) -> str:
        """`file:line`, the file as seen from where the command ran when the manuscript
        folder `root` is given as it was on the command line (`manuscript/book.yaml:7`), so
        that editors and terminals can open it; a file outside the manuscript (an edition) is
        left as it is."""
        file = self.path(root)
        return file if self.line is None else f"{file}:{self.line}"

    def path(self, root: Path | None = None) -> str:
        """The file, seen from where the command ran (see `shown`)."""
        if root is not None and not Path(self.file).is_absolute() and (root / self.file).exists():
            return os.path.normpath(root / self.file)
        return self.file

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

    def to_text(self, root: Path | None = None) -> str:
        return f"{self.place.shown(root)}: {self.severity.value} {self.code}: {self.message}"

    def to_json(self, root: Path | None = None) -> dict[str, object]:
        """`file` is relative to the manuscript folder; `path` is the same file as seen from
        where the command ran, when `root` (the folder as given) is known."""
        data: dict[str, object] = {
            "code": self.code,
            "severity": self.severity.value,
            **self.place.to_json(),
            **({"path": self.place.path(root)} if root is not None else {}),
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


def print_findings(findings: Sequence[Diagnostic], stream: TextIO, root: Path | None = None) -> None:
    """One finding a line, `file:line: severity code: message`, as every command prints them,
    in manuscript order (file, line, errors first); `root` as in `Place.shown`."""
    for finding in sorted(findings, key=Diagnostic.sort_key):
        print(finding.to_text(root), file=stream)


def count_findings(findings: Sequence[Diagnostic]) -> str:
    """'2 errors, 1 warning'."""
    errors = sum(f.is_error for f in findings)
    return f"{plural(errors, 'error')}, {plural(len(findings) - errors, 'warning')}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"
