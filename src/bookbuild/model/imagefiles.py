"""Model stage: what an image file really is, and whether every edition may carry it.

The name is not trusted: the first bytes say what the file is. EPUB reading systems and browsers
show PNG, JPEG, GIF, WebP and SVG (EPUB 3's core media types); anything else is refused with the
conversion to make. An SVG is a program as much as a picture: one with a script, an event
handler or a reference to anything outside itself is refused too, so that no edition runs code
or loads a resource the author did not put in the book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
               "svg": "image/svg+xml"}
_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp",
             ".svg": "svg"}
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
    (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"BM", "BMP"), (b"8BPS", "Photoshop (PSD)"),
    (b"%PDF", "PDF"), (b"\x00\x00\x01\x00", "ICO"), (b"<?xml", "xml"), (b"<svg", "svg"),
)
_UNSAFE_SVG = (
    (re.compile(r"<\s*script", re.I), "a script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event handler (on...=)"),
    (re.compile(r"<\s*foreignObject", re.I), "embedded HTML (foreignObject)"),
    (re.compile(r"""(?:xlink:)?href\s*=\s*["'](?!#|data:)([^"']*)""", re.I), "a reference to {0}"),
    (re.compile(r"""url\(\s*["']?(?!#|data:)([^)"']*)""", re.I), "a reference to {0}"),
    (re.compile(r"@import", re.I), "a style sheet import"),
    (re.compile(r"<!ENTITY", re.I), "an XML entity declaration"),
)


@dataclass(frozen=True)
class ImageProblem:
    code: str           # image-format or image-unsafe
    message: str


def image_problem(path: Path, name: str) -> ImageProblem | None:
    """Why `path` (shown as `name`) cannot go into the editions, or None."""
    with path.open("rb") as file:
        head = file.read(64)
    kind = _sniff(head)
    if kind not in MEDIA_TYPES:
        what = f"a {kind} file" if kind else "not an image format bookbuild recognises"
        return ImageProblem("image-format", f"{name} is {what}; reading systems and browsers show "
                            "only PNG, JPEG, GIF, WebP and SVG: convert it to PNG (drawings) or JPEG "
                            "(photographs) and link the converted file")
    expected = _SUFFIXES.get(path.suffix.lower())
    if expected != kind:
        return ImageProblem("image-format", f"{name} is a {kind.upper()} image under a "
                            f"'{path.suffix}' name; rename it to end in .{'jpg' if kind == 'jpeg' else kind} "
                            "so that reading systems are told what it is")
    if kind == "svg":
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern, what in _UNSAFE_SVG:
            if match := pattern.search(text):
                found = what.format(*(group.strip() for group in match.groups()))
                return ImageProblem("image-unsafe", f"the drawing {name} contains {found}; editions "
                                    "never run scripts or load anything from outside the book: "
                                    "remove it, or export the drawing again as plain SVG")
    return None


def _sniff(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "HEIC"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return "svg" if kind == "xml" else kind
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"<?xml", b"<svg", b"<!--")):
        return "svg"
    return None
