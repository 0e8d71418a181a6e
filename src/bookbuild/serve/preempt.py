"""Serve stage: build the PDF in a child process, stopped when the manuscript changes under it.

The PDF takes seconds to minutes to lay out, the HTML edition well under one. So the PDF is built
in a forked child while this process keeps scanning the manuscript; on a change the child is
stopped as Ctrl-C stops `bookbuild build` (its temporary files removed, the PDF in place left as
it was) and the next HTML edition is not kept waiting.

A child rather than an exception raised in this process by a signal: an exception can land
anywhere, in a lock's release say, and the server lives on after it; a stopped child is gone.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

from bookbuild.serve.watch import Watcher
from bookbuild.writers.schedule import die_with_parent, picklable, receive

SCAN_SECONDS = 0.1       # how often the manuscript is scanned while the child works

T = TypeVar("T")


class Superseded(Exception):
    """The manuscript changed while the child worked; it was stopped."""


def run_unless_changed(work: Callable[[], T], watcher: Watcher) -> T:
    """`work()` run in a forked child, its result (which must pickle). Raises `Superseded` once the
    manuscript differs from the watcher's last scan; what `work` raises is raised here."""
    fork = multiprocessing.get_context("fork")
    receiver, sender = fork.Pipe(duplex=False)
    # Not a daemon: the PDF writer starts processes of its own.
    child = fork.Process(target=_child, args=(sender, work), name="bookbuild-pdf")
    child.start()
    sender.close()
    answered = False
    try:
        while not receiver.poll(SCAN_SECONDS):
            if watcher.scan() != watcher.last:
                raise Superseded
        answered = True             # a result, an exception, or the end of a child that died
        _, value = receive(receiver, child, "the PDF build")
        result: T = value
        return result
    finally:
        # A child still at work cleans up after itself (see _child); one that answered is ending.
        if not answered and child.is_alive():
            child.terminate()
        child.join()
        receiver.close()


def _child(sender: Connection, work: Callable[[], object]) -> None:
    die_with_parent()
    # Stopped by SIGTERM as by Ctrl-C: a KeyboardInterrupt, so that the finally blocks of the
    # build run (temporary files removed, the writer's own processes stopped).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        sender.send(("done", work()))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        signal.signal(signal.SIGTERM, signal.SIG_DFL)     # from here, stopping needs no clean-up
        sender.send(("error", picklable(exc)))
    finally:
        sender.close()
