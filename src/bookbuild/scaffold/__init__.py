"""Scaffold stage: `bookbuild new DIR` makes a new book that builds and checks clean as made.

The book is the folder `template/` beside this module, copied as it is: real files, readable
and editable as a book (`bookbuild check --manuscript src/bookbuild/scaffold/template/manuscript`
passes). Only `manuscript/book.yaml` is filled in: the values of `title`, `author`, `lang` and
`slug` are replaced, each on its own line, keeping the line's comment; the template's commented
`# author:` line is uncommented when an author is given. Nothing else in the template is a
placeholder, so a file can be edited without knowing a template language.

The folder is made whole or not at all. DIR must not exist, or be an empty folder. The book is
written into a new folder, beside DIR when DIR does not exist (then renamed to DIR in one step)
or inside an empty DIR (then its entries moved up, so that DIR itself stays, with a shell that
may be in it), and put in place only once it is complete and its `book.yaml` validates.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from bookbuild.config import CONFIG_FILE, load_config, slugify
from bookbuild.config.schema import Invalid, lang, text

TEMPLATE = Path(__file__).resolve().parent / "template"
MANUSCRIPT = "manuscript"                   # the book's folder inside DIR: bookbuild's default
DEFAULT_LANG = "en"
_SKIPPED = {"__pycache__", ".DS_Store"}


class ScaffoldError(Exception):
    """DIR cannot take a new book (it is a file, or a folder with something in it); nothing
    was written. The message says what to do."""


@dataclass(frozen=True)
class NewBook:
    """What `scaffold` made: the folder and the values filled into `book.yaml`."""

    root: Path
    title: str
    author: str | None
    lang: str
    slug: str
    files: tuple[str, ...]                  # every file made, relative to root, with / separators


def title_from_folder(name: str) -> str:
    """'my-first_book' -> 'My First Book': words split at hyphens, underscores and dots, each
    given a capital (the rest of the word is kept as typed: 'iOS-notes' -> 'IOS Notes')."""
    words = re.split(r"[-_.\s]+", name)
    return " ".join(word[:1].upper() + word[1:] for word in words if word) or "A New Book"


def check_title(value: str) -> str:
    """A title or author name as `book.yaml` accepts it, on one line; raises `Invalid`."""
    if "\n" in value or "\r" in value:
        raise Invalid("must be on one line")
    return text(value)


def check_lang(value: str) -> str:
    """A language tag as `book.yaml` accepts it (en, en-GB, fr...); raises `Invalid`."""
    return lang(value)


def scaffold(target: Path, title: str | None = None, author: str | None = None,
             language: str = DEFAULT_LANG) -> NewBook:
    """Make a new book in `target` (created with its parents; it may exist only as an empty
    folder). `title` defaults to one made from the folder's name. Raises `ScaffoldError` when
    `target` cannot take the book, `Invalid` for a value `book.yaml` would refuse; an `OSError`
    (a folder that cannot be written) leaves nothing behind either."""
    place = target.resolve()
    _refuse_occupied(target, place)
    title = check_title(title if title is not None else title_from_folder(place.name))
    author = check_title(author) if author is not None else None
    language = check_lang(language)
    slug = _slug(title, place.name)
    work = uuid.uuid4().hex[:12]
    if place.is_dir():                      # empty (`bookbuild new .`): kept, filled from inside
        temp = place / f".bookbuild-new-{work}"
    else:                                   # made beside, so that one rename puts it in place
        place.parent.mkdir(parents=True, exist_ok=True)
        temp = place.with_name(f".{place.name}.new-{work}")
    temp.mkdir()
    try:
        files = tuple(_copy(TEMPLATE, temp))
        config = temp / MANUSCRIPT / CONFIG_FILE
        config.write_text(fill_config(config.read_text(encoding="utf-8"), title=title,
                                      author=author, lang=language, slug=slug), encoding="utf-8")
        load_config(temp / MANUSCRIPT)      # as a build will read it; a BookError here is a bug
        if temp.parent == place:
            _move_into(temp, place, target)
        else:
            temp.rename(place)              # fails if a folder with files appeared there meanwhile
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return NewBook(place, title, author, language, slug, files)


def fill_config(source: str, **values: str | None) -> str:
    """`book.yaml`'s text with the value of each key named replaced (None: left as it is), on
    the key's top-level line, commented or not, keeping the comment at the end of the line."""
    for key, value in values.items():
        if value is None:
            continue
        pattern = re.compile(rf"^(?:#[ \t]?)?{re.escape(key)}:[ \t]*(?P<value>.*?)(?P<comment>[ \t]+#.*)?$",
                             re.MULTILINE)
        match = pattern.search(source)
        if match is None:
            raise ValueError(f"the template's {CONFIG_FILE} has no '{key}:' line")
        line = f"{key}: {yaml_scalar(value)}"
        if match["comment"]:                # the comment's # stays in its column if it can
            remark = match["comment"].lstrip(" \t")
            column = match.end() - len(remark) - match.start()
            line = (line.ljust(column) if len(line) < column else line + "   ") + remark
        source = source[:match.start()] + line + source[match.end():]
    return source


def yaml_scalar(value: str) -> str:
    """`value` written as YAML reads it back: plain when it can be, else quoted by PyYAML."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_flow_style=True)
    scalar = dumped.removesuffix("\n").removesuffix("\n...").rstrip("\n")
    if yaml.safe_load(scalar) != value:    # never expected: then quote it the JSON way
        scalar = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return scalar


def _slug(title: str, folder: str) -> str:
    """The editions' file name, from the title, else from the folder's name (a title in a
    script slugify cannot spell in ASCII)."""
    slug = slugify(title)
    if slug == "book" and title.strip().lower() != "book":
        slug = slugify(folder)
    return slug


def _refuse_occupied(target: Path, place: Path) -> None:
    if place.is_dir():
        entries = sorted(entry.name for entry in place.iterdir())
        if entries:
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise ScaffoldError(f"{target} is not empty (it holds {shown}); name a new folder or "
                                "an empty one: nothing was written")
    elif place.exists() or place.is_symlink():
        raise ScaffoldError(f"{target} exists and is not a folder; name a new folder: nothing "
                            "was written")


def _move_into(temp: Path, place: Path, target: Path) -> None:
    """Move the book's top-level entries from `temp` into the empty folder `place` that holds
    it, all or none (the folder stays: a shell may be in it), then remove `temp`."""
    moved: list[Path] = []
    try:
        for entry in sorted(temp.iterdir()):
            destination = place / entry.name
            if destination.exists() or destination.is_symlink():
                raise ScaffoldError(f"{target} is no longer empty ({entry.name} appeared in it); "
                                    "nothing was written")
            entry.rename(destination)
            moved.append(destination)
    except BaseException:
        for destination in moved:
            if destination.is_dir() and not destination.is_symlink():
                shutil.rmtree(destination, ignore_errors=True)
            else:
                destination.unlink(missing_ok=True)
        raise
    temp.rmdir()


def _copy(source: Path, destination: Path, prefix: str = "") -> Iterator[str]:
    """Copy the template's files (bytes as they are), yielding each one's relative name."""
    for entry in sorted(source.iterdir()):
        if entry.name in _SKIPPED or entry.suffix == ".pyc":
            continue
        target = destination / entry.name
        if entry.is_dir():
            target.mkdir()
            yield from _copy(entry, target, f"{prefix}{entry.name}/")
        else:
            target.write_bytes(entry.read_bytes())
            yield f"{prefix}{entry.name}"

