"""Import, cleaning stage for Word: tracked changes are accepted, comments taken out; each is
listed in the report with its author, its date and its line in the new manuscript.

pandoc reads a .docx with `--track-changes=all`: an insertion is a Span of class `insertion`, a
deletion one of class `deletion`, a comment a `comment-start` Span holding its text and a
`comment-end` Span where the commented passage ends. The manuscript gets the text as it would
read with every change accepted (what the author sees with "No Markup"); a deletion followed by
an insertion of the same author is reported once, as a replacement. A comment is never printed,
so it leaves the text: the report gives its words, who wrote it and the words it was about.
"""

from __future__ import annotations

from dataclasses import dataclass

from bookbuild.ast import Node
from bookbuild.importer.report import Collector
from bookbuild.importer.tree import SPACES, map_lists, plain

_PARAGRAPH_MARKS = frozenset({"paragraph-insertion", "paragraph-deletion"})


@dataclass
class _Comment:
    author: str
    date: str
    text: str
    about: str = ""


def resolve_revisions(blocks: list[Node], collector: Collector) -> list[Node]:
    """The text with every tracked change accepted and every comment out of it."""
    open_comments: dict[str, _Comment] = {}

    def resolve(items: list[Node]) -> list[Node]:
        return _resolve(items, collector, open_comments)

    result: list[Node] = map_lists(blocks, inlines=resolve)
    for comment in open_comments.values():       # a comment whose end pandoc did not give
        collector.add("comment", _comment_message(comment))
    return result


def _resolve(items: list[Node], collector: Collector, open_comments: dict[str, _Comment]) -> list[Node]:
    out: list[Node] = []
    starts: dict[str, int] = {}                      # comment id -> where it starts in `out`
    deletion: tuple[int, int, str, str] | None = None   # (its marker in out, its item, author, text)
    for inline in items:
        kind, attrs = _span_kind(inline)
        if kind is None:
            out.append(inline)
            if inline["t"] not in SPACES:
                deletion = None
            continue
        who, when = attrs.get("author", "someone"), attrs.get("date", "")[:10]
        content = inline["c"][1]
        if kind == "deletion":
            text = plain(content)
            out.append(collector.mark("tracked-change", _change("deleted", who, when, text)))
            deletion = (len(out) - 1, len(collector.items) - 1, who, text)
        elif kind == "insertion":
            out.extend(content)
            message = _change("inserted", who, when, plain(content))
            if deletion is not None and deletion[2] == who:
                message = _change("replaced", who, when, f"{deletion[3]}” with “{plain(content)}")
                del out[deletion[0]]
                collector.items[deletion[1]].message = ""     # reported as part of this one
            out.append(collector.mark("tracked-change", message))
            deletion = None
        elif kind == "comment-start":
            open_comments[attrs.get("id", str(len(open_comments)))] = _Comment(who, when, plain(content))
            starts[attrs.get("id", "")] = len(out)
        elif kind == "comment-end":
            comment = open_comments.pop(attrs.get("id", ""), None)
            if comment is not None:
                start = starts.pop(attrs.get("id", ""), 0)
                comment.about = (comment.about + " " + plain(out[start:])).strip()
                out.append(collector.mark("comment", _comment_message(comment)))
        else:                                        # a paragraph mark: no text of its own
            out.extend(content)
    for comment_id, start in starts.items():         # the comment goes on in the next paragraph
        if comment_id in open_comments:
            open_comments[comment_id].about = plain(out[start:]) + " …"
    return out


def _span_kind(inline: Node) -> tuple[str | None, dict[str, str]]:
    if inline["t"] != "Span":
        return None, {}
    classes = inline["c"][0][1]
    attrs = {key: value for key, value in inline["c"][0][2]}
    for kind in ("insertion", "deletion", "comment-start", "comment-end"):
        if kind in classes:
            return kind, attrs
    if _PARAGRAPH_MARKS & set(classes):
        return "paragraph-mark", attrs
    return None, {}


def _change(what: str, who: str, when: str, text: str) -> str:
    date = f" on {when}" if when else ""
    return f"{what} by {who}{date}: “{_short(text)}” (accepted; undo it here if it should not be)"


def _comment_message(comment: _Comment) -> str:
    date = f" on {comment.date}" if comment.date else ""
    about = f" about “{_short(comment.about)}”" if comment.about else ""
    return f"{comment.author}{date} commented{about}: “{comment.text}” (taken out of the text)"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
