"""The incremental build: after an edit, the print edition lays out again only the chapters whose
pages changed (and those whose folios moved), and the front and back matter only when what they
show changed; and every edition is, byte for byte, the one a cold build of the same manuscript
writes with an empty cache. No timings here: `bench/bench_incremental.py` measures speed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bookbuild.pipeline import build
from bookbuild.progress import Progress
from bookbuild.writers.record import LAST_BUILD
from conftest import EPOCH

SLUG = "incremental"
PARAGRAPH = ("The committee met again in the long room above the printing works, and the "
             "delegates of the districts read out their reports one after another while the "
             "lamps were lit and the snow went on falling over the river and the bridges. ")
CHAPTERS = {
    f"0{number}-{name}.md": f"# Chapter {name.title()}\n\n"
    + "".join(f"{PARAGRAPH * 3}\n\n" for _ in range(4))
    + f"The count of {name} was disputed.[^{name}]\n\n[^{name}]: As the minutes of {name} say.\n"
    for number, name in enumerate(("one", "two", "three", "four"), start=1)}
FILES = [f"{SLUG}.pdf", f"{SLUG}.epub"]


@pytest.fixture
def manuscript(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A book of four chapters with a note each, and a build cache of its own."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("BOOKBUILD_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "book"
    root.mkdir()
    (root / "book.yaml").write_text("title: Incremental\nauthor: A. Writer\nlang: en-GB\n",
                                    encoding="utf-8")
    for name, text in CHAPTERS.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _build(root: Path, out: Path) -> str:
    """Build the three editions; what the progress said."""
    # Two processes at least: the print edition is laid out in gatherings only then.
    said = io.StringIO()
    result = build(root, out, ["pdf", "epub", "html"], Progress(stream=said), draft=True, jobs=2)
    assert not result.rejected and len(result.outputs) == 3
    return said.getvalue()


def _cold(root: Path, out: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold build: a cache of its own, empty, restored to the book's cache after."""
    with monkeypatch.context() as patch:
        patch.setenv("BOOKBUILD_CACHE", str(cache))
        _build(root, out)


def _same_editions(a: Path, b: Path) -> None:
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    pages = sorted(p.relative_to(a / "html") for p in (a / "html").rglob("*") if p.is_file())
    assert pages == sorted(p.relative_to(b / "html") for p in (b / "html").rglob("*") if p.is_file())
    for page in pages:
        assert (a / "html" / page).read_bytes() == (b / "html" / page).read_bytes(), page


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_lays_out_only_what_it_moved_and_the_editions_equal_a_cold_build(
        manuscript: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _build(manuscript, out)
    assert len(LAST_BUILD.made("pdf")) == 6                     # four chapters, front, back
    assert LAST_BUILD.reused("pdf") == []

    # One paragraph, one word: the chapter's page count stays, nothing else moves.
    _edit(manuscript / "02-two.md", "the long room", "the narrow room")
    said = _build(manuscript, out)
    assert "Parsing 1 chapter with pandoc" in said                   # the model: one chapter
    assert "3 of 4 chapters unchanged, read from the build cache" in said
    assert "1 of 4 chapters checked again" in said                   # the chapter checks
    assert LAST_BUILD.made("pdf") == ["02-two.md"]                   # the print edition
    assert sorted(LAST_BUILD.reused("pdf")) == ["01-one.md", "03-three.md", "04-four.md",
                                                "back matter", "front matter"]
    _cold(manuscript, tmp_path / "cold-1", tmp_path / "cache-1", monkeypatch)
    _same_editions(out, tmp_path / "cold-1")

    # Two pages more: the chapters after it are laid out again at their new folios, the
    # contents and the notes' running heads with them; the chapter before it is not.
    _edit(manuscript / "02-two.md", "was disputed.", "was disputed.\n\n" + PARAGRAPH * 30 + "\n")
    _build(manuscript, out)
    assert LAST_BUILD.made("pdf") == ["02-two.md", "03-three.md", "04-four.md", "front matter",
                                      "back matter"]
    assert LAST_BUILD.reused("pdf") == ["01-one.md"]
    _cold(manuscript, tmp_path / "cold-2", tmp_path / "cache-2", monkeypatch)
    _same_editions(out, tmp_path / "cold-2")

    # A damaged entry is a miss: that chapter is laid out again, and the book is the same.
    for entry in (tmp_path / "cache").joinpath("pdf-written").rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:-100])
    _build(manuscript, out)
    assert len(LAST_BUILD.made("pdf")) == 6
    _same_editions(out, tmp_path / "cold-2")


def test_with_the_cache_off_the_print_edition_is_the_same(
        manuscript: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(manuscript, tmp_path / "cached")
    _build(manuscript, tmp_path / "cached")
    assert len(LAST_BUILD.made("pdf")) == 0
    monkeypatch.setenv("BOOKBUILD_CACHE", "off")
    _build(manuscript, tmp_path / "off")
    assert len(LAST_BUILD.made("pdf")) == 6
    _same_editions(tmp_path / "cached", tmp_path / "off")
