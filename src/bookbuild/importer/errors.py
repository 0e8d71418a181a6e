"""Import, every stage: the one exception that stops an import.

An `ImportFailure` is the user's problem (a missing or unreadable file, a folder that is not
empty), never a bug: the command prints its message as one line, `bookbuild: ...`, saying what
to do, and exits with status 2. Nothing has been written when it is raised.
"""

from __future__ import annotations


class ImportFailure(Exception):
    """The document cannot be imported; the message says why and what to do."""
