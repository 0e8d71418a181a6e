"""Checks stage (copy-editing): what a copy-editor would mark, before the book is built.

Doubled words, words spelt or capitalised two ways, quotation marks, brackets, dashes, spaces
and ellipses that disagree with the book's own style, and long quotations that name no source.
Each check reads the manuscript's prose as the author typed it (`prose.py`: code, URLs,
citations and passages in another language left out), so every finding names its file and line.
Where English has no fixed rule the book's own commoner usage is the standard, so nothing needs
configuring; `accepted-variants` in book.yaml accepts a finding (a word, a form or a piece of the
text it is about) and `checks.<code>` turns a code off or makes it an error (see
`checks.codes.apply_levels`).

All of it is linear in the book: one pass per kind of mark over each chapter's text, and work
per distinct word rather than per word (`words.py`); `bench/bench_copyedit.py` times each step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from bookbuild.checks.codes import finding
from bookbuild.checks.copyedit import capitals, doubled, spelling
from bookbuild.checks.copyedit.brackets import check_brackets
from bookbuild.checks.copyedit.capitals import check_capitals
from bookbuild.checks.copyedit.dashes import check_dashes
from bookbuild.checks.copyedit.doubled import check_doubled_words
from bookbuild.checks.copyedit.ellipses import check_ellipses
from bookbuild.checks.copyedit.findings import Finding
from bookbuild.checks.copyedit.prose import ChapterText, read_prose
from bookbuild.checks.copyedit.quotations import ChapterQuotes, read_quotes
from bookbuild.checks.copyedit.quote_style import check_quote_style
from bookbuild.checks.copyedit.sources import check_quotation_sources
from bookbuild.checks.copyedit.spacing import check_spacing
from bookbuild.checks.copyedit.spelling import check_spelling
from bookbuild.checks.copyedit.words import Words, read_words
from bookbuild.collection import collector_paused
from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book


class Prose:
    """What the checks share, each part read once and only when a check asks for it."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.lang = book.config.lang

    @cached_property
    def chapters(self) -> list[ChapterText]:
        return read_prose(self.book)

    @cached_property
    def quotes(self) -> list[ChapterQuotes]:
        return [read_quotes(chapter, self.lang) for chapter in self.chapters]

    @cached_property
    def words(self) -> Words:
        return read_words(self.chapters, self.quotes)

    @property
    def has_bibliography(self) -> bool:
        bibliography = self.book.bibliography
        return bibliography is not None and bool(bibliography.entries)


@dataclass(frozen=True)
class Step:
    code: str
    run: Callable[[Prose], Iterable[Finding]]
    looks_for: Callable[[Words], set[str]] | None = None    # pieces of the word stream it reads


STEPS: tuple[Step, ...] = (
    Step("doubled-word", lambda p: check_doubled_words(p.words), doubled.looks_for),
    Step("spelling-variant", lambda p: check_spelling(p.words, p.lang), spelling.looks_for),
    Step("capitalisation-variant", lambda p: check_capitals(p.words), capitals.looks_for),
    Step("quote-style", lambda p: check_quote_style(p.quotes, p.lang)),
    Step("unbalanced-bracket", lambda p: check_brackets(p.chapters)),
    Step("dash-style", lambda p: check_dashes(p.chapters, p.lang)),
    Step("spacing", lambda p: check_spacing(p.chapters, p.lang)),
    Step("ellipsis-style", lambda p: check_ellipses(p.chapters)),
    Step("quotation-without-source", lambda p: check_quotation_sources(
        p.quotes, p.book.config.quotation_min_words) if p.has_bibliography else ()),
)
CODES = tuple(step.code for step in STEPS)


def prepare(prose: Prose, steps: Iterable[Step]) -> None:
    """Tell the word stream what the steps to run will look for, so that it is read once for
    all of them (see `Words.positions`)."""
    for step in steps:
        if step.looks_for is not None:
            prose.words.expect(step.looks_for(prose.words))


def _normal(text: str) -> str:
    """How entries and texts are compared: case, quotes, markup and spacing aside."""
    text = text.replace("\0", "").replace("\x01", "").casefold()
    text = re.sub(r"[‘’′]", "'", re.sub(r"[“”″]", '"', text))
    return " ".join(text.split())


class Acceptance:
    """The `accepted-variants` entries, and which of them accepted something."""

    def __init__(self, entries: tuple[str, ...]) -> None:
        self.entries = {entry: _normal(entry) for entry in entries}
        self.used: set[str] = set()

    def accepts(self, found: Finding) -> bool:
        subjects = {_normal(subject) for subject in found.subjects}
        context = _normal(found.context) if found.context else ""
        hits = [entry for entry, normal in self.entries.items()
                if normal and (normal in subjects or (context and normal in context))]
        self.used.update(hits)
        return bool(hits)


def check_copyedit(book: Book) -> Iterator[Diagnostic]:
    """Every copy-edit finding, in manuscript order; codes set to `off` are not even computed."""
    prose = Prose(book)
    levels = book.config.check_levels
    acceptance = Acceptance(book.config.accepted_variants)
    found: list[Finding] = []
    steps = [step for step in STEPS if levels.get(step.code) != "off"]
    with collector_paused():
        prepare(prose, steps)
        for step in steps:
            found.extend(f for f in step.run(prose) if not acceptance.accepts(f))
        del prose                       # its word stream, before the collector runs again
    found.sort(key=lambda f: (f.place.file, f.place.line or 0, f.code, f.message))
    for item in found:
        yield finding(item.code, item.message, item.place, item.related)
    for index, entry in enumerate(book.config.accepted_variants):
        if entry not in acceptance.used:
            yield finding("unused-accepted-variant", f"the accepted variant “{entry}” matches no "
                          "finding of the copy-edit checks; remove it from the list or correct it",
                          book.config.place_of("accepted-variants", index))
