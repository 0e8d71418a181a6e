"""Write stage: run the writers, the print editions in a second process.

Laying out the PDF is the longest job by far and WeasyPrint uses one core. So the print writers
run in a forked child, which shares the book model already parsed here (nothing is parsed
twice), while this process writes the screen editions. The screen editions carry the print page
numbers, so they wait for one message from the child: the page map, sent as soon as the PDF is
laid out and before it is written and preflighted.

Every edition is still written to a temporary name and moved into place by whichever process
writes it; an edition that fails its own check does not replace the previous one.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book, PrintPages
from bookbuild.output import atomic_path
from bookbuild.progress import Progress
from bookbuild.writers.base import WriteContext, Writer
from bookbuild.writers.record import LAST_BUILD, EditionRecord


@dataclass
class Written:
    """One writer's outcome: its target, what its check found, whether it replaced the old one
    (`accepted`), and whether its check failed (a draft is moved into place all the same)."""

    target: Path
    findings: list[Diagnostic] = field(default_factory=list)
    accepted: bool = True
    record: EditionRecord = field(default_factory=EditionRecord)   # made again, reused

    @property
    def failed(self) -> bool:
        return any(finding.is_error for finding in self.findings)


def write_editions(book: Book, out: Path, writers: list[Writer], context: WriteContext,
                   progress: Progress) -> list[Written]:
    """Write every edition; in parallel when there is a print and a screen edition to write."""
    LAST_BUILD.editions.clear()
    written = _write_editions(book, out, writers, context, progress)
    for writer, result in zip(writers, written, strict=True):
        LAST_BUILD.editions[writer.name] = result.record
    return written


def _write_editions(book: Book, out: Path, writers: list[Writer], context: WriteContext,
                    progress: Progress) -> list[Written]:
    printed = [writer for writer in writers if writer.lays_out_pages]
    screen = [writer for writer in writers if not writer.lays_out_pages]
    if not printed or not screen or (os.cpu_count() or 1) < 2:
        return [write_edition(book, out, writer, context, progress) for writer in writers]
    child = _PrintProcess(book, out, printed, context, progress)
    try:
        book.print_pages = child.page_map()
        done = {id(w): write_edition(book, out, w, context, progress) for w in screen}
        done.update(zip((id(w) for w in printed), child.results(), strict=True))
    finally:
        child.stop()
    return [done[id(writer)] for writer in writers]


def write_edition(book: Book, out: Path, writer: Writer, context: WriteContext,
                  progress: Progress) -> Written:
    """Write one edition to a temporary name, read it back (`writer.verify`), and move it into
    place if it passed, or if this is a draft."""
    target = writer.target(book, out)
    name = writer.name.upper()
    record = EditionRecord()
    context = replace(context, record=record)
    try:
        with atomic_path(target) as staged:
            progress.step(f"Writing the {name} edition", writer.write, book, staged, context)
            findings = progress.step(f"Checking the {name} edition", writer.verify, book, staged)
            if any(finding.is_error for finding in findings) and not context.draft:
                raise _Rejection(findings)     # leaves the block without moving the edition
    except _Rejection as rejection:
        return Written(target, rejection.findings, accepted=False, record=record)
    return Written(target, findings, record=record)


class _Rejection(Exception):
    def __init__(self, findings: list[Diagnostic]) -> None:
        super().__init__("the edition failed its check")
        self.findings = findings


class _PrintProcess:
    """The print writers in a forked child; messages come back over a pipe."""

    def __init__(self, book: Book, out: Path, writers: list[Writer], context: WriteContext,
                 progress: Progress) -> None:
        fork = multiprocessing.get_context("fork")
        self.receiver, sender = fork.Pipe(duplex=False)
        # Not a daemon: the PDF writer starts processes of its own.
        self.process = fork.Process(target=_child, args=(sender, book, out, writers, context,
                                                         progress.child("pdf")))
        self.process.start()
        sender.close()
        self.pages: PrintPages | None = None
        self.done: list[Written] | None = None
        self.finished = False           # the child sent its last message

    def page_map(self) -> PrintPages | None:
        while self.done is None and self.pages is None:
            self._receive()
        return self.pages

    def results(self) -> list[Written]:
        while self.done is None:
            self._receive()
        return self.done

    def stop(self) -> None:
        """Let a child that has reported its end exit by itself; stop one that has not."""
        if self.finished:
            self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receiver.close()

    def _receive(self) -> None:
        try:
            kind, value = receive(self.receiver, self.process, "the PDF writer")
        except Exception:
            # The child failed and said so, or died: it has ended. (Ctrl-C or SIGTERM here is
            # not an Exception: then the child is still at work and must be stopped.)
            self.finished = True
            raise
        if kind == "pages":
            self.pages = value
        elif kind == "done":
            self.done = value
            self.finished = True


def receive(connection: Connection, process: BaseProcess, what: str) -> tuple[str, Any]:
    """The next message from a child process, as (kind, value). An exception the child sent
    back is raised here; a child that ended without a word is reported with its exit status."""
    try:
        kind, value = connection.recv()
    except EOFError:
        process.join()
        raise RuntimeError(f"{what} stopped unexpectedly (exit status {process.exitcode}); "
                           "run again with --debug") from None
    if kind == "error":
        raise value
    return kind, value


def _child(sender: Connection, book: Book, out: Path, writers: list[Writer],
           context: WriteContext, progress: Progress) -> None:
    die_with_parent()
    try:
        context = replace(context, laid_out=lambda pages: sender.send(("pages", pages)),
                          progress=progress)
        results = [write_edition(book, out, writer, context, progress) for writer in writers]
        sender.send(("done", results))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        # From here on, being stopped needs no clean-up: no Python-level handler.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sender.send(("error", picklable(exc)))
    finally:
        sender.close()


def picklable(exc: BaseException) -> BaseException:
    import pickle
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001 - an exception we cannot send becomes its description
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def die_with_parent() -> None:
    """If the parent is killed, the child is too, so it never moves a PDF into place late."""
    try:
        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

