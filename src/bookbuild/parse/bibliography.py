"""Parse stage: read the bibliography once into CSL JSON, remembering each entry's line.

pandoc converts BibTeX/BibLaTeX to CSL JSON (the form citeproc reads); a line scan of the file
finds where each key is defined, so a duplicate or unused entry can be reported at its line.
A .bib file is read as the dialect its author wrote (`bibtex.decide_dialect`): BibTeX keeps
`publisher = {Chapel and Hall}` one name where BibLaTeX makes it a list. Every string is
normalised to NFC, so the bibliography's "í" is the same character as the chapters'.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc

from bookbuild.config import BookConfig
from bookbuild.diagnostics import BookError, Diagnostic, Place, error
from bookbuild.parse.bibtex import ambiguous_and, decide_dialect, scan_bibtex, undot
from bookbuild.parse.spacing import space_blocks

_BIBTEX_ENTRY = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE)
_CSL_ID = re.compile(r'"id"\s*:\s*"((?:[^"\\]|\\.)*)"')
_NOT_ENTRIES = {"string", "comment", "preamble"}


@dataclass(frozen=True)
class BibEntry:
    """One bibliography entry: its key, where it is defined and its CSL JSON data."""

    key: str
    place: Place
    data: dict[str, object]


@dataclass
class Bibliography:
    """Every entry of every bibliography file, by key (the first definition wins)."""

    entries: dict[str, BibEntry] = field(default_factory=dict)
    duplicates: list[tuple[BibEntry, BibEntry]] = field(default_factory=list)  # (first, second)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # warnings found while reading

    def csl_items(self) -> list[dict[str, object]]:
        return [entry.data for entry in self.entries.values()]


def read_bibliography(config: BookConfig) -> Bibliography | None:
    """Read the files named by `bibliography:`; None when the book has none."""
    if not config.bibliography:
        return None
    bibliography = Bibliography()
    for path in config.bibliography:
        name = config.relative(path)
        items = _csl_items(path, name, config.bibliography_format, bibliography.diagnostics)
        by_key = {str(item.get("id")): item for item in items}
        for key, line in _key_lines(path):
            data = by_key.get(key)
            if data is None:
                continue
            entry = BibEntry(key, Place(name, line), data)
            if key in bibliography.entries:
                bibliography.duplicates.append((bibliography.entries[key], entry))
            else:
                bibliography.entries[key] = entry
    return bibliography


def _csl_items(path: Path, name: str, setting: str | None,
               diagnostics: list[Diagnostic]) -> list[dict[str, object]]:
    try:
        if path.suffix.lower() == ".json":
            items = _nfc(json.loads(path.read_text(encoding="utf-8-sig")))
        else:
            records = scan_bibtex(unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig")))
            dialect = decide_dialect(records, setting, path.suffix.lower())
            diagnostics.extend(ambiguous_and(records, dialect, name))
            output = pypandoc.convert_file(str(path), "csljson", format=dialect.format,
                                           sort_files=False)
            items = _nfc(json.loads(output), undot)
    except UnicodeDecodeError:
        raise BookError([error("bibliography-invalid", f"{name} is not UTF-8; save it as UTF-8",
                               Place(name))]) from None
    except (RuntimeError, json.JSONDecodeError) as exc:
        raise BookError([error("bibliography-invalid", f"{name} cannot be read: "
                               f"{_first_line(str(exc))}; fix the entry or validate the file "
                               "with a BibTeX tool", Place(name, _error_line(str(exc))))]) from None
    if not isinstance(items, list):
        raise BookError([error("bibliography-invalid", f"{name} must hold a CSL JSON list of entries",
                               Place(name, 1))])
    return [item for item in items if isinstance(item, dict)]


def _nfc(value: object, repair: Callable[[str], str] = str) -> object:
    """Every string in `value` (CSL JSON) in NFC, after `repair`."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", repair(value))
    if isinstance(value, list):
        return [_nfc(item, repair) for item in value]
    if isinstance(value, dict):
        return {key: _nfc(item, repair) for key, item in value.items()}
    return value


def _key_lines(path: Path) -> list[tuple[str, int]]:
    # NFC, as the entries' ids are: a key typed in NFD must still find its entry.
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig"))
    pattern = _CSL_ID if path.suffix.lower() == ".json" else _BIBTEX_ENTRY
    found = []
    for match in pattern.finditer(text):
        if pattern is _BIBTEX_ENTRY and match.group(1).lower() in _NOT_ENTRIES:
            continue
        key = match.group(pattern.groups)
        found.append((key, text.count("\n", 0, match.start(pattern.groups)) + 1))
    return found


def _first_line(message: str) -> str:
    lines = [line for line in message.splitlines() if line.strip()]
    return lines[-1].strip() if lines else message


def _error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def write_references(bibliography: Bibliography, workdir: Path) -> Path:
    """The CSL JSON the Lua reader gives to citeproc."""
    path = workdir / "references.json"
    path.write_text(json.dumps(bibliography.csl_items(), ensure_ascii=False), encoding="utf-8")
    return path


def format_bibliography(keys: list[str], references: Path, csl: Path, lang: str) -> list[dict[str, object]]:
    """The formatted bibliography of `keys` (a pandoc `Div#refs` of entries), sorted by the style."""
    if not keys:
        return []
    nocite = ", ".join("@{" + key + "}" for key in keys)
    text = f"---\nnocite: |\n  {nocite}\n---\n"
    output = pypandoc.convert_text(
        text, "json", format="markdown",
        extra_args=["--citeproc", f"--bibliography={references}", f"--csl={csl}",
                    f"--metadata=lang:{lang}"])
    blocks = json.loads(output)["blocks"]
    refs = [block for block in blocks if block.get("t") == "Div" and block["c"][0][0] == "refs"]
    # Initials ("Sheridan Smith, A. M.") stay together as in the text (parse/spacing.py).
    return space_blocks(refs, lang)
