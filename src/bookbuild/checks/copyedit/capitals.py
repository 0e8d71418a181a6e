"""Checks stage (copy-editing): `capitalisation-variant`, one term capitalised two ways.

A term is two words in a row; it varies when the same two words are capitalised differently in
the book's own prose ("Factory Committees" and "factory committees", "Roman Empire" and "Roman
empire"). A capitalised pair inside a longer name ("the Union of Railway Workers", "the Coal
Miners’ Union") is the name's, and a lower-case one after "a", "any", "every"... is a common noun
("a regimental committee" beside "the Regimental Committee"): neither counts. The first word's
capital says nothing where it opens a sentence, and headings,
quotations, titles in italics, block quotes, verse and tables are left out: they have capitals
of their own. Only terms whose capitalised form has a capitalised second word that the book also
writes in lower case are compared, and terms that start with a word such as "the" or "of" are
not terms: "the Party" and "the party" may both be right. The commoner form is the suggestion;
the rarer one is reported at its first line with its other lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from bookbuild.checks.copyedit.findings import Finding
from bookbuild.checks.copyedit.words import Words
from bookbuild.diagnostics import Place

# Words that do not make a term of their own, in the languages the book may be written in.
FUNCTION_WORDS = frozenset("""
    a an the and or but nor of in on at to by for with from as into onto upon over under
    this that these those his her its their our my your he she it we they i you who which
    what when where while if then than so no not all any some each every one two three
    is was are were be been has had have do did does will would shall should may might can
    could must also very more most such only even yet still after before since until
    against about between through without within among during towards toward across behind
    beyond above below near like unlike via per
    hundred thousand million first second third fourth fifth four five six seven eight nine ten
    le la les de des du un une et ou en au aux der die das den dem ein eine und oder von zu
""".split())
# Words that join the parts of a longer name: the Union of Bank Employees.
CONNECTORS = frozenset("of for and the de du des la le von van der".split())
RELATED = 10


@dataclass
class _Term:
    key: tuple[str, str]
    forms: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def count(self, form: str) -> int:
        return len(self.forms[form])


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _case(word: str) -> str:
    return "C" if word[:1].isupper() else "l"


def check_capitals(words: Words) -> Iterator[Finding]:
    cased, pieces = words.cased, words.pieces
    seconds, firsts = words.derive(_candidates)
    terms: dict[tuple[str, str], _Term] = {}
    for position in words.positions(seconds):
        if pieces[position - 1] not in firsts or words.protected(position):
            continue
        first = _joined_before(words, position)
        if first is None or not _capitalised(first) or first.lower() in FUNCTION_WORDS:
            continue
        if _in_longer_name(words, position):
            continue                    # the Union of Bank Employees: a name, not the term
        key = (first.lower(), cased[pieces[position]].lower())
        term = terms.setdefault(key, _Term(key))
        term.forms[_signature(words, position, first)].append(position)
    if not terms:
        return
    # The same two words in lower case (or the first capitalised), wherever the second is.
    wanted = {key[1] for key in terms}
    first_words = {key[0] for key in terms}
    lowers = {piece for word in wanted for piece in words.pieces_of.get(word, ())
              if piece.startswith(word)}
    forms = words.forms
    for position in words.positions(lowers):
        if forms[pieces[position - 1]] not in first_words or words.protected(position):
            continue
        first = _joined_before(words, position)
        if first is None:
            continue
        known = terms.get((first.lower(), cased[pieces[position]]))
        if known is not None and not _generic(words, position - 1):
            known.forms[_signature(words, position, first)].append(position)
    for key in sorted(terms):
        yield from _report(words, terms[key])


def looks_for(words: Words) -> set[str]:
    return words.derive(_candidates)[0]


def _candidates(words: Words) -> tuple[set[str], set[str]]:
    """The pieces that can be a term's second word (capitalised, and also written in lower case
    in the book) and those that can be its capitalised first word: cheap to test first."""
    forms, lower_typed = words.forms, words.lower_typed
    seconds: set[str] = set()
    firsts: set[str] = set()
    for piece, word in words.cased.items():
        if not word[:1].isupper() or word.isupper() or forms[piece] in FUNCTION_WORDS:
            continue
        if piece.endswith(word):
            firsts.add(piece)
        if piece.startswith(word) and forms[piece] in lower_typed:
            seconds.add(piece)
    return seconds, firsts


def _joined_before(words: Words, position: int) -> str | None:
    """The word just before the piece at `position`, when only a space parts them (no comma,
    no quotation mark, same paragraph, not protected)."""
    span = words.span_of(position)
    if position == span.first:
        return None
    before = words.pieces[position - 1]
    word = words.cased[before]
    if not word or not before.endswith(word) or words.protected(position - 1):
        return None
    return word


def _in_longer_name(words: Words, position: int) -> bool:
    """A capitalised term inside a longer name: a capitalised word right after it, or right
    before it (maybe across "of", "for"...), in the same sentence."""
    span = words.span_of(position)
    cased, pieces = words.cased, words.pieces
    if position + 1 < span.stop and _capitalised(cased[pieces[position + 1]]) \
            and pieces[position].rstrip("’'") == cased[pieces[position]].rstrip("’'"):
        return True                     # the Coal Miners’ Union, the Putilov Works Committee
    back = position - 2
    while back >= span.first and position - back <= 4 and cased[pieces[back]].lower() in CONNECTORS:
        back -= 1                       # the Decline and Fall of the Roman Empire
    if back < span.first:
        return False
    word = cased[pieces[back]]
    return _capitalised(word) and word.lower() not in FUNCTION_WORDS \
        and not words.sentence_start(back + 1) and pieces[back].endswith(word)


# "a regimental committee" is any committee, "the Regimental Committee" one: not a variant.
GENERIC = frozenset("a an any every each no some another".split())


def _generic(words: Words, first: int) -> bool:
    """The lower-case term follows an article that makes it a common noun, maybe across a
    capitalised word or two (a Roman Catholic church)."""
    span = words.span_of(first)
    back = first - 1
    while back >= span.first and first - back <= 3 and _capitalised(words.cased[words.pieces[back]]):
        back -= 1
    return back >= span.first and words.forms[words.pieces[back]] in GENERIC


def _signature(words: Words, position: int, first: str) -> str:
    """The term's case pattern: "CC", "Cl", "lC", "ll"; "?" for a first word opening a sentence."""
    lead = "?" if words.sentence_start(position - 1) else _case(first)
    return lead + _case(words.cased[words.pieces[position]])


def _report(words: Words, term: _Term) -> Iterator[Finding]:
    """Forms that disagree: the rarer reported, the commoner suggested."""
    forms = {form: positions for form, positions in term.forms.items() if positions}
    # A first word that opens a sentence agrees with either case of it.
    second_cases = {form[1] for form in forms}
    if len(second_cases) < 2 and not _first_differs(forms):
        return
    counts: dict[str, list[int]] = defaultdict(list)
    for form in sorted(forms, key=lambda f: f[0] == "?"):
        known = form
        if form[0] == "?":
            # A sentence's first word fits either case: it counts for the commoner known form
            # with the same second word, else as typed (capitalised).
            same = [f for f in counts if f[1] == form[1]]
            known = max(same, key=lambda f: len(counts[f])) if same else "C" + form[1]
        counts[known].extend(forms[form])
    if len(counts) < 2:
        return
    standard = max(counts, key=lambda f: (len(counts[f]), -min(counts[f])))
    standard_text = _text(term.key, standard)
    for form in sorted(counts, key=lambda f: min(counts[f])):
        if form == standard:
            continue
        positions = sorted(counts[form])
        text = _text(term.key, form)
        places = [_place(words, p) for p in positions[:RELATED]]
        yield Finding(
            "capitalisation-variant",
            f"“{text}” ({_times(len(positions))}) is capitalised “{standard_text}” "
            f"{_times(len(counts[standard]))} in the book ({_place(words, min(counts[standard]))}); "
            f"write “{standard_text}”, or add “{text}” to 'accepted-variants' in book.yaml if "
            "both are meant",
            places[0], tuple(places[1:RELATED]) + (_place(words, min(counts[standard])),),
            subjects=(text, standard_text))


def _first_differs(forms: dict[str, list[int]]) -> bool:
    return len({form[0] for form in forms if form[0] != "?"}) > 1


def _text(key: tuple[str, str], form: str) -> str:
    """The term written in a case pattern: ("factory", "committees"), "CC" -> Factory Committees."""
    return " ".join(word[:1].upper() + word[1:] if case == "C" else word
                    for word, case in zip(key, form, strict=True))


def _place(words: Words, position: int) -> Place:
    where = words.place(position - 1)
    return Place(where.chapter.file, where.line)


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"
