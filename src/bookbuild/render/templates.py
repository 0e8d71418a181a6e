"""Render stage: the Jinja2 environment over `styles/templates`."""

from __future__ import annotations

from functools import cache

import isbnlib
import jinja2

from bookbuild.resources import style_file


def hyphenated_isbn(isbn: str) -> str:
    """978-1-4028-9462-6, hyphenated by its registration group and registrant (isbnlib's copy
    of the International ISBN Agency's ranges), as books print it; as given when unknown."""
    return isbnlib.mask(isbn) or isbn


@cache
def environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(style_file("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["isbn"] = hyphenated_isbn
    return environment


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
