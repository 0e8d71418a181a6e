"""Config stage: the table of `book.yaml` keys, each with its validator and a line of help.

mkdocs-style: every key is declared once here; `load.py` walks the table, collects every problem
and only then stops. Keys use pandoc's names where pandoc has one.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bookbuild.checks.codes import Code

from bookbuild.delivery import profile_names
from bookbuild.parse.limits import CONTROL_CHARACTERS
from bookbuild.printspec import PAPERS


class Invalid(ValueError):
    """A value that does not fit its key; the message says what would. `complete`: the message
    lists what the key takes, so the key's help is not repeated after it."""

    def __init__(self, message: str, *, complete: bool = False) -> None:
        super().__init__(message)
        self.complete = complete


Check = Callable[[object], object]


@dataclass(frozen=True)
class Key:
    """One `book.yaml` key: its name, how to check and convert its value, and what it is for."""

    name: str
    check: Check
    help: str
    required: bool = False
    # The sub-keys of a key whose value is a mapping, or a function that gives them.
    section: tuple[Key, ...] | Callable[[], tuple[Key, ...]] = ()

    def sub_keys(self) -> tuple[Key, ...]:
        return self.section() if callable(self.section) else self.section


# -- validators: each returns the converted value or raises Invalid ----------------------------

def text(value: object) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        result = str(value).strip()
        if CONTROL_CHARACTERS.search(result):
            raise Invalid("holds an invisible control character, which no edition can contain; "
                          "retype the value")
        if result:
            return result
    raise Invalid("must be a non-empty text")



def names(value: object) -> tuple[str, ...]:
    """A name or a list of names (pandoc's `author: [A, B]`)."""
    if isinstance(value, list):
        if not value:
            raise Invalid("must be a name or a list of names, not an empty list")
        return tuple(text(v) for v in value)
    return (text(value),)


def texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Invalid("must be a list, one item per line starting with '- '")
    return tuple(text(v) for v in value)


def paths(value: object) -> tuple[str, ...]:
    return tuple(text(v) for v in value) if isinstance(value, list) else (text(value),)


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid("must be true or false")


def choice(*options: str) -> Check:
    def check(value: object) -> str:
        if isinstance(value, str) and value in options:
            return value
        raise Invalid("must be one of " + ", ".join(options), complete=True)
    return check


def integer(low: int, high: int) -> Check:
    def check(value: object) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        raise Invalid(f"must be a whole number from {low} to {high}")
    return check


def date(value: object) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int) and 1000 <= value <= 9999:
        return str(value)
    text = str(value).strip()
    if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        try:
            datetime.date.fromisoformat(text if len(text) == 10 else (text + "-01-01")[:10])
        except ValueError:
            raise Invalid(f"is “{text}”, which is no calendar date: write it as YYYY, YYYY-MM "
                          "or YYYY-MM-DD", complete=True) from None
        return text
    raise Invalid("must be a date written YYYY, YYYY-MM or YYYY-MM-DD", complete=True)


_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def lang(value: object) -> str:
    if isinstance(value, str) and _LANG.fullmatch(value.strip()):
        return value.strip()
    raise Invalid("must be a language tag such as en, en-GB or fr")


def slug(value: object) -> str:
    if isinstance(value, str) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        return value
    raise Invalid("must use lower-case letters, digits and single hyphens, e.g. my-book")


def isbn13(value: object) -> str:
    """An ISBN-10 or ISBN-13 with a correct check digit, returned as 13 digits."""
    raw = str(value)
    digits = re.sub(r"[\s-]", "", raw).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        if total % 11:
            raise Invalid(f"{raw} is not a valid ISBN: its check digit is wrong")
        digits = "978" + digits[:9]
        digits += str((10 - sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10) % 10)
        return digits
    if not re.fullmatch(r"97[89]\d{10}", digits):
        raise Invalid(f"{raw} is not an ISBN (13 digits starting 978 or 979, hyphens allowed)")
    if sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10:
        raise Invalid(f"{raw} is not a valid ISBN: its check digit is wrong")
    return digits


ISBN_EDITIONS = ("epub", "pdf", "html")


def isbn(value: object) -> dict[str, str]:
    """One ISBN for every edition, or a mapping edition -> ISBN."""
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(ISBN_EDITIONS))
        if unknown:
            raise Invalid(f"editions are {', '.join(ISBN_EDITIONS)}; not {', '.join(unknown)}")
        checked = {}
        for edition, number in value.items():
            try:
                checked[edition] = isbn13(number)
            except Invalid as exc:          # say which edition's: the line is the mapping's
                raise Invalid(f"the {edition} edition's {exc}") from None
        return checked
    number = isbn13(value)
    return {edition: number for edition in ISBN_EDITIONS}


def delivery(value: object) -> tuple[str, ...]:
    """A profile name or a list of them (see `bookbuild.delivery`)."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise Invalid("must be a profile name or a list of them")
    known = profile_names()
    for name in names:
        if name not in known:
            guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            raise Invalid(f"names '{name}', which is no delivery profile; {hint}known profiles: "
                          + ", ".join(known), complete=True)
    return tuple(dict.fromkeys(names))


TRIM_SIZES: dict[str, tuple[str, str]] = {
    "5x8in": ("5in", "8in"),
    "5.5x8.5in": ("5.5in", "8.5in"),
    "6x9in": ("6in", "9in"),
    "a5": ("148mm", "210mm"),
    "royal": ("156mm", "234mm"),
    "a4": ("210mm", "297mm"),
    "letter": ("8.5in", "11in"),
}


TRIM_HELP = ", ".join(TRIM_SIZES) + ", or a width x height with its unit, e.g. 156x234mm"


def trim(value: object) -> tuple[str, str]:
    """A preset name or 'WIDTHxHEIGHTunit', e.g. 6x9in or 156x234mm."""
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "")
        if key in TRIM_SIZES:
            return TRIM_SIZES[key]
        match = re.fullmatch(r"(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(in|mm|cm)", key)
        if match:
            width, height, unit = match.groups()
            return (width + unit, height + unit)
    raise Invalid(f"must be {TRIM_HELP}", complete=True)


# -- the table ---------------------------------------------------------------------------------

CROSSREF = (
    Key("numbering", choice("book", "chapter"),
        "figures and tables numbered through the book (default: Figure 3) or within each "
        "chapter (Figure 2.3)"),
)

NOTES = (
    Key("numbering", choice("continuous", "chapter"),
        "continuous through the book (default) or restarting in each chapter"),
    Key("placement", choice("book", "chapter"),
        "at the end of the book, grouped by chapter (default), or at the end of each chapter"),
    Key("ibid", boolean, "use 'Ibid.' for a citation that repeats the one just before "
        "(default false: a short form; applies to the built-in Chicago style)"),
)

CHECK_SETTINGS = (
    Key("duplicate-min-words", integer(8, 1000),
        "the shortest passage, in words, that counts as duplicated (default 25)"),
    Key("quotation-min-words", integer(3, 1000),
        "the shortest quotation, in words, that must cite its source (default 15)"),
)


def level(code: Code) -> Check:
    """`off`, `warning` or `error` for a finding code. A code that is an error stays one: it
    means an edition would be wrong (a broken link, a missing image), so the manuscript must
    change instead. YAML reads a bare `off` as false."""
    from bookbuild.checks.codes import LEVELS  # see check_keys

    def check(value: object) -> str:
        value = "off" if value is False else value
        if not isinstance(value, str) or value not in LEVELS:
            raise Invalid("must be one of " + ", ".join(LEVELS), complete=True)
        if code.severity.value == "error" and value != "error":
            raise Invalid(f"cannot be {value}: '{code.code}' is an error because an edition "
                          "would be wrong; correct the manuscript instead")
        return value
    return check


def check_keys() -> tuple[Key, ...]:
    """The keys under `checks:`: the settings, then one per finding code (its level)."""
    # Imported here, not at the top: the checks import the model, which imports this package.
    from bookbuild.checks.codes import CODES
    return CHECK_SETTINGS + tuple(
        Key(code.code, level(code), f"off, warning or error for '{code.code}' ({code.what})")
        for code in CODES)

PDF = (
    Key("trim", trim, f"the trim size: {TRIM_HELP} (default 5.5x8.5in)"),
    Key("bleed", boolean, "add a bleed (0.125 in; 3 mm for metric trims) around each page"),
    Key("paper", choice(*PAPERS), "the paper, for the spine width: white (default) or cream"),
)

COVER = (
    Key("back-text", text, "the back cover's text (Markdown): a blurb, a quotation, a biography"),
)

FONTS = (
    Key("fallback", paths, "font files (.ttf, .otf) in the manuscript folder for characters the "
        "book face lacks (Hebrew, Chinese...), tried in order after it"),
)

KEYS: tuple[Key, ...] = (
    Key("title", text, "the book's title", required=True),
    Key("subtitle", text, "the subtitle"),
    Key("author", names, "the author, or a list of authors"),
    Key("translator", names, "the translator, or a list of translators"),
    Key("editor", names, "the editor, or a list of editors"),
    Key("date", date, "publication date: YYYY, YYYY-MM or YYYY-MM-DD"),
    Key("lang", lang, "the book's language as a BCP 47 tag, e.g. en-GB (default en)"),
    Key("rights", text, "the copyright statement"),
    Key("edition", text, "the edition statement for the copyright page, e.g. 'First edition'"),
    Key("publisher", text, "the publisher"),
    Key("identifier", text, "a unique identifier (URN, DOI...); default: the ISBN or a stable UUID"),
    Key("description", text, "a blurb for catalogues and reading systems"),
    Key("keywords", texts, "a list of subjects"),
    Key("source", text, "where the text comes from"),
    Key("bibliography", paths, "a BibTeX/BibLaTeX (.bib) or CSL JSON (.json) file, or a list of them"),
    Key("bibliography-format", choice("bibtex", "biblatex"),
        "how to read .bib files: bibtex or biblatex (default: decided by each file's content)"),
    Key("csl", text, "a CSL citation style file (default: Chicago notes and bibliography)"),
    Key("cover-image", text, "the cover: a JPEG or PNG, ideally 1600 x 2560 pixels or larger "
        "(default: one made from the title and author)"),
    Key("chapters", texts, "the chapter files in reading order (default: every *.md by name)"),
    Key("slug", slug, "the output file name (default: made from the title)"),
    Key("isbn", isbn, "one ISBN for all the editions, or a mapping of edition to ISBN: "
        "{epub: ..., pdf: ...}"),
    Key("delivery", delivery, "the printers and stores the book is made for, whose rules the "
        "checks then apply: " + ", ".join(profile_names()) + " (default: none)"),
    Key("notes", lambda v: v, "how notes are numbered", section=NOTES),
    Key("crossref", lambda v: v, "how figures and tables are numbered for cross-references",
        section=CROSSREF),
    Key("accepted-duplicates", texts,
        "pieces of text inside passages that are repeated on purpose (epigraphs, refrains...)"),
    Key("accepted-variants", texts,
        "words, spellings, terms or pieces of text the copy-edit checks accept as written"),
    Key("checks", lambda v: v, "settings of the checks, and off, warning or error per code",
        section=check_keys),
    Key("pdf", lambda v: v, "print edition settings", section=PDF),
    Key("fonts", lambda v: v, "fonts besides the book face", section=FONTS),
    Key("cover", lambda v: v, "the print cover wrap (bookbuild build --format cover)", section=COVER),
)
