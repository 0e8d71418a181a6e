"""Index stage: the index marks of the book model, gathered into sorted entries.

Read as a table of contents:

    0. terms      a term's words, its titles in *...* (italics), its plain words
    1. entries    marks -> entries of up to three levels (makeindex's "!"), each with its
                  locators (a mark, or a range's start and end) and its see / see-also
    2. collation  entries sorted by ICU's Unicode Collation Algorithm for the book's language
                  (`sort="..."` replaces an entry's words as its key), levels within levels
    3. ranges     a range of print pages in Chicago's inclusive-number style ("142-45")

Every edition renders the same entries (`Index.entries`); they differ only in what a locator
shows: the print page in the PDF, a link labelled with that page in the EPUB and the HTML.
"""

from bookbuild.index.collation import Collator, collator
from bookbuild.index.entries import Entry, Locator, build_index
from bookbuild.index.ranges import page_range
from bookbuild.index.terms import plain, term_html

__all__ = ["Collator", "Entry", "Locator", "build_index", "collator", "page_range", "plain",
           "term_html"]
