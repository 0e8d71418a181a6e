"""Every build proves what it writes: an edition is read back before it is moved into place.

The proof is the real one (`bookbuild.verify`) run on real editions that were damaged on
purpose after writing, the way a writer's bug would damage them.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from bookbuild.model import Book
from bookbuild.pipeline import load
from bookbuild.progress import Progress
from bookbuild.verify import check_edition
from bookbuild.writers.base import WriteContext
from bookbuild.writers.epub import EpubWriter
from bookbuild.writers.html import HtmlWriter
from bookbuild.writers.schedule import write_edition
from conftest import MANUSCRIPT, bookbuild

SLUG = "revolution-destroyed"


@pytest.fixture(scope="module")
def book() -> Book:
    return load(MANUSCRIPT, Progress(quiet=True))


def _rewrite_epub(source: Path, target: Path, change: dict[str, tuple[str, str]]) -> None:
    """Copy an EPUB, replacing text in some of its documents: {name: (pattern, replacement)}."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename in change:
                pattern, replacement = change[info.filename]
                data, count = re.subn(pattern, replacement, data.decode(), count=1)
                assert count == 1, f"nothing to change in {info.filename}"
                data = data.encode()
            new.writestr(info, data)


def test_a_clean_edition_passes(essay: Path, book: Book) -> None:
    assert check_edition(book, "EPUB", essay / f"{SLUG}.epub") == []
    assert check_edition(book, "HTML", essay / "html") == []
    assert not [f for f in check_edition(book, "PDF", essay / f"{SLUG}.pdf") if f.is_error]


def test_a_lost_anchor_a_repeated_id_and_a_missing_file_are_named(essay: Path, book: Book,
                                                                  tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.epub"
    chapter = "EPUB/01-revolution-destroyed.xhtml"
    _rewrite_epub(essay / f"{SLUG}.epub", damaged, {
        chapter: (r'id="noteref-4"', 'id="noteref-3"'),            # 4 lost, 3 given twice
        "EPUB/notes.xhtml": (r'href="01-revolution-destroyed\.xhtml#noteref-5"',
                             'href="02-missing.xhtml#noteref-5"'),
    })
    findings = check_edition(book, "EPUB", damaged)
    texts = [f.to_text() for f in findings]
    assert all(f.is_error for f in findings)
    codes = {f.code for f in findings}
    assert {"edition-id", "edition-link"} <= codes
    repeated = next(f for f in findings if f.code == "edition-id")
    assert "'noteref-3'" in repeated.message and repeated.place == book.notes[2].call
    lost = next(f for f in findings if "#noteref-4" in f.message)
    assert lost.place == book.notes[3].call, texts
    assert any("02-missing.xhtml#noteref-5" in t and "does not have" in t for t in texts)


def test_a_note_that_differs_from_the_model_is_named(essay: Path, book: Book, tmp_path: Path) -> None:
    site = tmp_path / "html"
    shutil.copytree(essay / "html", site)
    notes = site / "notes.html"
    text = notes.read_text(encoding="utf-8")
    notes.write_text(re.sub(r'(id="note-2"[^>]*>\s*<p>)', r"\1Inserted words. ", text, count=1),
                     encoding="utf-8")
    findings = check_edition(book, "HTML", site)
    assert [f.code for f in findings] == ["notes-differ"]
    assert findings[0].place == book.notes[1].place
    assert "note 2 reads differently in the HTML edition" in findings[0].message


@dataclass
class _Damaging:
    """A real writer whose output is damaged after it is written, as a bug would."""

    inner: EpubWriter | HtmlWriter
    damage: object

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def write(self, book: Book, path: Path, context: WriteContext) -> None:
        self.inner.write(book, path, context)
        self.damage(path)  # type: ignore[operator]


def _drop_note_3(site: Path) -> None:
    notes = site / "notes.html"
    notes.write_text(notes.read_text(encoding="utf-8").replace('id="note-3"', 'id="note-x"'),
                     encoding="utf-8")


def test_a_failing_edition_is_not_moved_into_place(book: Book, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "html").mkdir(parents=True)
    (out / "html" / "index.html").write_text("the previous edition", encoding="utf-8")
    writer = _Damaging(HtmlWriter(), _drop_note_3)
    written = write_edition(book, out, writer, WriteContext(timestamp=0), Progress(quiet=True))  # type: ignore[arg-type]
    assert not written.accepted and written.failed
    assert any(f.code == "notes-missing" and f.place == book.notes[2].place for f in written.findings)
    assert (out / "html" / "index.html").read_text(encoding="utf-8") == "the previous edition"
    assert [p.name for p in out.iterdir()] == ["html"], "a temporary copy was left behind"


def test_a_draft_keeps_a_failing_edition_and_says_so(book: Book, tmp_path: Path) -> None:
    writer = _Damaging(HtmlWriter(), _drop_note_3)
    written = write_edition(book, tmp_path, writer, WriteContext(timestamp=0, draft=True),  # type: ignore[arg-type]
                            Progress(quiet=True))
    assert written.accepted and written.failed
    assert "note-x" in (tmp_path / "html" / "notes.html").read_text(encoding="utf-8")


def test_verify_fails_when_an_edition_it_was_asked_for_is_missing(essay: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(essay / f"{SLUG}.epub", out / f"{SLUG}.epub")
    result = bookbuild("verify", "--manuscript", MANUSCRIPT, "--out", out)
    assert result.code == 1
    assert "error edition-missing" in result.stdout and "no PDF edition" in result.stdout
    only = bookbuild("verify", "--manuscript", MANUSCRIPT, "--out", out, "--format", "epub")
    assert only.code == 0, only.stdout
    assert "in EPUB" in only.stdout


def test_verify_names_an_edition_of_another_book_instead_of_its_notes(essay: Path, tmp_path: Path) -> None:
    """Two books built into one folder share OUT/html: verify says so, not "note 1 differs"."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "book.yaml").write_text("title: Another Book\n", encoding="utf-8")
    (other / "01.md").write_text("# One\n\nText.[^1]\n\n[^1]: A note.\n", encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(essay / "html", out / "html")
    result = bookbuild("verify", "--manuscript", other, "--out", out, "--format", "html")
    assert result.code == 1
    assert "error edition-other-book" in result.stdout and "“Revolution Destroyed”" in result.stdout
    assert "notes-differ" not in result.stdout and "notes-missing" not in result.stdout
