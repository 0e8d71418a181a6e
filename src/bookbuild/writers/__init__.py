"""Write stage: the writers, one per edition, registered in one list (Sphinx's builders).

Every writer has the same small interface (`base.Writer`): a name, the target it produces, and
`write(book, path, context)`. All of them read the same book model through an `EditionView`.
"""

from __future__ import annotations

from bookbuild.editions import DEFAULT_FORMATS, EDITION_NAMES
from bookbuild.writers.base import Writer
from bookbuild.writers.cover import CoverWriter
from bookbuild.writers.epub import EpubWriter
from bookbuild.writers.html import HtmlWriter
from bookbuild.writers.pdf import PdfWriter
from bookbuild.writers.pdf.variants import VARIANTS

# In the order they run: the print edition first, because laying it out records the print page
# numbers that the EPUB and HTML editions carry.
WRITERS: tuple[Writer, ...] = (PdfWriter(VARIANTS["pdf"]), EpubWriter(), HtmlWriter(),
                               PdfWriter(VARIANTS["proof"]), PdfWriter(VARIANTS["reader-pdf"]),
                               PdfWriter(VARIANTS["pdf-x1a"]), CoverWriter(), CoverWriter(proof=True))
if tuple(writer.name for writer in WRITERS) != EDITION_NAMES:     # the command line lists these
    raise ImportError(f"editions.EDITION_NAMES does not list the writers {[w.name for w in WRITERS]}")

__all__ = ["DEFAULT_FORMATS", "WRITERS", "writer_names", "writers_for"]


def writer_names() -> list[str]:
    return [writer.name for writer in WRITERS]


def writers_for(names: list[str]) -> list[Writer]:
    return [writer for writer in WRITERS if writer.name in names]
