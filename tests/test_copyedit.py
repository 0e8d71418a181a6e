"""The copy-edit checks piece by piece: the prose they read, the marks they pair, the spellings
they compare, and the book.yaml keys that accept a finding or change a code's level. The findings
as `bookbuild check` prints them are in tests/checks/<code>/ (run by test_checks.py)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from bookbuild.checks.codes import apply_levels
from bookbuild.checks.copyedit import Acceptance
from bookbuild.checks.copyedit.dashes import _is_range
from bookbuild.checks.copyedit.findings import Finding
from bookbuild.checks.copyedit.prose import MARK, NUL, ChapterText, Role, read_chapter
from bookbuild.checks.copyedit.quotations import read_quotes
from bookbuild.checks.copyedit.variants import classify
from bookbuild.checks.copyedit.words import read_words
from bookbuild.config import load_config
from bookbuild.diagnostics import BookError, Place, Severity, warning
from bookbuild.parse.scan import scan
from conftest import bookbuild
from test_cli import write_book


def chapter(text: str) -> ChapterText:
    """A chapter's prose as the checks read it, without pandoc."""
    source = SimpleNamespace(lines=text.split("\n"), text=text)
    return read_chapter(SimpleNamespace(source=source, scan=scan(text), file="01.md"))  # type: ignore[arg-type]


def findings(tmp_path: Path, text: str, config: str = "") -> list[dict[str, object]]:
    book = write_book(tmp_path / "m", "title: T\nlang: en-GB\n" + config, {"01.md": "# One\n\n" + text})
    result = bookbuild("check", "--manuscript", book, "--format", "json")
    assert result.code in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]  # type: ignore[no-any-return]


# -- the prose ----------------------------------------------------------------------------------

def test_markup_becomes_nul_and_keeps_every_offset_and_line() -> None:
    text = ("# Title {#t}\n\nA `code -- span`, a [link](https://example.org/a-b) and a note[^1],\n"
            "a citation [@smith, pp. 4-5] and <!-- a comment --> *emphasis*.\n\n[^1]: The note.")
    prose = chapter(text)
    assert len(prose.text) == len(text) and prose.text.count("\n") == text.count("\n")
    assert "code" not in prose.text and "example" not in prose.text and "comment" not in prose.text
    assert "4-5" not in prose.text and "smith" not in prose.text
    assert "link" in prose.text and "emphasis" in prose.text
    assert prose.text.count(MARK) == 2                   # the note call and the citation
    assert [(p.line, p.role) for p in prose.paragraphs] == [(1, Role.HEADING), (3, Role.NONE),
                                                            (6, Role.NOTE)]


def test_another_language_and_code_blocks_are_left_out() -> None:
    prose = chapter("# T\n\n[nous nous]{lang=fr} here.\n\n::: {lang=de}\ndie die\n:::\n\n```\nthe the\n```\n")
    assert "nous" not in prose.text and "die" not in prose.text and "the the" not in prose.text


def test_tables_are_tables() -> None:
    prose = chapter("# T\n\n  Party   Vote\n  -----   ----\n  Cadets  12\n\nText after.\n")
    assert [p.role for p in prose.paragraphs][1:] == [Role.TABLE, Role.TABLE, Role.NONE]


# -- quotation marks ---------------------------------------------------------------------------

def test_a_plural_possessive_is_not_a_closing_quote() -> None:
    prose = chapter("# T\n\nHe wrote, ‘the notion of workers’ control was popular, and the "
                    "willingness to support this demand was the reason for their appeal’ [@s].\n")
    quotes = read_quotes(prose, "en-GB")
    (quotation,) = quotes.quotations
    assert quotation.close is not None and prose.text[quotation.end - 7: quotation.end] == "appeal’"
    assert not quotes.unclosed and not quotes.stray_closers


def test_a_quotation_of_two_paragraphs_reopens_the_second() -> None:
    quotes = read_quotes(chapter("# T\n\n“The first paragraph,\n\n“and the second.”\n"), "en-US")
    assert not quotes.unclosed and not quotes.stray_closers


def test_ditto_marks_and_measures_are_not_quotes() -> None:
    quotes = read_quotes(chapter("# T\n\nBread 0.10\n\nBeef ” 0.20, and he was 5′ 10″ tall.\n"), "en")
    assert not quotes.stray_closers and not quotes.primes


def test_the_wrong_mark_of_a_pair_is_named() -> None:
    quotes = read_quotes(chapter("# T\n\nHe styled him “egregium virum“; and words:—”Universa.”\n"), "en")
    assert [(m.char, m.wrong) for m in quotes.misused] == [("“", "”"), ("”", "“")]


# -- spellings -----------------------------------------------------------------------------------

@pytest.mark.parametrize("one, other", [
    ("organise", "organize"), ("realisations", "realizations"), ("analysed", "analyzed"),
    ("colour", "color"), ("honourable", "honorable"), ("centre", "center"), ("centred", "centered"),
    ("travelled", "traveled"), ("skilful", "skillful"), ("defence", "defense"),
    ("catalogue", "catalog"), ("grey", "gray"), ("mediaeval", "medieval"),
])
def test_both_spellings_of_a_word_share_a_key(one: str, other: str) -> None:
    first, second = classify(one), classify(other)
    if second is None:                                  # an -e spelling: found as a partner
        assert first is not None and first.key == other
        return
    assert first is not None and first.key == second.key and first.style != second.style


@pytest.mark.parametrize("word", ["advise", "surprised", "size", "seize", "otherwise", "practised",
                                  "honorary", "vigorous", "laborious", "canoes", "whatsoever",
                                  "meter", "licence", "practice", "sunrise", "fanwise"])
def test_words_spelt_one_way_have_no_variant(word: str) -> None:
    assert classify(word) is None


def test_a_book_of_mixed_period_spelling_has_no_system(tmp_path: Path) -> None:
    text = ("The emperor civilized the provinces and authorized the senate; he realised his "
            "error, apologised and recognised their claims, and characterized the age.\n")
    assert findings(tmp_path, text) == []


def test_quotations_titles_and_names_keep_their_spelling(tmp_path: Path) -> None:
    text = ("The workers organised, organised and organised. He quoted ‘the organization of "
            "labor’, read *The Organization of Labor* and joined the Labor Party; labour won.\n")
    assert findings(tmp_path, text) == []


# -- words -----------------------------------------------------------------------------------------

def test_a_piece_is_found_at_its_line_across_markup() -> None:
    prose = chapter("# T\n\nA [link](x) and *very*\nvery late note[^1] here.\n\n[^1]: N.")
    words = read_words([prose], [read_quotes(prose, "en")])
    position = words.pieces.index("late")
    assert words.pieces[position - 2: position] == ["very", "very"]
    assert words.place(position).line == 4 and words.place(position - 2).line == 3
    assert words.protected(position - 2) and not words.protected(position - 1)


def test_a_doubled_word_the_language_means_is_not_reported(tmp_path: Path) -> None:
    found = findings(tmp_path, "He said that that was so, and they had had enough. The the end.\n")
    assert [(f["code"], f["line"]) for f in found] == [("doubled-word", 3)]


# -- dashes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("run, is_range", [("1917-1921", True), ("43-44", True), ("1917-21", True),
                                           ("2017-05-03", False), ("555-1234", False),
                                           ("A1-2", False), ("10-fold", False)])
def test_ranges(run: str, is_range: bool) -> None:
    assert _is_range(run) is is_range


# -- accepting findings, levels ----------------------------------------------------------------

def test_an_entry_accepts_a_subject_or_a_piece_of_the_context() -> None:
    acceptance = Acceptance(("Factory Committees", "so so", "don't"))
    place = Place("01.md", 3)
    assert acceptance.accepts(Finding("capitalisation-variant", "", place,
                                      subjects=("factory committees", "Factory Committees")))
    assert acceptance.accepts(Finding("spacing", "", place, context=f"it was{NUL} don’t go"))
    assert not acceptance.accepts(Finding("doubled-word", "", place, subjects=("so",)))
    assert acceptance.used == {"Factory Committees", "don't"}


def test_levels_silence_or_raise_a_code_in_one_place() -> None:
    found = [warning("spacing", "a", Place("01.md", 1)), warning("doubled-word", "b", Place("01.md", 2))]
    result = apply_levels(found, {"spacing": "off", "doubled-word": "error"})
    assert [(f.code, f.severity) for f in result] == [("doubled-word", Severity.ERROR)]


def test_a_code_set_to_off_is_not_reported(tmp_path: Path) -> None:
    assert findings(tmp_path, "The the end.\n", "checks:\n  doubled-word: off\n") == []


def test_unknown_codes_and_invalid_levels_are_all_listed_with_a_did_you_mean(tmp_path: Path) -> None:
    config = ("title: T\nchecks:\n  doubled-wrod: off\n  spacing: loud\n  broken-link: warning\n"
              "  quotation-min-words: 2\naccepted-variants: colour\n")
    book = write_book(tmp_path / "m", config, {"01.md": "# One\n"})
    with pytest.raises(BookError) as raised:
        load_config(book)
    messages = [(d.code, d.place.line, d.message) for d in raised.value.diagnostics]
    assert [(code, line) for code, line, _ in messages] == [
        ("config-unknown-key", 3), ("config-invalid", 4), ("config-invalid", 5),
        ("config-invalid", 6), ("config-invalid", 7)]
    assert "did you mean 'doubled-word'?" in messages[0][2]
    assert "off, warning, error" in messages[1][2]
    assert "correct the manuscript instead" in messages[2][2]


def test_levels_and_accepted_variants_reach_the_config(tmp_path: Path) -> None:
    config = "title: T\nchecks:\n  spacing: off\n  doubled-word: error\naccepted-variants: [colour]\n"
    book = write_book(tmp_path / "m", config, {"01.md": "# One\n"})
    loaded, _ = load_config(book)
    assert loaded.check_levels == {"spacing": "off", "doubled-word": "error"}
    assert loaded.accepted_variants == ("colour",)
