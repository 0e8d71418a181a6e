"""The same commands on real books at scale: Ten Days, War and Peace, and all of Gibbon.

The builds and checks are conftest.py's `Early` work, started in the background when the
session begins: minutes of one core, mostly spent while earlier tests leave that core idle."""

from __future__ import annotations

import json
import zipfile
from collections import Counter

import pytest
from lxml import etree

from conftest import Early, corpus_book
from readers import epub_notes, html_notes

BOOKS = [
    ("reed-ten-days", "ten-days-that-shook-the-world", 20),
    ("tolstoy-war-and-peace", "war-and-peace", 137),
    ("gibbon-decline-and-fall", "the-history-of-the-decline-and-fall-of-the-roman-empire", 8575),
]


@pytest.mark.parametrize("name, slug, notes", [
    pytest.param(*book, id=book[0], marks=pytest.mark.early(f"editions:{book[0]}")) for book in BOOKS])
def test_corpus_book_builds_epub_and_html(early: Early, name: str, slug: str, notes: int) -> None:
    corpus_book(name)
    # A draft: the corpus holds real repeated passages that the check reports (see below).
    # `build --draft --format epub,html`, then `verify --format epub,html` (conftest.EARLY_WORK).
    editions = early.result(f"editions:{name}")
    result, out = editions.build, editions.out
    assert result.code == 0, result.stderr[-3000:]
    epub = out / f"{slug}.epub"
    from_epub = epub_notes(epub)
    from_html = html_notes(out / "html")
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
    # Every note of the model, read back from both screen editions, word for word.
    verified = editions.verify
    assert verified.code == 0, verified.stdout[-3000:]
    assert f"verified: {notes} notes agree" in verified.stdout and "in EPUB, HTML" in verified.stdout


@pytest.mark.early("editions:tolstoy-war-and-peace")
def test_war_and_peace_headings_get_unique_ids(early: Early) -> None:
    manuscript = corpus_book("tolstoy-war-and-peace")
    headings = [p for p in sorted(manuscript.glob("*.md")) if p.read_text().startswith("# I\n")]
    assert len(headings) == 17
    # The web edition of the test above (the same bytes as one built with `--format html`).
    editions = early.result("editions:tolstoy-war-and-peace")
    result = editions.build
    assert result.code == 0, result.stderr[-3000:]
    ids = []
    for page in sorted((editions.out / "html").glob("*.html")):
        root = etree.parse(str(page), etree.HTMLParser()).getroot()
        ids += [h.get("id") for h in root.iter("h1") if h.text == "I"]
    assert len(ids) == 17 and len(set(ids)) == 17


# What `bookbuild check` finds in the corpus: the repetitions its README names (accepted ones are
# not reported), and real ones it does not name, each checked by reading both places.
CORPUS_FINDINGS = {
    "reed-ten-days": [
        # the Congress's appeal against pogroms, quoted in chapter 5 and again in appendix 8
        ("23-appendix-8.md", 27, "08-chapter-5.md", 314),
    ],
    "tolstoy-war-and-peace": [
        # Napoleon's fourth order, given in full, then quoted piece by piece in the analysis
        ("230-chapter-3-2-27.md", 55, "230-chapter-3-2-27.md", 39),
    ],
    "gibbon-decline-and-fall": [
        # Milman's note 15-102 reuses two passages of his own preface
        ("19-chapter-15.md", 175, "01-preface-1.md", 43),
        ("19-chapter-15.md", 175, "01-preface-1.md", 45),
        # a note's sentence also stands, as a stray paragraph, in the text of chapter 23
        ("27-chapter-23.md", 263, "27-chapter-23.md", 47),
        # the source defect: note 39-15 swallowed the text of note 39-16
        ("43-chapter-39.md", 93, "43-chapter-39.md", 91),
    ],
}


@pytest.mark.parametrize("name", [pytest.param(name, id=name, marks=pytest.mark.early(f"check:{name}"))
                                  for name in CORPUS_FINDINGS])
def test_check_reports_the_real_repetitions(early: Early, name: str) -> None:
    corpus_book(name)
    result = early.result(f"check:{name}")      # `check --format json` (conftest.EARLY_WORK)
    report = json.loads(result.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    found = [(f["file"], f["line"], f["related"][0]["file"], f["related"][0]["line"])
             for f in errors]
    assert found == CORPUS_FINDINGS[name]
    # the copy-editing checks only warn: the repeats are the only errors
    assert {f["code"] for f in errors} == {"duplicate-passage"}
    assert result.code == 1
