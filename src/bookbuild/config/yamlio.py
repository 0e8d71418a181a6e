"""Config stage: read YAML and remember the line of every key, so messages can point at it.

The text is normalised to NFC first, so a title typed with combining accents ("Cafe\u0301") is
the same text as the chapters' ("Café") in every edition, its metadata and its search.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import yaml

from bookbuild.diagnostics import BookError, Diagnostic, Place, error

KeyPath = tuple[str | int, ...]


@dataclass
class LocatedYaml:
    """A parsed YAML document plus the 1-based line of every key and list item."""

    data: object
    lines: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: list[tuple[KeyPath, int, int]] = field(default_factory=list)

    def line(self, path: KeyPath) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def load_yaml(text: str, file: str) -> LocatedYaml:
    """Parse `text` (in NFC); a syntax error becomes a `BookError` that names the line."""
    text = unicodedata.normalize("NFC", text)    # never adds or removes a line
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise BookError([_syntax_error(exc, file)]) from None
    located = LocatedYaml(data=None)
    if root is None:
        located.data = {}
        return located
    located.data = _convert(root, (), located)
    return located


def _syntax_error(exc: yaml.YAMLError, file: str) -> Diagnostic:
    """The error at the line where the faulty construct opens (a quote or bracket never closed
    is where the author must look), naming the line where YAML noticed it when that is later."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    mark = context_mark or problem_mark
    line = mark.line + 1 if mark is not None else None
    detail = problem
    if context and context_mark is not None and problem_mark is not None \
            and problem_mark.line != context_mark.line:
        detail = f"{context} on this line, {problem} on line {problem_mark.line + 1}"
    return error(
        "config-syntax",
        f"{file} is not valid YAML ({detail}); fix the syntax near this line (indent nested "
        "keys with spaces and quote values that contain ': ' or start with '@')",
        Place(file, line))


_SCALARS = yaml.SafeLoader("")


def _convert(node: yaml.Node, path: KeyPath, out: LocatedYaml) -> object:
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = str(_SCALARS.construct_object(key_node)) if isinstance(key_node, yaml.ScalarNode) else "?"
            key_path = path + (key,)
            line = key_node.start_mark.line + 1
            if key in result:
                out.duplicates.append((key_path, out.lines[key_path], line))
            out.lines[key_path] = line
            result[key] = _convert(value_node, key_path, out)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), out) for i, item in enumerate(node.value)]
    try:
        return _SCALARS.construct_object(node)
    except ValueError:
        # A scalar YAML reads as a timestamp that is no date (2017-13-45): the text as typed,
        # for the key's own check to say what is wrong with it.
        return node.value
