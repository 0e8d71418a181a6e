"""Config stage: read and validate `book.yaml` into a `BookConfig`.

Every problem is collected before stopping (mkdocs' rule): invalid values and missing files are
errors, unknown keys too (a typo would lose a setting), with a did-you-mean suggestion, each with its line.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.config.schema import CHECK_SETTINGS, KEYS, Invalid, Key
from bookbuild.config.yamlio import KeyPath, LocatedYaml, load_yaml
from bookbuild.diagnostics import BookError, Diagnostic, Place, error, fail
from bookbuild.resources import default_csl, ibid_csl

CONFIG_FILE = "book.yaml"
DEFAULT_TRIM = ("5.5in", "8.5in")
BIBLIOGRAPHY_SUFFIXES = (".bib", ".bibtex", ".json")
FONT_SUFFIXES = (".ttf", ".otf")
CHAPTER_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class BookConfig:
    """Everything `book.yaml` says, validated, with paths resolved inside the manuscript."""

    root: Path
    title: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    translators: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    date: str | None = None
    lang: str = "en"
    rights: str | None = None
    publisher: str | None = None
    identifier: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()
    source: str | None = None
    bibliography: tuple[Path, ...] = ()
    bibliography_format: str | None = None      # "bibtex", "biblatex", or None: by content
    csl: Path = field(default_factory=default_csl)
    chapters: tuple[Path, ...] = ()
    cover_image: Path | None = None
    cover_back_text: str | None = None          # Markdown, for the print cover's back
    slug: str = "book"
    isbn: dict[str, str] = field(default_factory=dict)
    note_numbering: str = "continuous"
    crossref_numbering: str = "book"        # figures and tables: through the book, or "chapter"
    note_placement: str = "book"
    ibid: bool = False
    trim: tuple[str, str] = DEFAULT_TRIM
    bleed: bool = False
    paper: str = "white"
    edition: str | None = None
    accepted_duplicates: tuple[str, ...] = ()
    duplicate_min_words: int = 25
    accepted_variants: tuple[str, ...] = ()     # what the copy-edit checks accept as written
    delivery: tuple[str, ...] = ()              # the printers' and stores' profiles that apply
    quotation_min_words: int = 15
    check_levels: dict[str, str] = field(default_factory=dict)   # code -> off, warning, error
    fallback_fonts: tuple[Path, ...] = ()       # fonts.fallback, after the book face
    lines: dict[KeyPath, int] = field(default_factory=dict, compare=False, repr=False)

    def relative(self, path: Path) -> str:
        """`path` as the user sees it: relative to the manuscript folder, with / separators."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def place_of(self, *key: str | int) -> Place:
        return Place(CONFIG_FILE, self.lines.get(tuple(key), 1))


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "book"


def load_config(root: Path) -> tuple[BookConfig, list[Diagnostic]]:
    """Read `root/book.yaml`. Raises `BookError` (exit 2) with every error found."""
    root = root.resolve()
    if not root.is_dir():
        raise fail("no-manuscript", f"manuscript folder {root} does not exist; pass an existing "
                   "folder with --manuscript DIR", Place(str(root)))
    path = root / CONFIG_FILE
    if not path.is_file():
        raise fail("no-config", f"there is no {CONFIG_FILE} in {root}; create one with at least "
                   "a 'title:' line", Place(CONFIG_FILE))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail("encoding", f"{CONFIG_FILE} is not UTF-8 (byte {exc.start}); save it as UTF-8",
                   Place(CONFIG_FILE)) from None
    located = load_yaml(text, CONFIG_FILE)
    return _Validator(root, located).run()


class _Validator:
    """Walks the key table over the YAML, collecting values and diagnostics."""

    def __init__(self, root: Path, located: LocatedYaml) -> None:
        self.root = root
        self.yaml = located
        self.diagnostics: list[Diagnostic] = []

    def run(self) -> tuple[BookConfig, list[Diagnostic]]:
        data = self.yaml.data
        if not isinstance(data, dict):
            raise fail("config-invalid", f"{CONFIG_FILE} must be a mapping of keys to values "
                       "(e.g. 'title: My Book')", Place(CONFIG_FILE, 1))
        for key_path, first, second in self.yaml.duplicates:
            self._error(key_path, f"'{_dotted(key_path)}' is given twice (first on line {first}); "
                        "keep one", line=second)
        values = self._section(data, KEYS, ())
        values.update(self._files(values))
        if any(d.is_error for d in self.diagnostics):
            raise BookError(self.diagnostics)
        return self._build(values), self.diagnostics

    def _section(self, data: dict[str, object], keys: tuple[Key, ...], path: KeyPath) -> dict[str, object]:
        known = {k.name: k for k in keys}
        values: dict[str, object] = {}
        for name, value in data.items():
            key_path = path + (name,)
            key = known.get(name)
            if key is None:
                self._unknown(key_path, list(known))
            elif key.section:
                sub_keys = key.sub_keys()
                if isinstance(value, dict):
                    section = self._section(value, sub_keys, key_path)
                    values.update({f"{name}.{k}": v for k, v in section.items()})
                else:
                    self._error(key_path, f"'{_dotted(key_path)}' must be a mapping with the keys "
                                + ", ".join(k.name for k in sub_keys))
            else:
                try:
                    values[name] = key.check(value)
                except Invalid as exc:
                    help = "" if exc.complete else f" ({key.help})"
                    self._error(key_path, f"'{_dotted(key_path)}' {exc}{help}")
        for key in keys:
            if key.required and key.name not in data:
                self._error(path, f"'{_dotted(path + (key.name,))}' is required: add a line "
                            f"'{key.name}: ...' ({key.help})", code="config-missing")
        return values

    def _files(self, values: dict[str, object]) -> dict[str, object]:
        """Resolve the keys that name files and check they exist inside the manuscript."""
        resolved: dict[str, object] = {}
        for key, suffixes in (("bibliography", BIBLIOGRAPHY_SUFFIXES), ("chapters", CHAPTER_SUFFIXES),
                              ("fonts.fallback", FONT_SUFFIXES)):
            if key in values:
                names: tuple[str, ...] = values[key]  # type: ignore[assignment]
                found = [self._file((*key.split("."), i), name, suffixes)
                         for i, name in enumerate(names)]
                resolved[key] = tuple(path for path in found if path)
        if "csl" in values:
            resolved["csl"] = self._file(("csl",), str(values["csl"]), (".csl",))
            style = resolved["csl"]
            if isinstance(style, Path) and "independent-parent" in style.read_text("utf-8", "replace"):
                self._error(("csl",), f"{values['csl']} is a dependent style: it only names a parent "
                            "style on the web, and bookbuild never fetches anything. Download the "
                            "parent style it names into the manuscript folder and name that file")
        if "cover-image" in values:
            resolved["cover-image"] = self._file(("cover-image",), str(values["cover-image"]),
                                                 (".jpg", ".jpeg", ".png"))
        return resolved

    def _file(self, key_path: KeyPath, name: str, suffixes: tuple[str, ...]) -> Path | None:
        path = (self.root / name).resolve()
        where = f"'{_dotted(key_path)}' names {name}"
        if not path.is_relative_to(self.root):
            self._error(key_path, f"{where}, which is outside the manuscript folder; "
                        "move the file into the folder and use a relative path")
        elif not path.is_file():
            self._error(key_path, f"{where}, which does not exist; check the spelling or "
                        "create the file", code="missing-file")
        elif path.suffix.lower() not in suffixes:
            self._error(key_path, f"{where}, but expects a {' or '.join(suffixes)} file")
        else:
            return path
        return None

    def _unknown(self, key_path: KeyPath, known: list[str]) -> None:
        name = str(key_path[-1])
        guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean '{guess[0]}'?" if guess else "known keys: " + ", ".join(known)
        self.diagnostics.append(error(
            "config-unknown-key", f"unknown key '{_dotted(key_path)}': a misspelt key would lose its "
            f"setting without a word; {hint}",
            Place(CONFIG_FILE, self.yaml.line(key_path))))

    def _error(self, key_path: KeyPath, message: str, code: str = "config-invalid",
               line: int | None = None) -> None:
        self.diagnostics.append(error(code, message, Place(CONFIG_FILE, line or self.yaml.line(key_path))))

    def _build(self, values: dict[str, object]) -> BookConfig:
        title = str(values["title"])
        optional = {
            "subtitle": "subtitle", "date": "date", "lang": "lang", "rights": "rights",
            "publisher": "publisher", "identifier": "identifier", "description": "description",
            "keywords": "keywords", "source": "source", "bibliography": "bibliography",
            "csl": "csl", "chapters": "chapters", "isbn": "isbn", "author": "authors",
            "translator": "translators", "editor": "editors", "notes.numbering": "note_numbering",
            "crossref.numbering": "crossref_numbering",
            "notes.placement": "note_placement", "notes.ibid": "ibid",
            "pdf.trim": "trim", "pdf.bleed": "bleed", "pdf.paper": "paper", "edition": "edition",
            "accepted-duplicates": "accepted_duplicates",
            "checks.duplicate-min-words": "duplicate_min_words", "cover-image": "cover_image",
            "accepted-variants": "accepted_variants", "delivery": "delivery",
            "checks.quotation-min-words": "quotation_min_words",
            "bibliography-format": "bibliography_format", "fonts.fallback": "fallback_fonts",
            "cover.back-text": "cover_back_text",
        }
        kwargs = {field_name: values[key] for key, field_name in optional.items() if key in values}
        settings = {f"checks.{key.name}" for key in CHECK_SETTINGS}
        kwargs["check_levels"] = {key.split(".", 1)[1]: value for key, value in values.items()
                                  if key.startswith("checks.") and key not in settings}
        if "csl" not in values and values.get("notes.ibid"):
            kwargs["csl"] = ibid_csl()
        return BookConfig(root=self.root, title=title, slug=str(values.get("slug") or slugify(title)),
                          lines=self.yaml.lines, **kwargs)  # type: ignore[arg-type]


def _dotted(key_path: KeyPath) -> str:
    return ".".join(str(p) for p in key_path if isinstance(p, str))
