"""The editions by name: what `--format` offers and what `verify` reads back.

Kept apart from the writers and the readers so that the command line can list them without
importing either (WeasyPrint, pypdf and lxml take most of a second to import, and `bookbuild
check` needs none of them); `writers.WRITERS` and `verify.READERS` are checked against these
names when they are imported.
"""

from __future__ import annotations

# In the order they are written: the print edition first (its page numbers go into the others).
EDITION_NAMES = ("pdf", "epub", "html", "proof", "reader-pdf", "pdf-x1a", "cover", "cover-proof")
DEFAULT_FORMATS = ["pdf", "epub", "html"]

# What `verify` reads back unless told: the default editions, and the reader PDF when there is
# one (it is not built by default).
READER_PDF = "READER-PDF"
VERIFIED = ("EPUB", "HTML", "PDF")
VERIFIED_IF_PRESENT = (READER_PDF,)
