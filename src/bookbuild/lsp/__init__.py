"""Language server: `bookbuild lsp`, the findings of `bookbuild check` in the author's editor.

Speaks the Language Server Protocol over stdio (pygls): every finding inline as the author types,
quick fixes, go to definition and hover for citation keys and links, completion of keys and
anchors. The modules, in the order a keystroke meets them:

    server.py      the pygls handlers; when checks run, what is published
    checking.py    `check_workspace`: `pipeline.check` with the editor's unsaved chapters
    positions.py   a finding's place, or the key or anchor under the cursor, in a file's lines
    actions.py     quick fixes: did-you-mean replacements, accepting a finding in book.yaml
    navigation.py  definition, hover, completion, from the book model
    client.py      a minimal client over stdio, for the tests and the benchmark
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def run_server(manuscript: Path | None = None) -> None:
    """Serve the editor on stdin/stdout until it says exit. `manuscript` fixes the manuscript
    folder; without it, each opened file's nearest folder holding book.yaml is its book."""
    from bookbuild.lsp.server import create_server  # pygls only for this command

    # stdout carries the protocol: anything else written there (a stray print, a child
    # process's output) would break it, so fd 1 becomes stderr and the protocol keeps a copy.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    server = create_server(manuscript)
    try:
        server.start_io(sys.stdin.buffer, protocol_out)
    finally:
        server.checker.shutdown(wait=False, cancel_futures=True)
