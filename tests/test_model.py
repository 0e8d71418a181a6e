"""The book model: one parse, notes numbered once, unique ids, and lines for everything."""

from __future__ import annotations

from pathlib import Path

from bookbuild.ast import stringify
from bookbuild.model import Book
from bookbuild.pipeline import load
from bookbuild.progress import Progress
from test_cli import write_book


def load_book(root: Path, config: str, chapters: dict[str, str | bytes]) -> Book:
    return load(write_book(root, config, chapters), Progress(quiet=True))


def test_same_label_in_two_chapters_is_two_notes(tmp_path: Path) -> None:
    book = load_book(tmp_path, "title: T\n", {
        "01.md": "# One\n\nFirst[^a] and second[^b].\n\n[^a]: One A.\n[^b]: One B.\n",
        "02.md": "# Two\n\nAgain[^a].\n\n[^a]: Two A,\n    continued.\n",
    })
    assert [(n.number, n.chapter, n.label, stringify(n.blocks)) for n in book.notes] == [
        (1, 0, "a", "One A."), (2, 0, "b", "One B."), (3, 1, "a", "Two A, continued.")]
    assert [(n.call.file, n.call.line) for n in book.notes] == [("01.md", 3), ("01.md", 3), ("02.md", 3)]
    assert [(n.place.line, n.place.end_line) for n in book.notes] == [(5, 5), (6, 6), (5, 6)]


def test_numbering_can_restart_in_each_chapter(tmp_path: Path) -> None:
    book = load_book(tmp_path, "title: T\nnotes:\n  numbering: chapter\n", {
        "01.md": "# One\n\nA[^1] B[^2]\n\n[^1]: x\n[^2]: y\n",
        "02.md": "# Two\n\nC[^1] and an inline note^[z].\n\n[^1]: w\n",
    })
    assert [(n.seq, n.number) for n in book.notes] == [(1, 1), (2, 2), (3, 1), (4, 2)]
    assert stringify(book.notes[3].blocks) == "z"


def test_generated_ids_are_unique_across_the_book(tmp_path: Path) -> None:
    book = load_book(tmp_path, "title: T\n", {
        "01.md": "# I\n\n## Scene\n\nSee [scene](#scene).\n",
        "02.md": "# I\n\n## Scene\n\nSee [this scene](#scene) and [the first](01.md#scene).\n",
        "03.md": "# Explicit {#i-1}\n",
    })
    assert [c.id for c in book.chapters] == ["i", "i-2", "i-1"]
    assert [s.id for c in book.chapters for s in c.sections] == ["scene", "scene-1"]
    assert [link.target for link in book.links] == ["scene", "scene-1", "scene"]
    assert book.id_clashes == []


def test_explicit_id_given_twice_is_recorded(tmp_path: Path) -> None:
    book = load_book(tmp_path, "title: T\n", {
        "01.md": "# One\n\nText []{#here}.\n",
        "02.md": "# Two\n\n\nMore [text]{#here}.\n",
    })
    (first, second), = book.id_clashes
    assert (first.place.file, first.place.line) == ("01.md", 3)
    assert (second.place.file, second.place.line) == ("02.md", 4)
    assert len({a.id for a in book.anchors.values()}) == len(book.anchors)


def test_blocks_know_their_lines(tmp_path: Path) -> None:
    text = ("# Title\n"                       # 1
            "\n"
            "A paragraph written\n"           # 3
            "over two lines.\n"               # 4
            "\n"
            "[^n]: A note between blocks.\n"  # 6
            "\n"
            "> A quotation\n"                 # 8
            "> in two lines.\n"               # 9
            "\n"
            "| Name | Value |\n"              # 11
            "|------|-------|\n"
            "| a    | 1     |\n"              # 13
            "\n"
            ": A caption\n"                   # 15
            "\n"
            "* * *\n"                         # 17
            "\n"
            "Last[^n].\n")                    # 19
    book = load_book(tmp_path, "title: T\n", {"01.md": text})
    spans = [(b.node["t"], b.place.line, b.place.end_line) for b in book.chapters[0].blocks]
    assert spans == [("Header", 1, 1), ("Para", 3, 4), ("BlockQuote", 8, 9), ("Table", 11, 15),
                     ("HorizontalRule", 17, 17), ("Para", 19, 19)]


def test_citations_and_footnotes_share_one_sequence(tmp_path: Path) -> None:
    bib = "@book{k, author={Doe, Jane}, title={A Title}, date={2000}, location={Paris}, publisher={P}}\n"
    root = write_book(tmp_path, "title: T\nbibliography: refs.bib\n", {
        "refs.bib": bib,
        "01.md": "# One\n\nCited [@k, p. 5]. Noted[^1]. Cited again [@k, p. 6].\n\n"
                 "[^1]: A note citing [@k, p. 7].\n",
    })
    book = load(root, Progress(quiet=True))
    assert [(n.kind, stringify(n.blocks)) for n in book.notes] == [
        ("citation", "Jane Doe, A Title (Paris: P, 2000), 5."),
        ("footnote", "A note citing (Doe, A Title, 7)."),
        ("citation", "Doe, A Title, 6."),
    ]
    assert [(c.key, c.note, c.place.line) for c in book.citations] == [
        ("k", 1, 3), ("k", 2, 5), ("k", 3, 3)]


def test_reserved_ids_are_renamed_not_taken(tmp_path: Path) -> None:
    book = load_book(tmp_path, "title: T\n", {
        "01.md": "# One\n\n## Notes {#endnotes}\n\nText []{#page-3} and [a link](#endnotes).\n"})
    ids = sorted(book.anchors)
    assert "endnotes" not in ids and "page-3" not in ids
    assert "endnotes-id-1" in ids and "page-3-1" in ids
    assert [(a.id, a.place.line) for a in book.reserved_ids] == [("endnotes", 3), ("page-3", 5)]
