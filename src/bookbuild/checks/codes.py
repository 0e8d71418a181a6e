"""Checks stage: every finding code bookbuild reports, in one list (Standard Ebooks style).

Codes are stable: scripts and editors may rely on them. Each code has one severity, given here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bookbuild.diagnostics import Diagnostic, Place, Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    what: str


CODES: tuple[Code, ...] = (
    # references to the bibliography
    Code("unknown-citation", ERROR, "a citation key that the bibliography lacks"),
    Code("duplicate-reference", ERROR, "a key defined twice in the bibliography"),
    Code("unused-reference", WARNING, "a bibliography entry nothing cites"),
    # footnotes
    Code("undefined-footnote", ERROR, "a [^label] with no definition in its file"),
    Code("unused-footnote", WARNING, "a footnote definition nothing references"),
    Code("duplicate-footnote", ERROR, "a footnote label defined twice in one file"),
    # anchors and links
    Code("broken-link", ERROR, "an internal link that no anchor matches"),
    Code("duplicate-anchor", ERROR, "one explicit id given twice in the book"),
    Code("reserved-anchor", ERROR, "an explicit id that the editions use for themselves"),
    # cross-references
    Code("unknown-crossref", ERROR, "a cross-reference (@fig-, @tbl-, @sec-, @page-) to no id"),
    Code("crossref-kind", ERROR, "a cross-reference whose prefix names another kind of element "
         "than the one its id is on"),
    # the index
    Code("index-term-variant", WARNING, "an index term typed two ways (case, spacing, "
         "punctuation): the index would list both"),
    Code("index-see-unknown", ERROR, "an index see or see-also that names no entry"),
    Code("index-range-unclosed", ERROR, "an index range (a fenced div) that never closes"),
    Code("index-too-deep", ERROR, "an index term of more than three levels"),
    Code("index-term-missing", ERROR, "an index range that names no term"),
    # images
    Code("missing-image", ERROR, "an image that does not exist inside the manuscript folder"),
    Code("remote-image", ERROR, "an image on the web: editions never fetch anything"),
    Code("image-format", ERROR, "an image not in PNG, JPEG, GIF, WebP or SVG, or not what its name says"),
    Code("image-unsafe", ERROR, "an SVG with a script, an event handler or an outside reference"),
    Code("image-without-alt", WARNING, "an image with no text alternative for readers who cannot see it"),
    # markup
    Code("unclosed-fence", ERROR, "a code fence that is never closed: the rest of the file becomes code"),
    Code("unclosed-div", WARNING, "a fenced or HTML div never closed: it runs to the chapter's end"),
    Code("duplicate-link-definition", WARNING, "a link reference defined twice: the last URL is used"),
    Code("raw-html-unsafe", ERROR, "raw HTML that would run a script or load something from outside"),
    Code("raw-html", WARNING, "raw HTML, dropped from the editions (its text is kept)"),
    # text
    Code("duplicate-passage", ERROR, "a passage that appears twice in the book"),
    Code("unused-accepted-duplicate", WARNING, "an accepted-duplicates entry that matches nothing"),
    # copy-editing (checks/copyedit/): the book's own usage is the standard
    Code("doubled-word", WARNING, "a word typed twice (\"and and\")"),
    Code("spelling-variant", WARNING, "one word spelt two ways in the book (-ise/-ize, -our/-or, "
         "hyphenated/solid...)"),
    Code("capitalisation-variant", WARNING, "one term capitalised two ways in the book"),
    Code("quote-style", WARNING, "quotation marks against the book's style, or without a partner"),
    Code("unbalanced-bracket", WARNING, "( [ { without their partner in a paragraph"),
    Code("dash-style", WARNING, "a hyphen used as a dash, dashes spaced two ways, a range with a hyphen"),
    Code("spacing", WARNING, "two spaces, a space before punctuation, none after it"),
    Code("quotation-without-source", WARNING, "a long quotation with no citation or note nearby"),
    Code("ellipsis-style", WARNING, "ellipses typed more than one way"),
    Code("unused-accepted-variant", WARNING, "an accepted-variants entry that matches nothing"),
    # fonts
    Code("missing-glyph", ERROR, "a character that no font of the book has: it would print as an empty box"),
    Code("font-invalid", ERROR, "a fallback font that cannot be read or may not be embedded"),
    # delivery: printers and stores
    Code("delivery-trim", WARNING, "a trim size a printer the book is delivered to does not print"),
    Code("delivery-isbn", WARNING, "no ISBN where a printer or store the book is delivered to needs one"),
    Code("delivery-metadata", WARNING, "book.yaml lacks what a store the book is delivered to asks "
         "for (the publisher)"),
    Code("delivery-store-link", WARNING, "a link to a store that a store the book is delivered "
         "to rejects books for"),
    # found while reading and parsing (reported by those stages)
    Code("missing-heading", ERROR, "a chapter that does not open with a level-1 heading"),
    Code("config-unknown-key", ERROR, "a book.yaml key bookbuild does not know (a typo loses a setting)"),
    Code("config-invalid", ERROR, "a book.yaml value that does not fit its key"),
    Code("config-missing", ERROR, "a required book.yaml key that is absent"),
    Code("config-syntax", ERROR, "book.yaml is not valid YAML"),
    Code("missing-file", ERROR, "a file named in book.yaml that does not exist"),
    Code("bibliography-ambiguous-and", WARNING, "a BibLaTeX publisher, institution or organization "
         "whose ' and ' may split one name"),
    Code("encoding", ERROR, "a file that is not UTF-8 text"),
    Code("control-character", ERROR, "an invisible control character, which EPUB and HTML cannot hold"),
    Code("paragraph-too-long", ERROR, "a paragraph of more than 200,000 characters (lost line breaks)"),
    Code("nesting-too-deep", ERROR, "lists or block quotes nested more than 40 deep"),
)

SEVERITY = {code.code: code.severity for code in CODES}


LEVELS = ("off", "warning", "error")


def finding(code: str, message: str, place: Place, related: tuple[Place, ...] = ()) -> Diagnostic:
    """A diagnostic with the severity the table gives its code."""
    return Diagnostic(code, SEVERITY[code], message, place, related)


def apply_levels(findings: Iterable[Diagnostic], levels: Mapping[str, str]) -> list[Diagnostic]:
    """The findings as book.yaml's `checks.<code>: off | warning | error` wants them: the one
    place where a code's severity is changed or the code silenced."""
    result: list[Diagnostic] = []
    for found in findings:
        level = levels.get(found.code)
        if level == "off":
            continue
        if level is not None and level != found.severity.value:
            found = dataclasses.replace(found, severity=Severity(level))
        result.append(found)
    return result
