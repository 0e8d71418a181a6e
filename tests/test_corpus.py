"""The same commands on real books at scale: Ten Days, War and Peace, and all of Gibbon."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from conftest import bookbuild, corpus_book
from readers import epub_notes, html_notes

BOOKS = [
    ("reed-ten-days", "ten-days-that-shook-the-world", 20),
    ("tolstoy-war-and-peace", "war-and-peace", 137),
    ("gibbon-decline-and-fall", "the-history-of-the-decline-and-fall-of-the-roman-empire", 8575),
]


@pytest.mark.parametrize("name, slug, notes", BOOKS, ids=[b[0] for b in BOOKS])
def test_corpus_book_builds_epub_and_html(tmp_path: Path, name: str, slug: str, notes: int) -> None:
    manuscript = corpus_book(name)
    result = bookbuild("build", "--manuscript", manuscript, "--out", tmp_path, "--format", "epub,html")
    assert result.code == 0, result.stderr[-3000:]
    epub = tmp_path / f"{slug}.epub"
    from_epub = epub_notes(epub)
    from_html = html_notes(tmp_path / "html")
    assert len(from_epub) == notes
    assert from_epub == from_html
    assert [n.number for n in from_epub] == list(range(1, notes + 1))
    ids: Counter[str] = Counter()
    with zipfile.ZipFile(epub) as archive:
        for member in archive.namelist():
            if member.endswith(".xhtml"):
                root = etree.fromstring(archive.read(member))
                ids.update(f"{member}#{e.get('id')}" for e in root.iter() if e.get("id"))
    assert [i for i, count in ids.items() if count > 1] == []


def test_war_and_peace_headings_get_unique_ids(tmp_path: Path) -> None:
    manuscript = corpus_book("tolstoy-war-and-peace")
    headings = [p for p in sorted(manuscript.glob("*.md")) if p.read_text().startswith("# I\n")]
    assert len(headings) == 17
    result = bookbuild("build", "--manuscript", manuscript, "--out", tmp_path, "--format", "html")
    assert result.code == 0, result.stderr[-3000:]
    ids = []
    for page in sorted((tmp_path / "html").glob("*.html")):
        root = etree.parse(str(page), etree.HTMLParser()).getroot()
        ids += [h.get("id") for h in root.iter("h1") if h.text == "I"]
    assert len(ids) == 17 and len(set(ids)) == 17
