"""Serve stage: `bookbuild serve` builds the HTML edition and the print PDF, serves them on
localhost and rebuilds them when the manuscript changes; the pages reload themselves.

    watch.py        notices changes by polling the manuscript folder
    preempt.py      builds the PDF in a child process, stopped when the manuscript changes
    server.py       serves OUT/html, the PDF proof page and its PDF, the status of the builds,
                    and the live-reload script
    livereload.js   the script: reloads the page after a rebuild, shows errors in a banner
    pdfpage.html    the PDF proof page: a header bar and the browser's PDF viewer
    pdfpage.js      its script: shows the status, loads each new PDF

After each change the HTML edition is built first (under a second) and its pages reload; then
the PDF (seconds to minutes), which the proof page loads when it is in place. A change saved
while the PDF is built sets that build aside, so the HTML is never kept waiting by the PDF.

Builds run one at a time, the HTML on the main thread and the PDF in a child it waits for, so
Ctrl-C interrupts a rebuild as it interrupts `bookbuild build` (the edition in place stays as it
was); the server answers from its own threads.
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
from bookbuild.model import Book
from bookbuild.pipeline import build
from bookbuild.progress import Progress
from bookbuild.serve.preempt import Superseded, run_unless_changed
from bookbuild.serve.server import PDF_PAGE_PATH, BookServer, PdfState, ServeError, open_server
from bookbuild.serve.watch import Watcher
from bookbuild.writers import writers_for

__all__ = ["ServeError", "serve"]

FORMATS = ["html"]
PDF_FORMATS = ["pdf"]       # built apart: together, the HTML would wait for the PDF's page map


def serve(manuscript: Path, out: Path, host: str, port: int, progress: Progress,
          debug: bool = False, pdf: bool = True) -> None:
    """Serve until Ctrl-C (or SIGTERM). Bad input before the first build raises `BookError`, a
    port that cannot be had `ServeError`, a Ctrl-C during the first build KeyboardInterrupt.
    With `pdf`, the print PDF is built after each HTML edition and shown on a page of its own."""
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
        if pdf:
            server.state.pdf = PdfState(result.book.config.title)
            server.state.begin("pdf")
            watcher.exclude(_pdf_target(result.book, out))
        watcher.exclude(server.root)
        thread = threading.Thread(target=server.serve_forever, name="bookbuild-server", daemon=True)
        thread.start()
        print(f"serving {server.url()} (Ctrl-C to stop)", flush=True)
        if pdf:
            print(f"PDF proof: {server.url()}{PDF_PAGE_PATH.lstrip('/')} (the PDF is built after "
                  "the HTML edition)", flush=True)
        try:
            if pdf:
                _build_pdf(watcher, server, manuscript, out, None, debug)
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
        server.state.begin("html")
        try:
            outcome = _rebuild(manuscript, out, FORMATS, changes, debug)
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
        if server.state.pdf is None:
            continue
        if outcome.written:
            _build_pdf(watcher, server, manuscript, out, changes, debug)
        else:               # the PDF would fail as the HTML did: its page shows why
            server.state.update_pdf(outcome.findings, False, None)


def _build_pdf(watcher: Watcher, server: BookServer, manuscript: Path, out: Path,
               changes: str | None, debug: bool) -> None:
    """Build the PDF after the HTML edition (`changes` is None the first time); set it aside if
    the manuscript changes meanwhile: the next pass of the watch loop builds both again."""
    server.state.begin("pdf")
    try:
        outcome = run_unless_changed(lambda: _rebuild(manuscript, out, PDF_FORMATS, changes, debug),
                                     watcher)
    except Superseded:
        server.state.set_aside()
        print("bookbuild: the manuscript changed while the PDF was built; the HTML edition "
              "first, then the PDF", file=sys.stderr)
        return
    except KeyboardInterrupt:
        print("bookbuild: the PDF build under way was abandoned; the PDF in place is the "
              "previous one", file=sys.stderr)
        raise
    except Exception as exc:  # the child died (out of memory, say): keep serving
        outcome = _internal_error(exc, "PDF not rebuilt", debug)
    if outcome.pdf is not None and outcome.written:
        server.pdf = outcome.pdf
        watcher.exclude(server.pdf)     # a new title may have given it a new name
    server.state.update_pdf(outcome.findings, outcome.written, outcome.title)
    # The checks ran for the HTML edition just before: say only what is new (the PDF's own).
    print_findings([f for f in outcome.findings if f not in server.state.findings], sys.stderr)
    print(outcome.message, file=sys.stderr)


def _pdf_target(book: Book, out: Path) -> Path:
    return writers_for(PDF_FORMATS)[0].target(book, out).resolve()


@dataclass(frozen=True)
class _Outcome:
    findings: list[Diagnostic]
    written: bool               # a new edition is in place
    message: str                # the line that ends the report
    title: str | None = None    # the book's, when it could be read
    pdf: Path | None = None     # where its PDF goes


def _rebuild(manuscript: Path, out: Path, formats: list[str], changes: str | None,
             debug: bool) -> _Outcome:
    """Rebuild; when that fails, the last edition stays in place and the outcome says why."""
    started = time.perf_counter()
    what, why = ("PDF " if formats == PDF_FORMATS else ""), (f" ({changes})" if changes else "")
    try:
        result = build(manuscript, out, formats, Progress(quiet=True), draft=True)
    except BookError as exc:
        return _Outcome(exc.diagnostics, False, f"bookbuild: {what}not rebuilt{why}: "
                        f"{count_findings(exc.diagnostics)}; still serving the previous edition. "
                        "Fix the manuscript and save again.")
    except Exception as exc:  # a bug: report it and keep serving rather than stop the author
        return _internal_error(exc, f"{what}not rebuilt{why}", debug)
    summary = f": {count_findings(result.findings)}" if result.findings else ""
    verb = "rebuilt" if changes else "built"
    return _Outcome(result.findings, bool(result.outputs),
                    f"{what}{verb} in {time.perf_counter() - started:.1f} s{why}{summary}",
                    result.book.config.title, _pdf_target(result.book, out))


def _internal_error(exc: Exception, what: str, debug: bool) -> _Outcome:
    if debug:
        traceback.print_exc()
    message = (f"internal error ({type(exc).__name__}: {exc}) while rebuilding; this is a bug "
               "in bookbuild, not in your manuscript. Run again with --debug for details.")
    return _Outcome([error("internal-error", message, Place("bookbuild"))], False,
                    f"bookbuild: {what}; still serving the previous edition")


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
