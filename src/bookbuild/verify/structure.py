"""Verify stage: the structure of a screen edition, as a reading system or a browser meets it.

Every link and every resource a document names must exist: the file in the edition, the fragment
as an id in that file; and no id may be given twice in one document (a link to it would land
on either). EPUBCheck reports these as RSC-007, RSC-012 and RSC-005; the build finds them itself
before an edition is moved into place, and names the manuscript place they come from.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import etree

# Where documents name other files: (attribute, the elements that carry it).
_REFERENCES = (("href", {"a", "link", "area"}), ("src", {"img", "script", "source", "audio",
                                                         "video", "iframe", "content"}),
               ("{http://www.w3.org/1999/xlink}href", {"image", "use"}))


@dataclass(frozen=True)
class Problem:
    """One structural fault: what kind, in which document, about which target or id."""

    kind: str               # "missing-file", "missing-fragment" or "duplicate-id"
    document: str           # the document's name inside the edition
    target: str             # the reference as written, or the id given twice

    @property
    def fragment(self) -> str:
        return self.target.partition("#")[2] if self.kind != "duplicate-id" else self.target

    def describe(self) -> str:
        if self.kind == "missing-file":
            return f"{self.document} links to {self.target}, a file the edition does not have"
        if self.kind == "missing-fragment":
            return f"{self.document} links to {self.target}, but no element has that id"
        return f"{self.document} gives the id '{self.target}' to more than one element"


def structure_problems(documents: dict[str, etree._Element], files: Iterable[str]) -> list[Problem]:
    """The faults of an edition made of `documents` (name -> parsed root; names are paths
    inside the edition, '/'-separated) and holding `files` (every path inside it)."""
    present = set(files) | set(documents)
    ids = {name: _ids(root) for name, root in documents.items()}
    problems: list[Problem] = []
    for name, root in documents.items():
        problems.extend(Problem("duplicate-id", name, anchor) for anchor in _duplicates(root))
        for reference in _references(root):
            problems.extend(_resolve(name, reference, present, ids))
    return problems


def _resolve(name: str, reference: str, present: set[str], ids: dict[str, set[str]]
             ) -> Iterator[Problem]:
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or reference.startswith("//"):
        return                                  # the web, mailto:, data: are not the edition's
    target = name
    if parts.path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
        if target not in present:
            yield Problem("missing-file", name, reference)
            return
    fragment = unquote(parts.fragment)
    if fragment and target in ids and fragment not in ids[target]:
        yield Problem("missing-fragment", name, reference)


def _elements(root: etree._Element, templates: bool = False) -> Iterator[etree._Element]:
    """Every element a reader's DOM has: a <template>'s content is inert (its ids are not the
    page's), so it is left out unless `templates` (its links work once a script shows it)."""
    stack = [root]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        yield element
        if templates or _local(element.tag) != "template":
            stack.extend(reversed(list(element)))


def _ids(root: etree._Element) -> set[str]:
    return {str(element.get("id")) for element in _elements(root) if element.get("id")}


def _duplicates(root: etree._Element) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for element in _elements(root):
        anchor = element.get("id")
        if anchor and anchor in seen and anchor not in twice:
            twice.append(anchor)
        elif anchor:
            seen.add(anchor)
    return twice


def _references(root: etree._Element) -> Iterator[str]:
    for element in _elements(root, templates=True):
        local = _local(element.tag)
        for attribute, tags in _REFERENCES:
            value = element.get(attribute)
            if value and local in tags:
                yield value


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()
