"""Index stage, step 0: the words of a term, and the titles among them.

A term is plain text with one piece of Markdown: `*...*` sets words in italics, as the titles of
books, periodicals and films are in an index as in the text (Chicago 16.52): `term="*History of
the Russian Revolution* (Trotsky)"`. Words marked in the text (`[*Capital*]{.index}`) keep
their italics the same way. An entry sorts and is compared by its plain words.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")


def plain(term: str) -> str:
    """The words of `term` without its italics' asterisks: what it sorts and is compared by."""
    return _ITALIC.sub(r"\1", term)


def term_html(term: str) -> Markup:
    """`term` as HTML: escaped, its `*...*` in <i> (a title, not stress: HTML's i element)."""
    parts = _ITALIC.split(term)
    return Markup("").join(escape(part) if index % 2 == 0 else Markup("<i>{}</i>").format(part)
                           for index, part in enumerate(parts))
