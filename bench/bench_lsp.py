"""Benchmark: `bookbuild lsp`, from a keystroke to the findings in the editor, on Gibbon.

    .venv/bin/python bench/bench_lsp.py [BOOK_DIR] [CHAPTER] [--edits N]

A real client (`bookbuild.lsp.client`) drives `bookbuild lsp` in a subprocess over
stdio, with an empty build cache of its own: it opens the largest chapter (cold: every chapter
parsed by pandoc), then types N edits, each a broken link on a new line, and times each
didChange to the publishDiagnostics that carries that edit's finding (the debounce included).
It also times a completion asked while a check runs: the server must answer at once. The
manuscript is only read; the goal is findings within 1 s of the last keystroke.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bookbuild.lsp.client import LspClient

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "gibbon-decline-and-fall"
TIMEOUT = 900


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("chapter", nargs="?", default=None,
                        help="the chapter to edit (default: the largest)")
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    book: Path = args.book.resolve()
    chapter = book / args.chapter if args.chapter else \
        max(book.glob("*.md"), key=lambda p: p.stat().st_size)
    text = chapter.read_text(encoding="utf-8")
    uri = chapter.as_uri()
    print(f"{book.name}: editing {chapter.name} ({len(text.encode()) / 1000:.0f} KB, "
          f"{text.count(chr(10)):,} lines)")

    with tempfile.TemporaryDirectory(prefix="bookbuild-bench-lsp-") as cache:
        env = {**os.environ, "BOOKBUILD_CACHE": cache}
        # The root is the book's parent: no check starts before the chapter is opened.
        client = LspClient([sys.executable, "-m", "bookbuild", "lsp"], cwd=book.parent, env=env)
        try:
            client.initialize(book.parent, TIMEOUT)
            sent = time.monotonic()
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
            arrived, _ = client.wait_for(lambda m: _published(m, uri), TIMEOUT, since=sent)
            print(f"cold (didOpen, empty build cache): {arrived - sent:.2f} s; "
                  f"server check {_check_seconds(client):.2f} s")
            times = []
            for number in range(1, args.edits + 1):
                anchor = f"bench-anchor-{number}"
                text += f"\nSee [nowhere](#{anchor}).\n"
                line = text.count("\n") - 1
                sent = time.monotonic()
                client.notify("textDocument/didChange", {
                    "textDocument": {"uri": uri, "version": number + 1},
                    "contentChanges": [{"text": text}]})
                if number == 1:
                    responsive = _completion_time(client, uri, line)
                arrived, _ = client.wait_for(lambda m, a=anchor, n=line: _carries(m, uri, a, n),
                                             TIMEOUT, since=sent)
                times.append(arrived - sent)
                print(f"edit {number} (didChange -> publishDiagnostics): {arrived - sent:.2f} s; "
                      f"server check {_check_seconds(client):.2f} s")
            print(f"warm: median {statistics.median(times):.2f} s over {len(times)} edits "
                  f"(debounce included); a completion during a check answered in "
                  f"{responsive * 1000:.0f} ms")
        finally:
            client.close()


def _published(message: dict[str, object], uri: str) -> bool:
    params = message.get("params")
    return message.get("method") == "textDocument/publishDiagnostics" and \
        isinstance(params, dict) and params.get("uri") == uri


def _carries(message: dict[str, object], uri: str, anchor: str, line: int) -> bool:
    """A publication for `uri` holding the broken-link finding of this edit, at its line."""
    if not _published(message, uri):
        return False
    params = message["params"]
    assert isinstance(params, dict)
    return any(d["code"] == "broken-link" and anchor in d["message"]
               and d["range"]["start"]["line"] == line for d in params["diagnostics"])


def _completion_time(client: LspClient, uri: str, line: int) -> float:
    """How long a completion takes while the server is checking (after the debounce)."""
    time.sleep(0.5)
    started = time.monotonic()
    client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                               "position": {"line": line, "character": 15}}, 60)
    return time.monotonic() - started


def _check_seconds(client: LspClient) -> float:
    """The time of the server's last check, from its log message."""
    logs = [m["params"]["message"] for m in client.notifications("window/logMessage")]
    found = [log for log in logs if "findings in" in log]
    return float(found[-1].rsplit("(", 1)[1].split(" s)")[0]) if found else float("nan")


if __name__ == "__main__":
    main()
