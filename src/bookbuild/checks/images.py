"""Checks stage: every image must be a file inside the manuscript folder, in a format every
edition can carry, and (an SVG) free of scripts and outside references."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from bookbuild.checks.codes import finding
from bookbuild.diagnostics import Diagnostic
from bookbuild.model import Book


def check_images(book: Book) -> Iterator[Diagnostic]:
    for image in book.images:
        if urlsplit(image.src).scheme in ("http", "https", "ftp") or image.src.startswith("//"):
            yield finding("remote-image", f"the image {image.src} is on the web; editions never "
                          "fetch anything, so save it in the manuscript folder and link it by a "
                          "relative path", image.place)
        elif image.problem is not None:
            yield finding(image.problem.code, image.problem.message, image.place)
        elif image.path is None:
            yield finding("missing-image", f"the image {image.src} is outside the manuscript folder; "
                          "copy it into the folder and use a relative path", image.place)
        elif not image.path.is_file():
            yield finding("missing-image", f"the image {image.src} does not exist; check the path "
                          "(relative to the manuscript folder) or add the file", image.place)
        if not image.alt:
            yield finding("image-without-alt", f"the image {image.src} has no description; write "
                          "one between the brackets, ![what it shows](...), for readers who cannot "
                          "see it", image.place)
