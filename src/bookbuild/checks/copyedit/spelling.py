"""Checks stage (copy-editing): `spelling-variant`, one word spelt two ways in the book.

English has no single spelling for some words (see `variants.py`), so the book's own usage is
the standard: nothing is compared with a dictionary, and a spelling the book uses consistently,
however old (Gibbon's "connexion", "aera", "sea-coast"), is never reported. Words in quotations,
titles in italics, block quotes, verse, tables and headings keep their source's spelling and are
not counted; nor are names (a capitalised word that does not open a sentence).

- A word whose two spellings both occur: the rarer one is reported at its first line, with its
  other lines, both counts and the commoner spelling as the suggestion. On a tie, the spelling
  the book's `lang` prefers (en-GB: -our, -re, -ll-; en-US: -or, -er, -l-), else the one used
  first, is the standard.
- A spelling system: when three in four of a book's -ise/-ize words (or -our/-or, -re/-er,
  -ce/-se) take one form, and at least three do, a word in the other form is reported even
  when its own other spelling never occurs ("characterization" in a book that writes organised,
  organisations, bureaucratisation). A book whose usage is mixed, as period texts often are,
  has no system to hold a word to, and only its words spelt two ways are reported. (-ll-/-l-
  is no system: "controlled" has one spelling everywhere.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from bookbuild.checks.copyedit.findings import Finding
from bookbuild.checks.copyedit.variants import PREFERRED, Variant, classify_all, partners
from bookbuild.checks.copyedit.words import Words
from bookbuild.diagnostics import Place

SYSTEMS = ("ise/ize", "our/or", "re/er", "ce/se")
SYSTEM_SHARE = 0.75         # a system: this share of a family's words in one form...
SYSTEM_MINIMUM = 3          # ...and at least this many
RELATED = 10                # places listed beside a finding


@dataclass
class _Form:
    word: str
    variant: Variant
    positions: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.positions)


def _variants(words: Words) -> dict[str, Variant]:
    """The book's words that have a spelling variant worth looking for: both spellings occur,
    or the family may be a spelling system."""
    vocabulary = set(words.pieces_of)
    variants = classify_all(vocabulary)
    variants.update(partners(vocabulary - variants.keys(),
                             [(v.family, v.key) for v in variants.values()]))
    spellings: dict[tuple[str, str], int] = defaultdict(int)
    for variant in variants.values():
        spellings[(variant.family, variant.key)] += 1
    return {word: variant for word, variant in variants.items()
            if spellings[(variant.family, variant.key)] > 1 or variant.family in SYSTEMS}


def looks_for(words: Words) -> set[str]:
    return {piece for word in words.derive(_variants) for piece in words.pieces_of[word]}


def _forms(words: Words) -> dict[str, _Form]:
    """Every word of the book's own prose that has a spelling variant, with where it stands."""
    forms = {word: _Form(word, variant) for word, variant in words.derive(_variants).items()}
    pieces = looks_for(words)
    cased = words.cased
    typed_lower: set[str] = set()
    for position in words.positions(pieces):
        if words.protected(position):
            continue                                    # a quotation or title: its source's
        piece = words.pieces[position]
        typed = cased[piece]
        if typed[:1].isupper() and not words.sentence_start(position):
            continue                                    # a name: Labour Party, Theatre Royal
        form = words.forms[piece]
        forms[form].positions.append(position)
        if not typed[:1].isupper():
            typed_lower.add(form)
    # A word never written in lower case is a name, even where it opens a sentence (Aegypt).
    return {word: form for word, form in forms.items() if form.positions and word in typed_lower}


def _standard(group: list[_Form], lang: str) -> _Form:
    """The commoner spelling; on a tie the one `lang` prefers, else the one used first."""
    preferred = PREFERRED.get(lang.lower(), {}).get(group[0].variant.family)
    if group[0].variant.family == "words" and lang.lower() in ("en-gb", "en-us"):
        preferred = "british" if lang.lower() == "en-gb" else "american"
    return max(group, key=lambda f: (f.count, f.variant.style == preferred, -f.positions[0]))


class _Reporter:
    def __init__(self, words: Words) -> None:
        self.words = words

    def place(self, position: int) -> Place:
        where = self.words.place(position)
        return Place(where.chapter.file, where.line)

    def places(self, positions: list[int]) -> tuple[Place, ...]:
        """The distinct places of some positions, the first RELATED of them."""
        places: dict[Place, None] = {}
        for position in positions:
            places[self.place(position)] = None
            if len(places) == RELATED:
                break
        return tuple(places)

    def lines(self, positions: list[int]) -> str:
        shown = self.places(positions[:12])
        return ", ".join(str(p) for p in shown[:3]) + (", …" if len(shown) > 3 else "")


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def check_spelling(words: Words, lang: str) -> Iterator[Finding]:
    forms = _forms(words)
    report = _Reporter(words)
    groups: dict[tuple[str, str], list[_Form]] = defaultdict(list)
    for form in forms.values():
        groups[(form.variant.family, form.variant.key)].append(form)
    reported: set[str] = set()
    for group in groups.values():
        if len({form.variant.style for form in group}) < 2:
            continue
        standard = _standard(group, lang)
        for form in sorted(group, key=lambda f: f.positions[0]):
            if form.variant.style == standard.variant.style:
                continue
            reported.add(form.word)
            yield Finding(
                "spelling-variant",
                f"“{form.word}” ({_times(form.count)}) is spelt “{standard.word}” "
                f"{_times(standard.count)} in the book ({report.lines(standard.positions)}); "
                f"write “{standard.word}”, or add “{form.word}” to 'accepted-variants' in "
                "book.yaml if both are meant",
                report.place(form.positions[0]),
                report.places(form.positions[1:]) + report.places(standard.positions[:1]),
                subjects=(form.word, standard.word))
    yield from _systems(forms, reported, report)


def _systems(forms: dict[str, _Form], reported: set[str], report: _Reporter) -> Iterator[Finding]:
    """Words against the book's spelling system, where it has one."""
    for family in SYSTEMS:
        members = [form for form in forms.values() if form.variant.family == family]
        by_style: dict[str, list[_Form]] = defaultdict(list)
        for form in members:
            by_style[form.variant.style].append(form)
        counts = {style: sum(f.count for f in group) for style, group in by_style.items()}
        if len(counts) < 2:
            continue
        style = max(counts, key=lambda s: counts[s])
        total = sum(counts.values())
        if counts[style] < SYSTEM_MINIMUM or counts[style] < SYSTEM_SHARE * total:
            continue
        examples = ", ".join(f.word for f in sorted(by_style[style], key=lambda f: -f.count)[:3])
        for form in sorted(members, key=lambda f: f.positions[0]):
            if form.variant.style == style or form.word in reported or not form.variant.other:
                continue
            yield Finding(
                "spelling-variant",
                f"“{form.word}” ({_times(form.count)}): the book spells its {family} words "
                f"{_spelling(family, style)} ({examples}…: {counts[style]} against "
                f"{total - counts[style]}); write “{form.variant.other}”, or add “{form.word}” to "
                "'accepted-variants' in book.yaml",
                report.place(form.positions[0]), report.places(form.positions[1:]),
                subjects=(form.word, form.variant.other))


def _spelling(family: str, style: str) -> str:
    return {"s": "with -ise", "z": "with -ize", "our": "with -our", "or": "with -or",
            "re": "with -re", "er": "with -er", "ll": "with -ll-", "l": "with -l-",
            "ce": "with -ce", "se": "with -se"}.get(style, style)
