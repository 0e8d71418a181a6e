"""Language server (code actions): the quick fixes offered on a finding, where one is obvious.

- `unknown-citation`: replace the key with a close key of the bibliography (difflib, as the
  check's own "did you mean" does, but from the model's keys, not from the message).
- `broken-link`: replace the anchor with a close id of `book.anchors`, or a chapter file name
  that is not a chapter with a close chapter file name.
- `duplicate-passage` and the copy-edit codes: accept the finding by adding an entry to
  `accepted-duplicates:` / `accepted-variants:` in book.yaml. The entry is inserted as a new
  list item, the key made when missing; every other byte of book.yaml stays as it was.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from bookbuild.ast import WORD
from bookbuild.checks.copyedit import CODES as COPYEDIT_CODES
from bookbuild.config import CONFIG_FILE
from bookbuild.diagnostics import Diagnostic
from bookbuild.lsp.positions import Span, finding_span, split_lines, tokens_on_line
from bookbuild.model import Book

SUGGESTIONS = 3             # close keys or ids offered, best first
DUPLICATE_WORDS = 12        # words of a repeated passage that make its accepted entry


@dataclass(frozen=True)
class Fix:
    """One quick fix: replace `span` of `file` (absolute) with `new_text`."""

    title: str
    file: Path
    span: Span
    new_text: str
    preferred: bool = False


def quick_fixes(finding: Diagnostic, book: Book | None, lines: list[str], file: Path,
                manuscript: Path) -> list[Fix]:
    """The quick fixes of one finding; `lines` are those of `file`, the finding's file."""
    if book is None:
        return []
    if finding.code == "unknown-citation":
        return _replace_key(finding, book, lines, file)
    if finding.code == "broken-link":
        return _replace_anchor(finding, book, lines, file)
    if finding.code == "duplicate-passage":
        entry = duplicate_entry(finding.message)
        return _accept("accepted-duplicates", entry, manuscript) if entry else []
    if finding.code in COPYEDIT_CODES:
        entry = variant_entry(finding.message)
        return _accept("accepted-variants", entry, manuscript) if entry else []
    return []


def _replace_key(finding: Diagnostic, book: Book, lines: list[str], file: Path) -> list[Fix]:
    span = finding_span(lines, finding)
    if span.line != span.end_line:
        return []                      # the key was not found on its line: nothing to replace
    key = lines[span.line][span.start:span.end]
    entries = list(book.bibliography.entries) if book.bibliography else []
    close = difflib.get_close_matches(key, entries, n=SUGGESTIONS)
    return [Fix(f"Replace @{key} with @{other}", file, span, other, preferred=i == 0)
            for i, other in enumerate(close)]


def _replace_anchor(finding: Diagnostic, book: Book, lines: list[str], file: Path) -> list[Fix]:
    span = finding_span(lines, finding)
    if span.line == span.end_line and span.end > span.start:
        anchor = lines[span.line][span.start:span.end]
        close = difflib.get_close_matches(anchor, list(book.anchors), n=SUGGESTIONS, cutoff=0.7)
        return [Fix(f"Replace #{anchor} with #{other}", file, span, other, preferred=i == 0)
                for i, other in enumerate(close)]
    # A link into a file that is not a chapter: offer the chapter files it may have meant.
    match = re.match(r"(\S+) points into (\S+), which is not a chapter", finding.message)
    if match is None or finding.place.line is None:
        return []
    number = finding.place.line - 1
    wrong = match.group(2)
    chapters = [chapter.file for chapter in book.chapters]
    fixes = []
    for token in tokens_on_line(lines[number] if number < len(lines) else "", number):
        if token.file == wrong:
            start = token.span.start - len(wrong) - 1 if token.kind == "anchor" else token.span.start
            where = Span(number, start, number, start + len(wrong))
            fixes = [Fix(f"Link into {other}", file, where, other, preferred=i == 0)
                     for i, other in enumerate(difflib.get_close_matches(wrong, chapters,
                                                                         n=SUGGESTIONS))]
            break
    return fixes


def duplicate_entry(message: str) -> str | None:
    """A phrase of the copy of a repeated passage, from the excerpt the finding quotes: its
    first words, which the check finds inside the passage (it compares words only)."""
    match = re.search(r": “(.*)”; delete the copy", message, re.DOTALL)
    if match is None:
        return None
    excerpt = match.group(1).split(" … ")[0]
    words = list(WORD.finditer(excerpt))
    if not words:
        return None
    return excerpt[words[0].start(): words[min(len(words), DUPLICATE_WORDS) - 1].end()]


def variant_entry(message: str) -> str | None:
    """What an accepted variant must say to accept a copy-edit finding: the word or form the
    message names ("add “X” to 'accepted-variants'"), else the text around the mark it quotes
    after " — " (the check accepts an entry found in that text)."""
    match = re.search(r"“([^”]+)” to 'accepted-variants'", message)
    if match:
        return match.group(1)
    # The first " — " is the one before the excerpt (which may hold dashes of its own), but
    # for the dash check's example of a style, "‘word — word’", which is part of the message.
    separator = message.replace("‘word — word’", "‘word - word’").find(" — ")
    if separator < 0:
        return None
    excerpt = message[separator + 3:].strip().strip("…").strip()
    return excerpt or None


def _accept(key: str, entry: str, manuscript: Path) -> list[Fix]:
    path = manuscript / CONFIG_FILE
    text = path.read_text(encoding="utf-8-sig")
    edit = add_list_item(text, key, entry)
    if edit is None:
        return []
    span, new_text = edit
    shown = entry if len(entry) <= 40 else entry[:37] + "…"
    return [Fix(f"Accept “{shown}” in book.yaml ({key})", path, span, new_text)]


def add_list_item(text: str, key: str, entry: str) -> tuple[Span, str] | None:
    """The insertion that adds `entry` to the top-level list `key` of a YAML text: after the
    list's last item (block style), before the closing bracket (a one-line flow list), or a new
    key at the end. None when the key holds something else (the schema would refuse it)."""
    lines = split_lines(text)
    item = json.dumps(entry, ensure_ascii=False)     # a JSON string is a YAML double-quoted one
    header = re.compile(rf"^{re.escape(key)}\s*:(?P<rest>.*)$")
    for number, line in enumerate(lines):
        match = header.match(line)
        if match is None:
            continue
        rest = re.sub(r"\s+#.*$", "", match.group("rest")).strip()
        if not rest:
            return _after_last_item(lines, number, item, text)
        if rest.startswith("[") and rest.endswith("]"):
            close = line.index(rest, match.start("rest")) + len(rest) - 1     # its "]"
            inside = rest[1:-1].strip()
            insert = item if not inside else f", {item}"
            if inside.endswith(","):
                insert = f" {item}"
            return Span(number, close, number, close), insert
        return None
    return _at_end(text, lines, f"{key}:{_newline(text)}  - {item}")


def _after_last_item(lines: list[str], header: int, item: str, text: str) -> tuple[Span, str]:
    """Insert a block-style item after the last line belonging to the list under `header`."""
    last, indent = header, None
    for number in range(header + 1, len(lines)):
        line = lines[number]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0] in " \t" or stripped.startswith("- ") or stripped == "-":
            if indent is None and stripped.startswith("-"):
                indent = line[:len(line) - len(stripped)]
            last = number
            continue
        break
    line = f"{indent if indent is not None else '  '}- {item}"
    if last + 1 < len(lines):
        return Span(last + 1, 0, last + 1, 0), line + _newline(text)
    return _at_end(text, lines, line)      # the list ends the file


def _at_end(text: str, lines: list[str], addition: str) -> tuple[Span, str]:
    """Lines added at the end of a text, after its last line whether or not that has a line end."""
    newline = _newline(text)
    if not text:
        return Span(0, 0, 0, 0), addition + newline
    if text.endswith(("\n", "\r")):
        return Span(len(lines), 0, len(lines), 0), addition + newline
    end = len(lines[-1])
    return Span(len(lines) - 1, end, len(lines) - 1, end), newline + addition + newline


def _newline(text: str) -> str:
    """The text's own line end: CRLF when it uses it, else LF."""
    return "\r\n" if "\r\n" in text else "\n"
