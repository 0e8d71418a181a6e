"""Write stage: the HTML edition's search index, read by js/search.js on the search page.

One entry per passage a reader would want to land on (a paragraph, a heading, a list item, a
note, a bibliography entry), with the nearest id before it so that a result opens the page at
that passage. It is a script (`window.bookbuildSearch = ...`) rather than JSON so that search also
works when the folder is opened from disk, where browsers refuse to fetch files.
"""

from __future__ import annotations

import json
import re

from lxml import html

# Elements whose text is one passage; nested ones (a paragraph in a list item) are taken alone.
_PASSAGES = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "th", "td",
             "figcaption", "caption", "pre"}
# Not part of the passage's text: note calls, back links, print page numbers.
_SKIP = ("contains(concat(' ', @class, ' '), ' noteref ') or @role='doc-backlink' "
         "or contains(concat(' ', @role, ' '), ' doc-pagebreak ')")


def search_index(pages: list[tuple[str, str, str]]) -> str:
    """`pages` are (file name, title, markup) in reading order."""
    titles = []
    entries: list[list[object]] = []
    for number, (name, title, markup) in enumerate(pages):
        titles.append([name, _squeeze(html.fromstring(f"<p>{title}</p>").text_content())])
        entries.extend([number, anchor, text] for anchor, text in _passages(markup))
    data = json.dumps({"pages": titles, "entries": entries}, ensure_ascii=False,
                      separators=(",", ":"))
    return f"window.bookbuildSearch = {data};\n"


def _passages(markup: str) -> list[tuple[str, str]]:
    root = html.document_fromstring(markup)
    main = root.find(".//main")
    if main is None:
        return []
    for template in list(main.iter("template")):
        template.drop_tree()
    for element in main.xpath(f".//*[{_SKIP}]"):
        # Its text goes, its id stays: a note call is a fine place to land.
        marker = html.Element("span", id=element.get("id")) if element.get("id") else None
        if marker is None:
            element.drop_tree()
            continue
        marker.tail, element.tail = element.tail, None
        element.getparent().replace(element, marker)
    found: list[tuple[str, str]] = []
    anchor = ""
    entries = _index_entries(main)
    for element in main.iter():
        if not isinstance(element.tag, str):
            continue
        anchor = element.get("id") or anchor
        if element in entries:
            found.append((anchor, entries[element]))
            continue
        if element.tag in _PASSAGES and not any(child.tag in _PASSAGES for child in element.iter()
                                                 if child is not element):
            text = _squeeze(element.text_content())
            if text:
                found.append((anchor, text))
    return found


def _index_entries(main: html.HtmlElement) -> dict[html.HtmlElement, str]:
    """The index page's entries, each a passage of its own with the terms above it: a search
    for "derided" finds "Kollontai, Alexandra — derided by Lenin, 3"."""
    entries: dict[html.HtmlElement, str] = {}
    for item in main.xpath(".//li[span[contains(@class, 'index-term')]]"):
        own = item.__copy__()
        for nested in own.xpath("./ol"):
            nested.drop_tree()
        terms = [_squeeze(a.xpath("./span[contains(@class, 'index-term')]")[0].text_content())
                 for a in reversed(list(item.iterancestors("li")))
                 if a.xpath("./span[contains(@class, 'index-term')]")]
        entries[item] = " — ".join([*terms, _squeeze(own.text_content())])
    return entries


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
