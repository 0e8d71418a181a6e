"""Serve stage: `bookbuild serve` builds the HTML edition, serves it on localhost and rebuilds it
when the manuscript changes; the pages reload themselves.

    watch.py        notices changes by polling the manuscript folder
    server.py       serves OUT/html, the status of the last build, and the live-reload script
    livereload.js   the script: reloads the page after a rebuild, shows errors in a banner

Builds run on the main thread, one at a time, so Ctrl-C interrupts a rebuild as it interrupts
`bookbuild build` (the edition in place stays as it was); the server answers from its own threads.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bookbuild.diagnostics import BookError, Diagnostic, Place, count_findings, error, print_findings
from bookbuild.pipeline import build
from bookbuild.progress import Progress
from bookbuild.serve.server import BookServer, ServeError, open_server
from bookbuild.serve.watch import Watcher
from bookbuild.writers import writers_for

__all__ = ["ServeError", "serve"]

FORMATS = ["html"]


def serve(manuscript: Path, out: Path, host: str, port: int, progress: Progress,
          debug: bool = False) -> None:
    """Serve until Ctrl-C (or SIGTERM). Bad input before the first build raises `BookError`, a
    port that cannot be had `ServeError`, a Ctrl-C during the first build KeyboardInterrupt."""
    with _stop_signals(), open_server(host, port, debug) as server:
        watcher = Watcher(manuscript)     # before the build, so edits made during it count
        # A draft, so that an author with a broken reference still sees the page (and the error).
        result = build(manuscript, out, FORMATS, progress, draft=True)
        print_findings(result.findings, sys.stderr)
        if result.errors:
            print(f"bookbuild: draft built despite {count_findings(result.findings)}; the pages "
                  "show the errors until they are fixed", file=sys.stderr)
        server.root = writers_for(FORMATS)[0].target(result.book, out).resolve()
        server.state.update(result.findings, written=True)
        watcher.exclude(server.root)
        thread = threading.Thread(target=server.serve_forever, name="bookbuild-server", daemon=True)
        thread.start()
        print(f"serving {server.url()} (Ctrl-C to stop)", flush=True)
        try:
            _watch(watcher, server, manuscript, out, debug)
        except KeyboardInterrupt:
            print("bookbuild: stopped serving", file=sys.stderr)
        finally:
            server.shutdown()


def _watch(watcher: Watcher, server: BookServer, manuscript: Path, out: Path, debug: bool) -> None:
    """Rebuild after each change, forever. Changes made during a rebuild are seen by the next
    scan, which compares with the scan taken before it: they cause one more rebuild."""
    deferred = False
    while True:
        changes = _describe(watcher.wait())
        try:
            outcome = _rebuild(manuscript, out, changes, debug)
        except KeyboardInterrupt:
            print("bookbuild: the rebuild under way was abandoned; the edition in place is the "
                  "previous one", file=sys.stderr)
            raise
        if not deferred and watcher.scan() != watcher.last:
            # Saved again while being read: the build may have read half a save (an empty
            # chapter, say). Its errors would be false alarms; the next rebuild starts at once.
            deferred = True
            print(f"bookbuild: the manuscript changed during the rebuild ({changes}); "
                  "rebuilding again", file=sys.stderr)
            continue
        deferred = False
        server.state.update(outcome.findings, outcome.written)
        print_findings(outcome.findings, sys.stderr)
        print(outcome.message, file=sys.stderr)


@dataclass(frozen=True)
class _Outcome:
    findings: list[Diagnostic]
    written: bool               # a new edition is in place
    message: str                # the line that ends the report


def _rebuild(manuscript: Path, out: Path, changes: str, debug: bool) -> _Outcome:
    """Rebuild; when that fails, the last edition stays in place and the outcome says why."""
    started = time.perf_counter()
    try:
        result = build(manuscript, out, FORMATS, Progress(quiet=True), draft=True)
    except BookError as exc:
        return _Outcome(exc.diagnostics, False, f"bookbuild: not rebuilt ({changes}): "
                        f"{count_findings(exc.diagnostics)}; still serving the previous edition. "
                        "Fix the manuscript and save again.")
    except Exception as exc:  # a bug: report it and keep serving rather than stop the author
        if debug:
            traceback.print_exc()
        message = (f"internal error ({type(exc).__name__}: {exc}) while rebuilding; this is a bug "
                   "in bookbuild, not in your manuscript. Run again with --debug for details.")
        return _Outcome([error("internal-error", message, Place("bookbuild"))], False,
                        f"bookbuild: not rebuilt ({changes}); still serving the previous edition")
    summary = f": {count_findings(result.findings)}" if result.findings else ""
    return _Outcome(result.findings, bool(result.outputs),
                    f"rebuilt in {time.perf_counter() - started:.1f} s ({changes}){summary}")


def _describe(changed: list[str]) -> str:
    """'01-one.md changed', '01-one.md, 02-two.md changed', '01-one.md and 4 more changed'."""
    if len(changed) <= 2:
        return f"{', '.join(changed)} changed"
    return f"{changed[0]} and {len(changed) - 1} more changed"


@contextmanager
def _stop_signals() -> Iterator[None]:
    """Ctrl-C and SIGTERM stop the server by KeyboardInterrupt, even when the parent process
    ignores SIGINT (as shells do for background jobs), so that the finally blocks run: the
    build under way cleans up after itself and the port is released."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.default_int_handler)
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
