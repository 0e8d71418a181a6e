"""`bookbuild import FILE --to DIR`: a Word, OpenDocument, web-page or plain-text manuscript
becomes a manuscript folder. Read as a table of contents:

    1. read        read.py, package.py, text.py   the file -> one pandoc AST and its metadata
    2. revisions   revisions.py                   Word's tracked changes accepted, comments out
    3. web         notes.py, web.py, text.py      a page's notes, leftovers, byline; headings
                                                  guessed in plain text
    4. clean       clean.py                       manual formatting out (ordered small rules)
    5. split       split.py                       chapters at the top heading level
    6. write       media.py, markdown.py,         images/, NN-slug.md one sentence a line,
                   write.py                       book.yaml, references.bib, in a staging folder
    7. report      references.py, report.py       typed references with their citations, the
                                                  check's findings, each at its file:line

Nothing is written to DIR until the whole manuscript is ready; the input is only read.
"""

from __future__ import annotations

from bookbuild.importer.errors import ImportFailure

__all__ = ["ImportFailure", "import_manuscript"]


def __getattr__(name: str) -> object:
    """`import_manuscript` and its steps are imported on first use, so that the command line,
    which registers `bookbuild import`, starts without them (PEP 562)."""
    if name == "import_manuscript":
        from bookbuild.importer.run import import_manuscript
        return import_manuscript
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
