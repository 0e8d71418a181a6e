"""Write stage, HTML: each page's `<meta name="description">`, the words a search engine shows
under its title (Lighthouse counts a page without one against it).

The index page has the book's own blurb (`description`, else its subtitle, else title and
author); a chapter page has its opening sentences, so that each page says what it holds; the
notes, bibliography and search pages say what they are. The template escapes the text.
"""

from __future__ import annotations

import re

from bookbuild.ast import stringify
from bookbuild.config import BookConfig
from bookbuild.model import Chapter

# What search engines show of a description; a longer one is cut at a word, with an ellipsis.
LIMIT = 160
# A chapter's opening sentences are taken until they make at least this many characters.
ENOUGH = 80
# The end of a sentence: its mark (and closing quotes or brackets), a space, and a capital or an
# opening mark. No-break spaces (after "Mr.", "p.", parse/spacing.py) are not spaces here.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[’”\"')\]]*[ \n]+(?=[‘“\"(\[]?[A-ZÀ-ÖØ-ÞА-Я])")


def book_description(config: BookConfig) -> str:
    if config.description:
        return shorten(config.description)
    if config.subtitle:
        return shorten(config.subtitle)
    if config.authors:
        return shorten(f"{config.title}, by {', '.join(config.authors)}.")
    return shorten(config.title)


def chapter_description(config: BookConfig, chapter: Chapter) -> str:
    """The opening sentences of the chapter's first paragraph, else the book's description."""
    first = next((block.node for block in chapter.blocks if block.node["t"] == "Para"), None)
    text = stringify(first) if first is not None else ""
    if not text:
        return book_description(config)
    opening = ""
    for sentence in _SENTENCE_END.split(text):
        opening = f"{opening} {sentence}".strip()
        if len(opening) >= ENOUGH:
            break
    return shorten(opening)


def section_description(config: BookConfig, what: str) -> str:
    """The notes, bibliography or search page: what it is, of which book."""
    return shorten(f"{what} {config.title}.")


def shorten(text: str) -> str:
    """At most LIMIT characters, cut after a whole word."""
    text = " ".join(text.split())
    if len(text) <= LIMIT:
        return text
    cut = text[:LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:—– ")
    return cut + "…"
