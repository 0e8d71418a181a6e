"""The index stage: marks gathered into entries of up to three levels, sorted by ICU's collation
for the book's language, see and see-also kept, page ranges in Chicago's inclusive style."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuild.index import build_index, page_range
from bookbuild.pipeline import load
from bookbuild.progress import Progress


def _book(root: Path, lang: str, text: str) -> Path:
    root.mkdir(parents=True)
    (root / "book.yaml").write_text(f"title: Indexed\nlang: {lang}\n", encoding="utf-8")
    (root / "01-one.md").write_text("# One\n\n" + text, encoding="utf-8")
    return root


def _terms(root: Path) -> list[tuple[int, str, int]]:
    entries = build_index(load(root, Progress(quiet=True)))
    return [(e.level, e.term, len(e.locators)) for top in entries for e in top.walk()]


NAMES = ("[Zola]{.index term=\"Zola, Émile\"} [Ångström]{.index} [apple]{.index} "
         "[Éluard]{.index term=\"Éluard, Paul\"} [McNeill]{.index} [Macdonald]{.index} "
         "[van Gogh]{.index term=\"Gogh, Vincent van\"} [Vincent]{.index} [eluard]{.index term=\"Eluard\"}\n")


def test_entries_sort_by_the_languages_alphabet(tmp_path: Path) -> None:
    english = [term for _, term, _ in _terms(_book(tmp_path / "en", "en-GB", NAMES))]
    assert english == ["Ångström", "apple", "Eluard", "Éluard, Paul", "Gogh, Vincent van",
                       "Macdonald", "McNeill", "Vincent", "Zola, Émile"]
    swedish = [term for _, term, _ in _terms(_book(tmp_path / "sv", "sv", NAMES))]
    assert swedish[-1] == "Ångström"            # Å is the 27th letter of the Swedish alphabet
    assert swedish.index("Zola, Émile") == len(swedish) - 2


def test_levels_locators_sort_keys_and_cross_references(tmp_path: Path) -> None:
    text = (
        "[Soviets]{.index} met; [the soviet]{.index term=\"Soviets!and factory committees\"} "
        "and [again]{.index term=\"Soviets!and factory committees\"} and "
        "[Petrograd]{.index term=\"Soviets!and factory committees!in Petrograd\"}.\n\n"
        "[]{.index term=\"Cheka\" see=\"GPU\"} [GPU]{.index see-also=\"NKVD\"} [NKVD]{.index}\n\n"
        "[St Petersburg]{.index sort=\"Saint Petersburg\"} [Samara]{.index} [Saratov]{.index}\n\n"
        "::: {.index term=\"Terror, Great\"}\nThe purges began.\n\nThey went on.\n:::\n")
    root = _book(tmp_path / "book", "en", text)
    entries = build_index(load(root, Progress(quiet=True)))
    flat = [(e.level, e.term, len(e.locators)) for top in entries for e in top.walk()]
    assert flat == [
        (1, "Cheka", 0), (1, "GPU", 1), (1, "NKVD", 1), (1, "St Petersburg", 1), (1, "Samara", 1),
        (1, "Saratov", 1), (1, "Soviets", 1), (2, "and factory committees", 2),
        (3, "in Petrograd", 1), (1, "Terror, Great", 1)]
    by_term = {e.term: e for top in entries for e in top.walk()}
    assert by_term["Cheka"].see == ["GPU"] and by_term["GPU"].see_also == ["NKVD"]
    terror = by_term["Terror, Great"].locators[0]
    assert terror.id.startswith("index-") and terror.end_id == f"{terror.id}-end"
    assert [loc.place.line for loc in by_term["and factory committees"].locators] == [3, 3]


@pytest.mark.parametrize("first, last, printed", [
    ("3", "10", "3–10"), ("71", "72", "71–72"), ("96", "117", "96–117"), ("100", "104", "100–104"),
    ("1100", "1113", "1100–1113"), ("101", "108", "101–8"), ("808", "833", "808–33"),
    ("1103", "1104", "1103–4"), ("321", "328", "321–28"), ("498", "532", "498–532"),
    ("1087", "1089", "1087–89"), ("1496", "1500", "1496–500"), ("11564", "11615", "11564–615"),
    ("12991", "13001", "12991–3001"), ("142", "142", "142"), ("ix", "xii", "ix–xii")])
def test_page_ranges_in_chicagos_inclusive_style(first: str, last: str, printed: str) -> None:
    assert page_range(first, last) == printed
