"""`bookbuild lsp`: a real editor session with the server in a subprocess, over stdio.

The findings of the check appear on a keystroke and go away when mended; the quick fixes
replace a wrong key and accept a repetition or a variant in book.yaml (which still loads, and
the finding goes); go to definition, hover and completion answer from the book model; a
book.yaml that cannot be read is reported, not fatal.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bookbuild.config import load_config
from bookbuild.lsp.client import LspClient
from conftest import MANUSCRIPT

TIMEOUT = 60        # seconds any one answer may take before the test fails

PASSAGE = ("The factory committees met every evening in the canteen to settle the rates of pay "
           "the hours of the night shift and the names of those who would go to the soviet")
ONE = ("# One {#sec-one}\n\n"
       "The committees ran the factories [@smith1983, p. 165].\n\n"
       f"{PASSAGE}.\n\n"
       "The works fell fell quiet.\n")
TWO = ("# Two\n\n"
       "The unions absorbed them [@brinton1970, p. 32]; see [the first](01-one.md#sec-one).\n\n"
       f"As before: {PASSAGE}.\n")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    shutil.copy(MANUSCRIPT / "references.bib", root)
    (root / "book.yaml").write_text("title: Served\nauthor: A. Writer\nlang: en-GB\n"
                                    "bibliography: references.bib\n", encoding="utf-8")
    (root / "01-one.md").write_text(ONE, encoding="utf-8")
    (root / "02-two.md").write_text(TWO, encoding="utf-8")
    return root


@pytest.fixture
def client(book: Path, tmp_path: Path) -> Iterator[LspClient]:
    env = {**os.environ, "BOOKBUILD_CACHE": str(tmp_path / "cache")}
    session = LspClient([sys.executable, "-m", "bookbuild", "lsp"], cwd=book, env=env)
    try:
        session.initialize(book, TIMEOUT)
        yield session
    finally:
        assert session.close() == 0, session.stderr_text()


def _open(client: LspClient, path: Path) -> str:
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "markdown", "version": 1,
        "text": path.read_text(encoding="utf-8")}})
    return uri


def _change(client: LspClient, uri: str, version: int, text: str) -> float:
    """Replace the whole text (as an editor may); returns when it was sent."""
    sent = time.monotonic()
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": text}]})
    return sent


def _codes(diagnostics: list[dict[str, Any]]) -> set[str]:
    return {d["code"] for d in diagnostics}


def _apply(text: str, edits: list[dict[str, Any]]) -> str:
    """TextEdits applied to a text (ASCII here, so UTF-16 columns are string indices)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: dict[str, int]) -> int:
        return offsets[min(position["line"], len(lines))] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


def _position(text: str, needle: str, into: int = 1) -> dict[str, int]:
    """The position `into` characters inside the first `needle` of a text."""
    at = text.index(needle) + into
    line = text.count("\n", 0, at)
    return {"line": line, "character": at - (text.rfind("\n", 0, at) + 1)}


def test_findings_fixes_and_navigation(client: LspClient, book: Path) -> None:
    uri = _open(client, book / "01-one.md")
    first = client.diagnostics(uri, TIMEOUT)
    assert "unknown-citation" not in _codes(first)
    bib = client.diagnostics((book / "references.bib").as_uri(), TIMEOUT, since=0)
    assert "unused-reference" in _codes(bib)          # files other than the one open have theirs

    # A key mistyped: the finding arrives on the keystroke, at the key, as an error.
    wrong = ONE.replace("smith1983", "smith1938")
    sent = _change(client, uri, 2, wrong)
    found = client.diagnostics(uri, TIMEOUT, since=sent, version=2,
                               where=lambda ds: "unknown-citation" in _codes(ds))
    unknown = next(d for d in found if d["code"] == "unknown-citation")
    assert unknown["severity"] == 1 and unknown["source"] == "bookbuild"
    assert unknown["range"]["start"] == _position(wrong, "@smith1938")
    assert unknown["range"]["end"] == _position(wrong, "@smith1938", len("@smith1938"))
    assert "smith1938" in unknown["message"]
    # The repeated passage names the passage it repeats.
    duplicate = client.diagnostics((book / "02-two.md").as_uri(), TIMEOUT)
    related = next(d for d in duplicate if d["code"] == "duplicate-passage")["relatedInformation"]
    assert related[0]["location"]["uri"] == uri and related[0]["location"]["range"]["start"]["line"] == 4

    # The quick fix puts the right key in its place.
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": unknown["range"],
        "context": {"diagnostics": [unknown]}}, TIMEOUT)
    fix = next(a for a in actions if "smith1983" in a["title"])
    assert fix["kind"] == "quickfix" and fix["isPreferred"]
    mended = _apply(wrong, fix["edit"]["changes"][uri])
    assert mended == ONE
    sent = _change(client, uri, 3, mended)
    cleared = client.diagnostics(uri, TIMEOUT, since=sent, version=3)
    assert "unknown-citation" not in _codes(cleared)

    # Go to definition: the key to its entry in the .bib, a link to its anchor.
    place = client.request("textDocument/definition", {
        "textDocument": {"uri": uri}, "position": _position(ONE, "@smith1983", 3)}, TIMEOUT)
    bib_text = (book / "references.bib").read_text(encoding="utf-8")
    assert place["uri"] == (book / "references.bib").as_uri()
    assert place["range"]["start"]["line"] == _position(bib_text, "@book{smith1983", 0)["line"]
    two = _open(client, book / "02-two.md")
    place = client.request("textDocument/definition", {
        "textDocument": {"uri": two}, "position": _position(TWO, "#sec-one", 2)}, TIMEOUT)
    assert place["uri"] == uri and place["range"]["start"]["line"] == 0

    # Hover: the entry as the bibliography prints it.
    hover = client.request("textDocument/hover", {
        "textDocument": {"uri": uri}, "position": _position(ONE, "@smith1983", 2)}, TIMEOUT)
    assert hover["contents"]["kind"] == "markdown"
    assert "*Red Petrograd" in hover["contents"]["value"]

    # Completion: keys after @, anchors after ](#.
    typing = ONE + "\nSee [@bri and [here](#sec-\n"
    _change(client, uri, 4, typing)
    items = client.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": _position(typing, "[@bri", 5)}, TIMEOUT)["items"]
    brinton = next(i for i in items if i["label"] == "brinton1970")
    assert "Brinton" in brinton["detail"] and "1970" in brinton["detail"]
    assert all(i["label"].startswith("bri") for i in items)
    items = client.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": _position(typing, "(#sec-", 6)}, TIMEOUT)["items"]
    assert [i["label"] for i in items] == ["sec-one"] and "01-one.md" in items[0]["detail"]


def test_accepting_in_book_yaml(client: LspClient, book: Path) -> None:
    one, two = _open(client, book / "01-one.md"), _open(client, book / "02-two.md")
    config = book / "book.yaml"
    doubled = next(d for d in client.diagnostics(one, TIMEOUT, where=lambda ds: bool(ds))
                   if d["code"] == "doubled-word")
    duplicate = next(d for d in client.diagnostics(two, TIMEOUT, where=lambda ds: bool(ds))
                     if d["code"] == "duplicate-passage")
    for uri, finding, key in ((one, doubled, "accepted_variants"),
                              (two, duplicate, "accepted_duplicates")):
        actions = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": finding["range"],
            "context": {"diagnostics": [finding]}}, TIMEOUT)
        accept = next(a for a in actions if "book.yaml" in a["title"])
        before = config.read_text(encoding="utf-8")
        after = _apply(before, accept["edit"]["changes"][config.as_uri()])
        assert after.startswith(before)               # the rest of book.yaml as it was
        config.write_text(after, encoding="utf-8")
        loaded, _ = load_config(book)
        assert len(getattr(loaded, key)) == 1
        sent = time.monotonic()
        client.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
        # book.yaml has no version to wait for: a check under way at the save may still
        # publish the finding; the one after the save must clear it.
        client.diagnostics(uri, TIMEOUT, since=sent,
                           where=lambda ds, code=finding["code"]: code not in _codes(ds))


def test_a_book_yaml_that_cannot_be_read_is_reported(client: LspClient, book: Path) -> None:
    one = _open(client, book / "01-one.md")
    client.diagnostics(one, TIMEOUT)
    config = book / "book.yaml"
    config.write_text("title: [Served\nauthor: A. Writer\n", encoding="utf-8")
    sent = time.monotonic()
    client.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
    reported = client.diagnostics(config.as_uri(), TIMEOUT, since=sent, where=bool)
    assert reported[0]["severity"] == 1
    # The server goes on: it still answers, and a mended book.yaml is checked again.
    assert client.request("textDocument/hover", {
        "textDocument": {"uri": one}, "position": _position(ONE, "@smith1983", 2)}, TIMEOUT)
    config.write_text("title: Served\nauthor: A. Writer\nbibliography: references.bib\n",
                      encoding="utf-8")
    sent = time.monotonic()
    client.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
    client.diagnostics(config.as_uri(), TIMEOUT, since=sent, where=lambda ds: not ds)
