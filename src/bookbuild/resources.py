"""Where the project's own files live: templates, CSS, fonts and citation styles.

In a checkout (and an editable install) they are the top-level `styles/` folder; a wheel carries
the same folder as `bookbuild/styles`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def styles_dir() -> Path:
    """The folder holding templates/, css/, fonts/ and csl/."""
    for candidate in (_PACKAGE / "styles", _PACKAGE.parents[1] / "styles"):
        if (candidate / "templates").is_dir():
            return candidate
    raise FileNotFoundError(f"bookbuild's styles folder is missing (looked in {_PACKAGE})")


def style_file(*parts: str) -> Path:
    return styles_dir().joinpath(*parts)


def default_csl() -> Path:
    return style_file("csl", "chicago-notes-bibliography-classic.csl")


def ibid_csl() -> Path:
    """The default style, with "Ibid." for a citation that repeats the one before."""
    return style_file("csl", "chicago-notes-bibliography-subsequent-ibid-classic.csl")


def reader_lua() -> Path:
    return _PACKAGE / "parse" / "reader.lua"
