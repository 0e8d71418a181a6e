"""The book this project publishes: the essay as a copy-editor turned the seed into a manuscript."""

from __future__ import annotations

import re

import pytest

from bookbuild.ast import stringify
from bookbuild.config import load_config
from bookbuild.pipeline import load
from bookbuild.progress import Progress
from conftest import FIXTURES, MANUSCRIPT, SHARED

SEED = SHARED / "seeds" / "000_1d8bb0a9820fb110.txt"
CHAPTER = MANUSCRIPT / "01-revolution-destroyed.md"
STRAY_COPIES = (
    "Suspended in a social void for lack of any organised expression",
    "Stalin’s consolidation of power in the party in a regime where the party",
)


@pytest.fixture(scope="module")
def book():  # type: ignore[no-untyped-def]
    return load(MANUSCRIPT, Progress(quiet=True))


def test_metadata_names_title_standfirst_and_author() -> None:
    config, findings = load_config(MANUSCRIPT)
    assert findings == []
    assert config.title == "Revolution Destroyed"
    assert config.subtitle and config.subtitle.startswith("As the Left celebrates the centenary")
    assert config.authors == ("Jairus Banaji",)
    assert config.lang == "en-GB"


def test_web_page_leftovers_are_gone() -> None:
    text = CHAPTER.read_text(encoding="utf-8")
    for leftover in ("via commons", "Suits for men", "Recent Posts", "Jairus Banaji",
                     "November Rain", "hours ago"):
        assert leftover.lower() not in text.lower()
    assert text.startswith("# Revolution Destroyed\n")


def test_no_parenthetical_reference_is_left() -> None:
    text = CHAPTER.read_text(encoding="utf-8")
    assert not re.search(r"\((?:[^()]*\bpp?\.\s*\d)", text), "a page reference is still in parentheses"
    assert "\u00a0" not in text, "no-break spaces from the web page survive"


def test_every_reference_became_a_citation_with_its_locator(book) -> None:  # type: ignore[no-untyped-def]
    cited = [(c.key, c.place.line) for c in book.citations]
    assert [key for key, _ in cited] == [
        "filtzer1986", "smith1983", "brinton1970", "smith1983", "porter1980", "lewin1968",
        "lewin1968", "lewin1968", "lewin1968", "lewin1968", "serge1937", "twiss2014",
        "filtzer1986", "serge1963", "naimark2010", "schlogel2012", "serge1963", "serge1937",
        "sartre1991", "trotsky1932"]
    lines = CHAPTER.read_text(encoding="utf-8").split("\n")
    for key, line in cited:
        assert "@" + key in lines[line - 1], f"{key} is not on line {line}"
    # One note per citation: the two works cited together share a note.
    assert len(book.notes) == 19
    assert all(note.kind == "citation" for note in book.notes)
    texts = [stringify(note.blocks) for note in book.notes]
    assert texts[1] == ("S. A. Smith, Red Petrograd: Revolution in the Factories, 1917–1918 "
                        "(Cambridge: Cambridge University Press, 1983), 165.")
    assert texts[3] == "Smith, Red Petrograd, 241."
    assert texts[8].startswith("Lenin cited in Lewin, Lenin’s Last Struggle, 80")
    assert "Naimark" in texts[14] and "Schlögel" in texts[14]


def test_bibliography_has_the_twelve_works_in_full(book) -> None:  # type: ignore[no-untyped-def]
    assert book.bibliography is not None
    assert len(book.bibliography.entries) == 12
    entries = [stringify(block) for block in book.bibliography_blocks[0]["c"][1]]
    assert len(entries) == 12
    assert ("Filtzer, Donald. Soviet Workers and Stalinist Industrialization: The Formation of "
            "Modern Soviet Production Relations, 1928–1941. London: Pluto Press, 1986.") in entries
    assert ("Sartre, Jean-Paul. Critique of Dialectical Reason. Vol. 2, translated by Quintin Hoare. "
            "London: Verso, 1991.") in entries
    assert any(e.startswith("Trotsky, Leon. The History of the Russian Revolution. Translated by "
                            "Max Eastman. New York: Simon and Schuster, 1932") for e in entries)


@pytest.mark.parametrize("passage", STRAY_COPIES)
def test_stray_copies_are_dropped_and_kept_in_the_fixture(book, passage: str) -> None:  # type: ignore[no-untyped-def]
    # The text as read (the manuscript's index marks are markup around its words).
    corrected = " ".join(" ".join(stringify([block.node]).split()) for block in book.chapters[0].blocks)
    uncorrected = (FIXTURES / "seed-uncorrected" / CHAPTER.name).read_text(encoding="utf-8")
    assert corrected.count(passage) == 1
    assert uncorrected.count(passage) == 2


def test_the_seed_text_is_all_there(book) -> None:  # type: ignore[no-untyped-def]
    """Every sentence of the seed's essay survives, apart from the leftovers and stray copies."""
    if not SEED.is_file():
        pytest.skip(f"the seed is not here ({SEED})")
    seed = SEED.read_text(encoding="utf-8")
    essay = seed[seed.index("The Russian Revolution is"): seed.index("\nJairus Banaji")]
    body = " ".join(stringify(block.node) for block in book.chapters[0].blocks)

    def words(text: str) -> str:
        text = re.sub(r"\([^()]*\b(?:pp?\.|see |Genocides|Moscow, 1937)[^()]*\)", " ", text)
        # the copy-edits made to the seed: a doubled word, one -ize in an -ise book
        text = text.replace("and and", "and").replace("characterization", "characterisation")
        return " ".join(re.findall(r"\w+", text.casefold()))

    book_words = words(body)
    for paragraph in essay.split("\n\n"):
        if paragraph.startswith("Suits for men"):
            continue
        assert words(paragraph) in book_words, paragraph[:60]
