"""The index stage: marks gathered into entries of up to three levels, sorted by ICU's collation
for the book's language, see and see-also kept, page ranges in Chicago's inclusive style."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pypdf
import pytest
from markupsafe import Markup
from pypdf.generic import NameObject, TextStringObject

from bookbuild.index import build_index, page_range
from bookbuild.pipeline import build, load
from bookbuild.progress import Progress
from bookbuild.render.index import EntryView, LocatorView, place_breaks


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


def test_marked_words_keep_their_spaces_and_their_italics(tmp_path: Path) -> None:
    text = ("The [Petrograd Soviet]{.index} met; [one-man management]{.index} won; Sartre's "
            "[*Critique of Dialectical Reason*]{.index} and [the *History* of 1917]{.index}.\n")
    root = _book(tmp_path / "book", "en", text)
    terms = [e.term for top in build_index(load(root, Progress(quiet=True))) for e in top.walk()]
    assert terms == ["*Critique of Dialectical Reason*", "one-man management", "Petrograd Soviet",
                     "the *History* of 1917"]


@pytest.mark.parametrize("first, last, printed", [
    ("3", "10", "3–10"), ("71", "72", "71–72"), ("96", "117", "96–117"), ("100", "104", "100–104"),
    ("1100", "1113", "1100–1113"), ("101", "108", "101–8"), ("808", "833", "808–33"),
    ("1103", "1104", "1103–4"), ("321", "328", "321–28"), ("498", "532", "498–532"),
    ("1087", "1089", "1087–89"), ("1496", "1500", "1496–500"), ("11564", "11615", "11564–615"),
    ("12991", "13001", "12991–3001"), ("142", "142", "142"), ("ix", "xii", "ix–xii")])
def test_page_ranges_in_chicagos_inclusive_style(first: str, last: str, printed: str) -> None:
    assert page_range(first, last) == printed


# -- the index in the three editions --------------------------------------------------------------

FILL = ("The committee met again in the long room above the printing works while the lamps "
        "were lit and the snow went on falling over the river. ") * 5


def _indexed_book(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "book.yaml").write_text(
        "title: Indexed Book\nauthor: A. Writer\nlang: en-GB\naccepted-duplicates:\n"
        "  - \"the long room above the printing works\"\n", encoding="utf-8")
    passage = "".join(f"{FILL}\n\n" for _ in range(14))
    (root / "01-one.md").write_text(
        "# One\n\n[Kollontai]{.index term=\"Kollontai, Alexandra\"} spoke first.\n\n"
        f"::: {{.index term=\"Terror, Great\"}}\nThe purges began. {passage}They ended.\n:::\n\n"
        "[Zinoviev]{.index term=\"Zinoviev, Grigory\"} answered her.\n", encoding="utf-8")
    (root / "02-two.md").write_text(
        "# Two\n\n[she]{.index term=\"Kollontai, Alexandra!and the Workers' Opposition\"} "
        "spoke again; []{.index term=\"Cheka\" see=\"Terror, Great\"}"
        "[]{.index term=\"Zinoviev, Grigory\" see-also=\"Kollontai, Alexandra\"}\n\n"
        "Then [*Capital*]{.index term=\"*Capital* (Marx)\"} was read aloud.[^lenin]\n\n"
        "[^lenin]: [Lenin]{.index term=\"Lenin, V. I.\"} had read it in Samara.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("indexed")
    manuscript = _indexed_book(root / "book")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        patch.setenv("BOOKBUILD_CACHE", str(root / "cache"))
        result = build(manuscript, root / "out", ["pdf", "epub", "html"], Progress(quiet=True))
    assert not result.errors and not result.rejected and len(result.outputs) == 3
    return root / "out"


def _page_of(pages: list[tuple[str, str]], words: str) -> str:
    found = [label for label, text in pages if words in text]
    assert len(found) == 1, (words, found)
    return found[0]


def test_the_print_index_names_the_pages_where_the_marks_stand(indexed: Path) -> None:
    reader = pypdf.PdfReader(str(indexed / "indexed-book.pdf"))
    pages = [(label, " ".join(page.extract_text().split()))
             for label, page in zip(reader.page_labels, reader.pages, strict=True)]
    index = next(text for _, text in pages if text.startswith("Index "))
    began, ended = _page_of(pages, "The purges began."), _page_of(pages, "They ended.")
    assert began != ended                                    # the range crosses pages
    # A title in italics sorts by its words; a mark in a note names the note's page and number.
    expected = (f"Capital (Marx), {_page_of(pages, 'Capital was read aloud')} "
                f"Cheka. See Terror, Great "
                f"Kollontai, Alexandra, {_page_of(pages, 'Kollontai spoke first')} "
                f"and the Workers’ Opposition, {_page_of(pages, 'she spoke again')} "
                f"Lenin, V. I., {_page_of(pages, 'had read it in Samara')}n1 "
                f"Terror, Great, {page_range(began, ended)} "
                f"Zinoviev, Grigory, {_page_of(pages, 'Zinoviev answered her')}, "
                f"{_page_of(pages, 'she spoke again')}. See also Kollontai, Alexandra")
    assert index.startswith("Index " + expected), index


def test_the_screen_indexes_are_the_same_entries_linked_to_the_marks(indexed: Path) -> None:
    with zipfile.ZipFile(indexed / "indexed-book.epub") as epub:
        document = epub.read("EPUB/book-index.xhtml").decode()
        nav = epub.read("EPUB/nav.xhtml").decode()
    html = (indexed / "html" / "book-index.html").read_text(encoding="utf-8")
    assert 'epub:type="index"' in document and 'epub:type="index-entry"' in document
    assert 'epub:type="index"' in nav and 'href="book-index.xhtml"' in nav     # a landmark
    terms = re.findall(r'<span class="index-term"[^>]*>(.+?)</span>', document)
    assert terms == ["<i>Capital</i> (Marx)", "Cheka", "Kollontai, Alexandra",
                     "and the Workers’ Opposition", "Lenin, V. I.", "Terror, Great",
                     "Zinoviev, Grigory"]
    assert re.findall(r'<span class="index-term"[^>]*>(.+?)</span>', html) == terms
    locators = re.findall(r'<a class="index-locator" href="([^"#]+)#([^"]+)"[^>]*>([^<]+)</a>',
                          document)
    # An empty mark (Zinoviev's see-also, in chapter two) marks its place too; a mark in a
    # note leads to the note, on the notes' page, and names its page and number ("9n1").
    assert [page for page, _, _ in locators] == ["02-two.xhtml", "01-one.xhtml", "02-two.xhtml",
                                                 "notes.xhtml", "01-one.xhtml", "01-one.xhtml",
                                                 "02-two.xhtml"]
    assert re.fullmatch(r"\d+n1", locators[3][2])
    with zipfile.ZipFile(indexed / "indexed-book.epub") as epub:
        for page, anchor, _ in locators:
            assert f'id="{anchor}"' in epub.read(f"EPUB/{page}").decode()
    for page, anchor in re.findall(r'<a class="index-locator" href="([^"#]+)#([^"]+)"', html):
        assert f'id="{anchor}"' in (indexed / "html" / page).read_text(encoding="utf-8")


def test_verify_proves_the_indexes_agree_and_finds_a_planted_difference(
        indexed: Path, tmp_path: Path) -> None:
    from bookbuild.verify import verify
    from bookbuild.verify.index import misplaced_pdf_locators
    book = load(indexed.parent / "book", Progress(quiet=True))
    assert verify(book, indexed).passed
    links, faults = misplaced_pdf_locators(indexed / "indexed-book.pdf")
    assert links == 7 and faults == []          # every locator leads to the page it names
    planted = tmp_path / "out"
    shutil.copytree(indexed, planted)
    page = planted / "html" / "book-index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Zinoviev, Grigory", "Zinovyev, Grigory"),
                    encoding="utf-8")
    report = verify(book, planted)
    assert [(f.code, f.message) for f in report.findings if f.is_error] == [
        ("index-differs", "the HTML edition's index differs from entry 7: “Zinovyev, Grigory” "
                          "instead of “Zinoviev, Grigory”; rebuild it")]


def _boundary_book(root: Path, marks: dict[str, str]) -> Path:
    """A chapter of numbered words (each is found on exactly one page), `marks` mapping a word
    to the index term that marks it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "book.yaml").write_text("title: Boundaries\nauthor: A. Writer\nlang: en-GB\n",
                                    encoding="utf-8")
    words = [f"word{n:04d}" for n in range(1, 1201)]
    words = [f"[{w}]{{.index term=\"{marks[w]}\"}}" if w in marks else w for w in words]
    paragraphs = [" ".join(words[i:i + 120]) + "." for i in range(0, len(words), 120)]
    (root / "01-one.md").write_text("# One\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return root


def _word_pages(pdf: Path) -> dict[str, str]:
    reader = pypdf.PdfReader(str(pdf))
    return {word: label for label, page in zip(reader.page_labels, reader.pages, strict=True)
            for word in re.findall(r"word\d{4}", page.extract_text())}


def test_a_locator_on_a_page_boundary_names_the_page_its_word_is_on(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The last word of a page and the first word of the next, each marked: each locator
    names its own word's page, not its neighbour's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("BOOKBUILD_CACHE", str(tmp_path / "cache"))
    plain = build(_boundary_book(tmp_path / "plain", {}), tmp_path / "plain-out", ["pdf"],
                  Progress(quiet=True))
    assert not plain.errors
    pages = _word_pages(tmp_path / "plain-out" / "boundaries.pdf")
    assert len(pages) == 1200                          # every word read, once
    order = sorted(pages)
    last, first = next((a, b) for a, b in zip(order, order[1:], strict=False) if pages[a] != pages[b])
    marked = build(_boundary_book(tmp_path / "marked", {last: "boundary!before the turn",
                                                        first: "boundary!after the turn"}),
                   tmp_path / "marked-out", ["pdf"], Progress(quiet=True))
    assert not marked.errors
    assert _word_pages(tmp_path / "marked-out" / "boundaries.pdf") == pages    # marks move nothing
    reader = pypdf.PdfReader(str(tmp_path / "marked-out" / "boundaries.pdf"))
    index = next(text for page in reader.pages
                 if (text := " ".join(page.extract_text().split())).startswith("Index"))
    assert f"boundary after the turn, {pages[first]} before the turn, {pages[last]}" in index
    assert int(pages[first]) == int(pages[last]) + 1


def test_verify_finds_a_pdf_locator_that_leads_to_another_page(indexed: Path, tmp_path: Path) -> None:
    """Two locator links of the printed index swapped, as a faulty join could: the numbers
    printed no longer name the pages the links lead to, and verify says which."""
    from bookbuild.verify import verify
    from bookbuild.verify.index import misplaced_pdf_locators, pdf_links
    planted = tmp_path / "out"
    shutil.copytree(indexed, planted)
    reader = pypdf.PdfReader(str(planted / "indexed-book.pdf"))
    writer = pypdf.PdfWriter(clone_from=reader)
    page = next(page for page in writer.pages
                if sum(name.startswith("index-") for name, _ in pdf_links(page)) >= 2)
    links = [annotation.get_object() for annotation in page["/Annots"]
             if str(_destination(annotation.get_object())).startswith("index-")]
    first, second = next((a, b) for a in links for b in links
                         if _page_named(reader, a) != _page_named(reader, b))
    one, two = _destination(first), _destination(second)
    _point(first, two)
    _point(second, one)
    with (planted / "indexed-book.pdf").open("wb") as out:
        writer.write(out)
    count, faults = misplaced_pdf_locators(planted / "indexed-book.pdf")
    assert count == 7 and len(faults) == 2, faults
    book = load(indexed.parent / "book", Progress(quiet=True))
    report = verify(book, planted)
    assert [f.code for f in report.findings if f.is_error] == ["index-page", "index-page"]
    assert all("leads to page" in f.message for f in report.findings if f.is_error)


def _destination(annotation: Any) -> str:
    action = annotation.get("/A")
    dest = annotation.get("/Dest") if action is None else action.get_object().get("/D")
    return dest.decode() if isinstance(dest, bytes) else str(dest)


def _point(annotation: Any, name: str) -> None:
    action = annotation.get("/A")
    if action is None:
        annotation[NameObject("/Dest")] = TextStringObject(name)
    else:
        action.get_object()[NameObject("/D")] = TextStringObject(name)


def _page_named(reader: pypdf.PdfReader, annotation: Any) -> int | None:
    dest = reader.named_destinations.get(_destination(annotation))
    return reader.get_destination_page_number(dest) if dest is not None else None


def test_the_web_search_finds_index_entries_with_their_headings(indexed: Path) -> None:
    script = (indexed / "html" / "js" / "search-index.js").read_text(encoding="utf-8")
    data = json.loads(script.split("=", 1)[1].strip().rstrip(";"))
    passages = [text for _, _, text in data["entries"]]
    assert any(text.startswith("Kollontai, Alexandra — and the Workers’ Opposition, ")
               for text in passages)
    assert any(text.startswith("Cheka. See Terror, Great") for text in passages)


def test_an_index_page_break_is_marked_where_the_page_begins_in_its_entry() -> None:
    """The print layout says which entry a page begins in and after how many of its word
    characters; the screen editions mark it before the term, or before the locator the page
    begins with, or before the cross-references."""
    def entry(key: str, *children: EntryView) -> EntryView:
        return EntryView(Markup("<i>Capital</i> (Marx)"), [LocatorView("#a", "142–45"),
                                                           LocatorView("#b", "9n1")],
                         [], [Markup("Marx")], list(children), key)
    child = entry("x2")
    entries = [entry("x1", child), entry("x3"), entry("x4")]
    # "Capital Marx" has 11 word characters, "142–45" 5 and "9n1" 3.
    place_breaks(entries, {"x1": [(0, "7")], "x2": [(11, "8")], "x3": [(16, "9")],
                           "x4": [(19, "10"), (5, "11")]})
    assert entries[0].breaks == {0: ["7"]} and child.breaks == {1: ["8"]}
    assert entries[1].breaks == {2: ["9"]}
    # Past the last locator: before "See also"; inside a term that turns over: before the first
    # locator (the first words the new page shows).
    assert entries[2].breaks == {3: ["10"], 1: ["11"]}
