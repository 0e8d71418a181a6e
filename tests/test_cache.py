"""The build cache: after an edit only what depends on it is made again, and a change of any
input (a chapter, a bibliography entry, the citation style, a setting, a new character for the
fonts) is never answered from the cache. No timings here: the benchmark measures speed."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from bookbuild.ast import stringify
from bookbuild.memo import check_manuscript
from bookbuild.model import Book
from bookbuild.pipeline import build, check, load
from bookbuild.progress import Progress
from bookbuild.writers.fonts import _subset
from conftest import MANUSCRIPT

CHAPTERS = {
    "01-one.md": "# One\n\nThe committees ran the factories [@smith1983, p. 165].\n",
    "02-two.md": "# Two\n\nThe unions absorbed them [@brinton1970, p. 32].\n\n"
                 "Again [@brinton1970, p. 33].\n",
    "03-three.md": "# Three\n\nOne-man management returned [@smith1983, p. 241].\n",
}


@pytest.fixture
def book_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A three-chapter book citing the essay's bibliography, with a cache of its own."""
    monkeypatch.setenv("BOOKBUILD_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "book"
    root.mkdir()
    shutil.copy(MANUSCRIPT / "references.bib", root)
    (root / "book.yaml").write_text("title: Cached\nauthor: A. Writer\nlang: en-GB\n"
                                    "bibliography: references.bib\n", encoding="utf-8")
    for name, text in CHAPTERS.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _load(root: Path) -> tuple[Book, int]:
    """The book, and how many chapters were read from the cache (as the progress says)."""
    stream = io.StringIO()
    book = load(root, Progress(stream=stream))
    found = re.search(r"(\d+) of \d+ chapters unchanged, read from the build cache", stream.getvalue())
    return book, int(found.group(1)) if found else 0


def _notes(book: Book) -> list[str]:
    return [stringify(note.blocks) for note in book.notes]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_unchanged_book_comes_from_the_cache_whole(book_dir: Path) -> None:
    cold, hits = _load(book_dir)
    assert hits == 0
    warm, hits = _load(book_dir)
    assert hits == 3
    assert _notes(warm) == _notes(cold)
    nodes = [[[b.node for b in c.blocks] for c in book.chapters] for book in (warm, cold)]
    assert nodes[0] == nodes[1]


def test_an_edited_chapter_is_parsed_again_and_only_it(book_dir: Path) -> None:
    _load(book_dir)
    _edit(book_dir / "02-two.md", "absorbed them", "swallowed them")
    book, hits = _load(book_dir)
    assert hits == 2
    text = stringify([block.node for block in book.chapters[1].blocks])
    assert "swallowed them" in text
    assert "absorbed" not in text


def test_a_changed_bibliography_entry_reaches_every_note_that_cites_it(book_dir: Path) -> None:
    before, _ = _load(book_dir)
    assert any("Red Petrograd" in note for note in _notes(before))
    _edit(book_dir / "references.bib", "title     = {Red Petrograd}", "title     = {Petrograd in Red}")
    after, hits = _load(book_dir)
    assert hits == 0
    notes = _notes(after)
    assert not any("Red Petrograd" in note for note in notes)
    assert sum("Petrograd in Red" in note for note in notes) == 2


def test_a_changed_citation_style_formats_the_notes_again(book_dir: Path) -> None:
    before, _ = _load(book_dir)
    assert not any(note.startswith("Ibid") for note in _notes(before))
    _edit(book_dir / "book.yaml", "lang: en-GB\n", "lang: en-GB\nnotes:\n  ibid: true\n")
    after, hits = _load(book_dir)
    assert hits == 0
    assert any(note.startswith("Ibid") for note in _notes(after))


def test_an_edited_style_file_is_a_different_style(book_dir: Path) -> None:
    style = Path(__file__).resolve().parents[1] / "styles" / "csl" / "chicago-notes-bibliography-classic.csl"
    shutil.copy(style, book_dir / "house.csl")
    _edit(book_dir / "book.yaml", "lang: en-GB\n", "lang: en-GB\ncsl: house.csl\n")
    before, _ = _load(book_dir)
    # The house style now prints page numbers as "page 165" instead of "165".
    csl = book_dir / "house.csl"
    text = csl.read_text(encoding="utf-8")
    assert '<if locator="page"/>' in text
    csl.write_text(text.replace('<if locator="page"/>', '<if locator="page"><text value="page"/></if>'),
                   encoding="utf-8")
    after, hits = _load(book_dir)
    assert hits == 0
    assert _notes(after) != _notes(before)
    assert any("page 165" in note for note in _notes(after))


def test_a_changed_setting_parses_again(book_dir: Path) -> None:
    _load(book_dir)
    _edit(book_dir / "book.yaml", "lang: en-GB", "lang: de-DE")
    book, hits = _load(book_dir)
    assert hits == 0
    assert book.config.lang == "de-DE"


@pytest.mark.parametrize("damaged", [("reading",), ("reading", "ast")])
def test_a_damaged_cache_entry_is_never_served(book_dir: Path, tmp_path: Path,
                                               damaged: tuple[str, ...]) -> None:
    """A chapter's walked reading, and its pandoc AST, each truncated: the chapter is read again."""
    cold, _ = _load(book_dir)
    for section in damaged:
        entries = [p for p in (tmp_path / "cache" / section).rglob("*") if p.is_file()]
        assert len(entries) == 3
        for entry in entries:
            entry.write_bytes(entry.read_bytes()[:-40])
    book, hits = _load(book_dir)
    assert hits == 0
    assert _notes(book) == _notes(cold)
    assert [c.key for c in book.citations] == [c.key for c in cold.citations]


def test_the_cache_can_be_turned_off(book_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOKBUILD_CACHE", "off")
    _load(book_dir)
    _, hits = _load(book_dir)
    assert hits == 0
    assert not (tmp_path / "cache").exists()


def test_a_new_character_reaches_the_embedded_fonts(book_dir: Path, tmp_path: Path) -> None:
    """Font subsets are cached by the characters they hold: a new one makes a new subset."""
    out = tmp_path / "out"
    build(book_dir, out, ["epub"], Progress(quiet=True))
    assert ord("ŋ") not in _epub_font_characters(out / "cached.epub")
    _edit(book_dir / "03-three.md", "returned", "returned (the word was naŋ)")
    build(book_dir, out, ["epub"], Progress(quiet=True))
    assert ord("ŋ") in _epub_font_characters(out / "cached.epub")


def test_a_damaged_font_subset_is_made_again(book_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _subset.cache_clear()           # this process's own copies would hide the build cache
    build(book_dir, out, ["epub"], Progress(quiet=True))
    first = (out / "cached.epub").read_bytes()
    fonts = [p for p in (tmp_path / "cache" / "fonts").rglob("*") if p.is_file()]
    assert fonts
    for font in fonts:
        data = bytearray(font.read_bytes())
        data[len(data) // 2] ^= 0xFF
        font.write_bytes(bytes(data))
    _subset.cache_clear()
    build(book_dir, out, ["epub"], Progress(quiet=True))
    assert (out / "cached.epub").read_bytes() == first


def _epub_font_characters(epub: Path) -> set[int]:
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith("GentiumBookPlus-Regular.ttf"))
        return set(TTFont(io.BytesIO(archive.read(name))).getBestCmap())


def test_unsaved_text_is_checked_and_never_cached_as_the_file(book_dir: Path) -> None:
    """An editor's unsaved text (the language server's overlay) is what pandoc reads; the file,
    checked afterwards, is its own text again, not the unsaved one from the cache."""
    chapter = book_dir / "02-two.md"
    unsaved = chapter.read_text(encoding="utf-8") + "\nSee [@nosuchkey].\n"
    _, findings = check(book_dir, Progress(quiet=True), overlay={chapter.resolve(): unsaved})
    assert [(f.code, f.place.file, f.place.line) for f in findings if f.is_error] == \
        [("unknown-citation", "02-two.md", 7)]
    assert "nosuchkey" not in chapter.read_text(encoding="utf-8")
    _, findings = check(book_dir, Progress(quiet=True))
    assert not [f for f in findings if f.is_error]
    chapter.write_text(unsaved, encoding="utf-8")     # saved: the same text, now from the file
    _, findings = check(book_dir, Progress(quiet=True))
    assert [f.code for f in findings if f.is_error] == ["unknown-citation"]


def test_after_an_edit_only_the_edited_chapter_is_read_and_checked_again(
        book_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edited chapter is parsed, walked and given to the chapter checks again; the others
    come from the cache; the book and the findings are those of a check without any cache."""
    check(book_dir, Progress(quiet=True))
    _edit(book_dir / "02-two.md", "Again [@brinton1970, p. 33].", "Again [@brinton1971, p. 33].")
    stream = io.StringIO()
    book, findings = check(book_dir, Progress(stream=stream))
    said = stream.getvalue()
    assert "2 of 3 chapters unchanged, read from the build cache" in said
    assert "1 of 3 chapters checked again" in said
    assert [(f.code, f.place.file, f.place.line) for f in findings if f.is_error] == \
        [("unknown-citation", "02-two.md", 5)]
    assert "did you mean '@brinton1970'" in findings[0].message
    monkeypatch.setenv("BOOKBUILD_CACHE", "off")
    cold_book, cold = check(book_dir, Progress(quiet=True))
    assert [f.to_text() for f in findings] == [f.to_text() for f in cold]
    assert _notes(book) == _notes(cold_book)
    assert [(n.seq, n.number, n.chapter) for n in book.notes] == \
        [(n.seq, n.number, n.chapter) for n in cold_book.notes]


def test_an_unchanged_manuscript_is_answered_from_the_last_check(book_dir: Path) -> None:
    """`bookbuild check` of an unchanged book reads nothing but its files' bytes; a change of
    any file in the folder (here the bibliography) is a new check."""
    first = check_manuscript(book_dir, Progress(quiet=True))
    stream = io.StringIO()
    again = check_manuscript(book_dir, Progress(stream=stream))
    assert "Unchanged since its last check" in stream.getvalue()
    assert again == first and (again.chapters, again.notes, again.citations) == (3, 4, 4)
    bib = book_dir / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("{brinton1970,", "{brinton1969,"),
                   encoding="utf-8")
    stream = io.StringIO()
    changed = check_manuscript(book_dir, Progress(stream=stream))
    assert "Unchanged" not in stream.getvalue()
    assert [f.code for f in changed.findings if f.is_error] == ["unknown-citation"] * 2


def test_the_whole_text_checks_come_last_and_early_findings_first(book_dir: Path) -> None:
    """`early` is told every finding but those of the checks that read the whole book's words
    (the language server shows them while those run); the final list holds both."""
    passage = ("The factory committees were absorbed by the trade unions within a year of the "
               "revolution, and their delegates were appointed from above by the party, which "
               "answered to no one in the factories it claimed to speak for.")
    (book_dir / "01-one.md").write_text(f"# One\n\n{passage}\n\nSee [@nosuch].\n", encoding="utf-8")
    (book_dir / "03-three.md").write_text(f"# Three\n\n{passage}\n", encoding="utf-8")
    told: list[list[str]] = []
    _, findings = check(book_dir, Progress(quiet=True),
                        early=lambda book, found: told.append([f.code for f in found]))
    assert len(told) == 1
    assert "unknown-citation" in told[0] and "duplicate-passage" not in told[0]
    assert {"unknown-citation", "duplicate-passage"} <= {f.code for f in findings}
