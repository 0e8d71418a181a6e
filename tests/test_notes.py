"""Endnotes that agree in every edition, wherever the writer put them, and a command that proves it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuild.verify.readers import read_epub, read_html, read_pdf
from conftest import Run, bookbuild, corpus_book
from test_cli import write_book

BIB = """@book{lewin1968,
  author = {Lewin, Moshe}, title = {Lenin’s Last Struggle}, location = {New York},
  publisher = {Pantheon}, date = {1968},
}
@book{sartre1991,
  author = {Sartre, Jean-Paul}, title = {Critique of Dialectical Reason}, location = {London},
  publisher = {Verso}, date = {1991},
}
"""

ONE = """# One

A plain call[^a] and a citation [@lewin1968, p. 8], then the same work again [@lewin1968, p. 9].

> A quotation with a note[^q].

- A list item with a note[^l]
- Another item

| Term | Meaning |
|------|---------|
| soviet | a council[^t] |

![A figure whose caption has a note[^f].](plate.png)

A note of two paragraphs[^m] and a note citing a work[^c].

[^a]: Note a of chapter one.
[^q]: The quotation's source.
[^l]: Said of the list.
[^t]: Said in the table.
[^f]: Said of the figure.
[^m]: The first paragraph.

    The second paragraph of the same note.
[^c]: See @sartre1991 [p. 12] on this.
"""

TWO = """# Two

Same label as in chapter one[^a]. The work cited just before the chapter break [@lewin1968, p. 10].

[^a]: Note a of chapter two.
"""


def notes_book(root: Path, settings: str = "") -> Path:
    book = write_book(root, "title: Notes Everywhere\nbibliography: refs.bib\n" + settings,
                      {"refs.bib": BIB, "01-one.md": ONE, "02-two.md": TWO})
    from PIL import Image
    Image.new("RGB", (60, 40), (90, 90, 90)).save(book / "plate.png")
    return book


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("notes")
    book = notes_book(root / "m", "notes:\n  ibid: true\n")
    result = bookbuild("build", "--manuscript", book, "--out", root / "out")
    assert result.code == 0, result.stderr
    return root / "out"


def texts(out: Path) -> dict[str, list[tuple[int, str]]]:
    return {edition.name: [(n.number, n.text) for n in edition.notes] for edition in
            (read_epub(out / "notes-everywhere.epub"), read_html(out / "html"),
             read_pdf(out / "notes-everywhere.pdf"))}


def test_notes_everywhere_agree_in_every_edition(editions: Path) -> None:
    found = texts(editions)
    epub = found["EPUB"]
    assert [number for number, _ in epub] == list(range(1, 12))
    expected = [
        "Note a of chapter one.",
        "Moshe Lewin, Lenin’s Last Struggle (New York: Pantheon, 1968), 8.",
        "Ibid., 9.",
        "The quotation’s source.",
        "Said of the list.",
        "Said in the table.",
        "Said of the figure.",
        "The first paragraph. The second paragraph of the same note.",
        "See Jean-Paul Sartre, Critique of Dialectical Reason (London: Verso, 1991), 12 on this.",
        "Note a of chapter two.",
        # A new chapter: no "ibid.", and the first citation of the work is in full again.
        "Moshe Lewin, Lenin’s Last Struggle (New York: Pantheon, 1968), 10.",
    ]
    assert [text for _, text in epub] == expected
    assert found["HTML"] == epub
    assert [(n, t.replace("‐", "")) for n, t in found["PDF"]] == epub


def test_verify_command_passes_and_catches_a_difference(editions: Path, tmp_path: Path) -> None:
    manuscript = editions.parent / "m"
    result = bookbuild("verify", "--manuscript", manuscript, "--out", editions)
    assert result.code == 0, result.stdout + result.stderr
    assert "verified: 11 notes agree" in result.stdout and "EPUB, HTML, PDF" in result.stdout
    # Tamper with the web edition: one note's text, and a note number.
    import shutil
    copy = tmp_path / "out"
    shutil.copytree(editions, copy)
    notes = copy / "html" / "notes.html"
    notes.write_text(notes.read_text(encoding="utf-8").replace("Said in the table.", "Said elsewhere.")
                     .replace('value="5"', 'value="50"'), encoding="utf-8")
    result = bookbuild("verify", "--manuscript", manuscript, "--out", copy)
    assert result.code == 1
    assert "01-one.md:" in result.stdout
    assert "note 6 reads differently in the HTML edition" in result.stdout
    assert "“said elsewhere” instead of “said in the table”" in result.stdout
    assert "note 5 is numbered 50 in the HTML edition" in result.stdout


def test_numbering_per_chapter_and_notes_at_chapter_ends(tmp_path: Path) -> None:
    book = notes_book(tmp_path / "m", "notes:\n  numbering: chapter\n  placement: chapter\n")
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    found = texts(tmp_path / "out")
    numbers = [number for number, _ in found["EPUB"]]
    assert numbers == list(range(1, 10)) + [1, 2]
    assert found["HTML"] == found["EPUB"]
    assert [(n, t.replace("‐", "")) for n, t in found["PDF"]] == found["EPUB"]
    # Without ibid. (the default), a repeated citation takes the short form.
    assert found["EPUB"][2][1] == "Lewin, Lenin’s Last Struggle, 9."
    assert not (tmp_path / "out" / "html" / "notes.html").exists()
    chapter = (tmp_path / "out" / "html" / "01-one.html").read_text(encoding="utf-8")
    assert 'role="doc-endnotes"' in chapter and 'href="01-one.html#note-1"' in chapter
    verified = bookbuild("verify", "--manuscript", book, "--out", tmp_path / "out")
    assert verified.code == 0, verified.stdout


def test_the_essay_verifies(essay_verified: Run) -> None:
    result = essay_verified             # `verify --manuscript MANUSCRIPT --out essay` (conftest.py)
    assert result.code == 0, result.stdout
    assert "verified: 19 notes agree" in result.stdout


def test_ten_days_verifies(ten_days: Path) -> None:
    result = bookbuild("verify", "--manuscript", corpus_book("reed-ten-days"), "--out", ten_days)
    assert result.code == 0, result.stdout
    assert "verified: 20 notes agree" in result.stdout


# Notes shaped like the Gibbon corpus: editor's sub-notes that open with a superscript mark,
# a table inside a note, and one note long enough to run over more than two printed pages.
LONG = " ".join(f"word{i}" for i in range(2200))
APPARATUS = f"""# Apparatus

Gibbon's text[^g] with an editor's table[^t] and a very long note[^long] and one more[^z].

[^g]: See De Civitate Dei, iv 29.^m^

    ^m^ The turn of the sentence is Augustin's. —M.
[^t]: Smyth subjoins this list:—

      ------------- ------------------------------------ -------------
      Posthumus.    Of those whose coins are undoubtedly  Valens.
                    true, and a cell long enough to wrap

      Victorinus    Celsus.                               Saturninus.
      ------------- ------------------------------------ -------------

[^long]: {LONG}
[^z]: The last note.
"""


def test_notes_with_superscripts_tables_and_many_pages_verify(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: Apparatus\n", {"01-apparatus.md": APPARATUS})
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    pdf = read_pdf(tmp_path / "out" / "apparatus.pdf").notes
    assert [note.text.replace("\u2010", "") for note in pdf][0] == \
        "See De Civitate Dei, iv 29.m m The turn of the sentence is Augustin’s. —M."
    assert pdf[2].text.split() == LONG.split()        # all 2,200 words, over three pages
    assert pdf[3].text == "The last note."
    epub = read_epub(tmp_path / "out" / "apparatus.epub").notes
    assert "Posthumus. Of those whose coins are undoubtedly true" in epub[1].text
    verified = bookbuild("verify", "--manuscript", book, "--out", tmp_path / "out")
    assert verified.code == 0, verified.stdout
    assert "verified: 4 notes agree" in verified.stdout


def test_ibid_only_for_the_work_of_the_note_just_before(tmp_path: Path) -> None:
    text = ("# One\n\nFirst [@lewin1968, p. 1]. Other work [@sartre1991, p. 2]. Back [@lewin1968, p. 3]."
            " Again [@lewin1968, p. 4]. An aside[^x]. Once more [@lewin1968, p. 5].\n\n"
            "[^x]: An author's note that cites nothing.\n")
    book = write_book(tmp_path / "m", "title: Ibid\nbibliography: refs.bib\nnotes:\n  ibid: true\n",
                      {"refs.bib": BIB, "01-one.md": text})
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out", "--format", "html")
    assert result.code == 0, result.stderr
    assert [n.text for n in read_html(tmp_path / "out" / "html").notes] == [
        "Moshe Lewin, Lenin’s Last Struggle (New York: Pantheon, 1968), 1.",
        "Jean-Paul Sartre, Critique of Dialectical Reason (London: Verso, 1991), 2.",
        "Lewin, Lenin’s Last Struggle, 3.",          # another work came between: a short form
        "Ibid., 4.",
        "An author’s note that cites nothing.",
        "Lewin, Lenin’s Last Struggle, 5.",          # an uncited note came between
    ]
