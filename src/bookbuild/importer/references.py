"""Import, reporting stage: references typed in parentheses, and the citation each could be.

A manuscript written for print often gives its sources in the text: "(S. A. Smith, Red
Petrograd, p. 165)", "(Smith 1983, 165)", "(see Naimark, Stalin's Genocides)". bookbuild wants
citations, `[@smith, p. 165]`, and an entry in references.bib. The detector reads each chapter
as written and suggests the citation for every parenthesis whose parts look like references
(an author and a title or year, or a title and a page); the text is left as it is, since the key
must first exist in the bibliography. Parentheses that hold prose ("(the regime known as
'Stalinism')") are not references: their parts do not start with a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bookbuild.importer.tree import ascii_fold

_PARENS = re.compile(r"(?<![\]\\])\(([^()]{3,300}?)\)")
_NAME = r"(?:[A-Z]\.\s?)*(?:(?:van|von|de|da|del|der|du|la|le)\s)?[A-Z][\w’'-]+"
_AUTHORS = rf"(?P<authors>{_NAME}(?:\s{_NAME}){{0,3}}(?:(?:\s(?:and|&)\s|,\s){_NAME}){{0,2}}(?:\set\sal\.?)?)"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)[a-z]?"
_LOCATOR = (r"(?P<locator>(?:pp?\.|pages?|vol\.|ch\.|chap\.|S\.|§)\s?[\dIVXLCivxlc][\w\s,–—\-ff.]*"
            r"|\d+(?:[–-]\d+)?(?:ff?\.)?)")
_PREFIX = r"(?P<prefix>(?:.*?\b(?:see also|see|cf\.|e\.g\.|compare|in|quoted in|cited in|cited)\s+)?)"
_STRONG_PREFIX = re.compile(r"\b(?:see|cf\.|compare|quoted|cited)\b", re.I)
AUTHOR_DATE = re.compile(rf"^{_PREFIX}{_AUTHORS},?\s{_YEAR}(?:[,:]\s?{_LOCATOR})?(?P<rest>.*)$")
AUTHOR_TITLE = re.compile(
    rf"^{_PREFIX}{_AUTHORS},\s(?P<title>[^,]+(?:,\s(?!pp?\.)[^,]+)?)(?:,\s{_LOCATOR})?(?P<rest>.*)$")
TITLE_PAGE = re.compile(rf"^(?P<prefix>)(?P<title>[A-Z][^,]+),\s{_LOCATOR}(?P<rest>.*)$")
_NOT_AUTHORS = frozenset({"the", "a", "an", "in", "on", "and", "but", "for", "this", "that",
                          "these", "see", "cf", "ibid", "i", "it", "he", "she", "they", "we"})


@dataclass(frozen=True)
class Reference:
    """One parenthetical that looks like a reference, and its suggested citation."""

    text: str               # "(S. A. Smith, Red Petrograd, p. 165)"
    line: int               # 1-based, in the chapter file
    citation: str           # "[@smith, p. 165]"
    keys: tuple[str, ...]   # ("smith",)
    works: tuple[str, ...]  # ("Red Petrograd",): what the entries are, where known


def find_references(markdown: str) -> list[Reference]:
    """Every parenthetical of the chapter's Markdown that looks like a reference."""
    found: list[Reference] = []
    for match in _PARENS.finditer(markdown):
        inside = _unmark(match.group(1))
        parts = [_suggest(part.strip()) for part in inside.split(";")]
        cited = [p for p in parts if p is not None]
        if not cited:
            continue
        items = "; ".join(p[0] for p in cited)
        extra = [part.strip() for part, p in zip(inside.split(";"), parts, strict=True) if p is None]
        if extra and len(cited) < len(parts):
            items += ", " + "; ".join(extra) if len(extra) == 1 and len(extra[0].split()) <= 3 else ""
        line = markdown.count("\n", 0, match.start()) + 1
        found.append(Reference(f"({inside})", line, f"[{items}]",
                               tuple(p[1] for p in cited), tuple(p[2] for p in cited)))
    return found


def _unmark(text: str) -> str:
    """The words of Markdown: no emphasis marks or escapes."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*_]", "", text)).replace("\n", " ")


def _suggest(part: str) -> tuple[str, str, str] | None:
    """(citation item, key, work) for one part of a parenthetical, or None."""
    for pattern in (AUTHOR_DATE, AUTHOR_TITLE, TITLE_PAGE):
        match = pattern.match(part)
        if match is None:
            continue
        groups = match.groupdict()
        authors = groups.get("authors") or ""
        if authors and authors.split()[0].lower().rstrip(".") in _NOT_AUTHORS:
            continue
        if pattern is AUTHOR_TITLE and not _title_like(groups["title"] or "", groups.get("locator")):
            continue
        if pattern is AUTHOR_TITLE and not groups.get("locator") \
                and not _STRONG_PREFIX.search(groups.get("prefix") or ""):
            continue            # "(Petrograd, Moscow and Kiev)": a name and a title need a page
        if pattern is TITLE_PAGE and len(groups["title"].split()) > 8:
            continue
        key = _key(authors or groups["title"], groups.get("year") or "")
        locator = (groups.get("locator") or "").strip().rstrip(",")
        rest = (groups.get("rest") or "").strip(" ,")
        suffix = ", ".join(s for s in (locator, rest) if s)
        prefix = (groups.get("prefix") or "").strip()
        item = f"{prefix + ' ' if prefix else ''}@{key}{', ' + suffix if suffix else ''}"
        work = groups.get("title") or groups.get("year") or ""
        return item, key, work.strip()
    return None


def _title_like(title: str, locator: str | None) -> bool:
    """A title starts with a capital; without a page it must look like one (a few words,
    mostly capitalised), so that "(Trotsky, Lenin and the rest)" is not taken for one."""
    words = title.split()
    if not words or not words[0][:1].isupper() or len(words) > 12:
        return False
    if locator:
        return True
    capitals = sum(w[:1].isupper() or not w[:1].isalpha() for w in words)
    return capitals >= len(words) / 2


def _key(names: str, year: str) -> str:
    """'S. A. Smith' -> smith; 'Smith and Jones', 1983 -> smith1983; a title -> its first
    word that is not an article."""
    first = re.split(r",|\sand\s|\s&\s|\set\sal", names)[0]
    words = [w for w in re.findall(r"[\w’'-]+", first) if len(w) > 1 or not w.isupper()]
    if not words:
        return "source"
    if names and names[0].isupper() and year == "" and len(words) > 1 and \
            words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    surname = words[-1] if not _is_title(names) else words[0]
    surname = re.sub(r"[’']s$", "", surname)
    return re.sub(r"[^a-z0-9]", "", ascii_fold(surname).lower()) + year


def _is_title(names: str) -> bool:
    return len(names.split()) > 4 or bool(re.search(r"\b(?:of|the|a|and|in)\b", names))
