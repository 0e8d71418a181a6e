"""Import, last stage: the report of what needs a human.

Every stage adds to one `Collector`: items that need a human (a tracked change, a comment, a
reference typed in parentheses, a guessed heading...), counts of the manual formatting it
dropped, and the text of what it took out (web leftovers). An item found in the document is
given a marker (`Collector.mark`) that travels with the text; once the chapters are written the
marker's line is the item's place, `file:line` in the new manuscript. The `ImportReport` is what
`import_manuscript` returns, printed by the command and saved as `import-report.txt`.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.ast import Node
from bookbuild.diagnostics import Diagnostic, plural
from bookbuild.importer.tree import marker

REPORT_NAME = "import-report.txt"


@dataclass
class Item:
    """One thing a human should look at, placed in the new manuscript once it is written."""

    code: str
    message: str
    file: str | None = None         # relative to the manuscript folder
    line: int | None = None
    severity: str = ""              # "error" or "warning" for the check's findings

    def shown(self, root: Path | None = None) -> str:
        place = self.file or "(the document)"
        if self.file and root is not None:
            place = os.path.normpath(root / self.file)
        if self.line:
            place += f":{self.line}"
        kind = f"{self.severity} {self.code}" if self.severity else self.code
        return f"{place}: {kind}: {self.message}"

    def sort_key(self) -> tuple[str, int, str]:
        return (self.file or "", self.line or 0, self.code)


@dataclass
class Collector:
    """What the stages found, as they find it."""

    items: list[Item] = field(default_factory=list)
    cleaned: Counter[str] = field(default_factory=Counter)
    removed: list[str] = field(default_factory=list)

    def mark(self, code: str, message: str) -> Node:
        """A report item placed where the returned marker ends up in the manuscript."""
        self.items.append(Item(code, message))
        return marker(len(self.items) - 1)

    def add(self, code: str, message: str, file: str | None = None, line: int | None = None) -> Item:
        item = Item(code, message, file, line)
        self.items.append(item)
        return item

    def count(self, what: str, number: int = 1) -> None:
        """Manual formatting dropped, e.g. count('empty paragraph')."""
        if number > 0:
            self.cleaned[what] += number


@dataclass
class ImportReport:
    """What `bookbuild import` made and what a human should look at."""

    source: Path
    target: Path
    chapters: list[str]
    images: list[str]
    metadata: dict[str, str]                 # book.yaml key -> value as written
    metadata_sources: dict[str, str]         # book.yaml key -> where the value came from
    items: list[Item]
    cleaned: dict[str, int]
    removed: list[str]
    findings: list[Diagnostic] = field(default_factory=list)    # bookbuild check's

    @property
    def check_errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def check_warnings(self) -> int:
        return len(self.findings) - self.check_errors

    def codes(self) -> list[str]:
        return [item.code for item in self.items]

    def lines(self, root: Path | None = None) -> list[str]:
        """The report, line by line; files shown under `root` (the folder as the user named it)."""
        root = self.target if root is None else root
        where = "this folder" if root == Path(".") else str(root)
        out = [f"Imported {self.source.name} into {where}: {plural(len(self.chapters), 'chapter')}, "
               f"{plural(len(self.images), 'image')}, book.yaml, references.bib (empty)."]
        for key, value in self.metadata.items():
            out.append(f"  book.yaml {key}: {value} ({self.metadata_sources.get(key, 'the document')})")
        out.append(f"  chapters: {', '.join(self.chapters)}")
        if self.images:
            out.append(f"  images: {', '.join(self.images)}")
        if self.cleaned:
            out.append("Dropped or mended as manual formatting:")
            out.extend(f"  {what}: {n}" for what, n in sorted(self.cleaned.items()))
        human = sorted(self.items, key=Item.sort_key)
        out.append(f"Needs a human ({len(human)}):" if human else "Nothing needs a human.")
        out.extend(f"  {item.shown(root)}" for item in human)
        verdict = (f"{plural(self.check_errors, 'error')}, {plural(self.check_warnings, 'warning')}")
        out.append(f"bookbuild check on the new manuscript: {verdict}"
                   + (" (listed above; fix the errors before building)." if self.check_errors
                      else "."))
        if self.removed:
            out.append("Taken out of the text (web leftovers), for the record:")
            out.extend(f"  | {text}" for text in self.removed)
        return out

    def text(self, root: Path | None = None) -> str:
        return "\n".join(self.lines(root)) + "\n"
