"""Parse stage: find the chapter files, read them and decode them as UTF-8, in NFC.

A chapter in another encoding is refused with the line of the first bad byte and the command
that converts it; nothing is ever written back to the manuscript. Text is normalised to NFC, so
"Antoni\u0301n" typed with a combining accent is the same word as "Antonín" in every edition, in
search and in the checks; a chapter that was not NFC is given to pandoc as a normalised copy
(see `parse.pandoc`), never rewritten.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bookbuild.config import BookConfig
from bookbuild.diagnostics import BookError, Diagnostic, Place, error
from bookbuild.parse.limits import check_limits


@dataclass(frozen=True)
class SourceFile:
    """One chapter file as read from disk."""

    path: Path          # absolute
    name: str           # relative to the manuscript folder, with / separators
    text: str           # decoded, line endings normalised to \n, NFC
    digest: str = field(compare=False)
    # `text` is not the file's (it was not NFC, or it is an editor's unsaved text): pandoc reads
    # a copy of it, never the file
    differs_from_file: bool = False

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def chapter_paths(config: BookConfig) -> list[Path]:
    """The chapters in reading order: `chapters:` from book.yaml, else every *.md by name.

    Files whose name starts with '.' or '_', and README.md, are not chapters.
    """
    if config.chapters:
        return list(config.chapters)
    return sorted(
        (p for p in config.root.glob("*.md")
         if not p.name.startswith((".", "_")) and p.name.lower() != "readme.md"),
        key=lambda p: p.name,
    )


def read_sources(config: BookConfig, overlay: Mapping[Path, str] | None = None) -> list[SourceFile]:
    """Read every chapter; raises `BookError` listing every unreadable file at once.

    `overlay` maps a chapter's absolute path to the text an editor holds for it, unsaved: that
    text is read instead of the file's (the language server checks what the author sees).
    """
    paths = chapter_paths(config)
    if not paths:
        raise BookError([error(
            "no-chapters",
            "the manuscript has no chapters: add Markdown files such as 01-introduction.md "
            "(each opening with a '# Title' line) or list them under 'chapters:'",
            Place("book.yaml", config.lines.get(("chapters",), 1)))])
    sources: list[SourceFile] = []
    problems: list[Diagnostic] = []
    for path in paths:
        name = config.relative(path)
        if not path.resolve().is_relative_to(config.root):
            problems.append(error("outside-manuscript", f"{name} points outside the manuscript "
                                  "folder; copy the file into the folder instead of linking to it",
                                  Place(name)))
            continue
        unsaved = overlay.get(path.resolve()) if overlay else None
        data = path.read_bytes() if unsaved is None else unsaved.encode("utf-8")
        decoded = _decode(data, name, problems)
        if decoded is None:
            continue
        # NFC never joins or splits lines, so every line number still points at the manuscript.
        text = unicodedata.normalize("NFC", decoded)
        if not text.strip():
            problems.append(error("empty-chapter", f"{name} is empty; write the chapter, starting "
                                  "with a '# Title' line, or remove the file", Place(name, 1)))
            continue
        limits = check_limits(name, text)
        if limits:
            problems.extend(limits)
            continue
        sources.append(SourceFile(path=path, name=name, text=text,
                                  digest=hashlib.sha256(data).hexdigest(),
                                  differs_from_file=text != decoded or unsaved is not None))
    if problems:
        raise BookError(problems)
    return sources


def _decode(data: bytes, name: str, problems: list[Diagnostic]) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(error("encoding", f"{name} is UTF-16; convert it to UTF-8, e.g. "
                              f"iconv -f UTF-16 -t UTF-8 '{name}' > converted.md, then replace it",
                              Place(name, 1)))
        return None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        problems.append(error("encoding", f"{name} contains a NUL byte and looks like a binary file, "
                              "not Markdown text; export it as plain text (.md)", Place(name, line)))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = _guess_encoding(data)
        problems.append(error(
            "encoding",
            f"{name} is not UTF-8: byte 0x{data[exc.start]:02X} on this line; it looks like "
            f"{guess}. Convert it, e.g. iconv -f {guess} -t UTF-8 '{name}' > converted.md, "
            "check the result and replace the file",
            Place(name, line)))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess_encoding(data: bytes) -> str:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "ISO-8859-1"
    return "WINDOWS-1252"
