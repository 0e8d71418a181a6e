"""Import, cleaning stage for web pages (HTML, or a page saved as text): what the site added.

A page carries more than the article: share buttons, "Recent Posts" and the teasers after them,
time stamps ("3 days ago"), menus of links, the credit line of a picture that did not come
along, the author's byline. `remove_leftovers` takes these out of the text (the report lists
each where it was, and keeps its words at the end of import-report.txt); `take_byline` moves a
byline at the end of the text into book.yaml as the author; `standfirst` reports a one-sentence
paragraph under the title that may be the subtitle.
"""

from __future__ import annotations

import re

from bookbuild.ast import Node
from bookbuild.diagnostics import plural
from bookbuild.importer.document import Metadata
from bookbuild.importer.report import Collector
from bookbuild.importer.tree import inlines_of, is_marker, plain

# Where the article ends and the site's lists begin: everything from here on is the site's.
TAIL = re.compile(
    r"^(?:(?:recent|related|popular|latest|trending|more|similar|most (?:read|popular|viewed))"
    r"\b.{0,20}\b(?:posts?|articles?|stories|news|reads|from\b.*)|you (?:may|might) also like"
    r"|leave a (?:reply|comment)|\d+ comments?|comments|read (?:more|next)|also read"
    r"|about the author|share this (?:article|post|story)?|tags?:.*|filed under:?.*)\W*$", re.I)
SHARE = re.compile(
    r"^(?:(?:share(?: this| on)?|tweet|facebook|twitter|x|whatsapp|linkedin|e-?mail|print|"
    r"pinterest|reddit|telegram|copy link|click to share(?: on \w+)?|like this:?|loading\.*)"
    r"[\s:,|•·/]*)+$", re.I)
NOISE = re.compile(
    r"^(?:advertisement|sponsored|subscribe(?: now)?|sign up.{0,40}newsletter.*|"
    r"(?:\d+|an?) (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?) ago|"
    r"(?:posted|published|updated)(?: on)?:? .{0,40}|\d+ min(?:ute)? read|skip to (?:main )?content)"
    r"\W*$", re.I)
CREDIT = re.compile(r"\bvia (?:wikimedia )?commons\b|^(?:photo|image|picture|credit|source|"
                    r"illustration)s?\s*(?::|by\b)|\((?:photo|image)[:)]|©|getty images|"
                    r"shutterstock|\bAP Photo\b|\bReuters\b", re.I)
_NAME_WORD = re.compile(r"^(?:[A-Z][^\W\d_]+(?:[’'-][A-Z]?[^\W\d_]+)*|[A-Z]\.|van|von|de|da|del|der|du|"
                        r"la|le|bin|ibn)$")


def remove_leftovers(blocks: list[Node], collector: Collector) -> list[Node]:
    """The article without what the site put around it."""
    blocks = _cut_tail(blocks, collector)
    kept: list[Node] = []
    waiting: list[Node] = []             # marks of leftovers before any text
    for block in blocks:
        why = leftover(block)
        if why is None:
            kept.append(block)
            if waiting and _attach(kept, *waiting):
                waiting = []
            continue
        text = plain(block)
        collector.removed.append(text)
        marks = [i for i in inlines_of(block) or [] if is_marker(i)]
        marks.append(collector.mark("web-leftover", f"took out {why} here: “{_excerpt(text)}”"))
        if not _attach(kept, *marks):
            waiting.extend(marks)
    return kept


def leftover(block: Node) -> str | None:
    """Why `block` is the site's rather than the article's, or None."""
    if inlines_of(block) is None:
        return None
    text = plain(block)
    words = len(text.split())
    if not text:
        return None
    if SHARE.match(text):
        return "share links"
    if NOISE.match(text):
        return "a web page's label or time stamp"
    if _links_only(inlines_of(block) or []):
        return "a line of links (a menu or share bar)"
    if CREDIT.search(text) and words <= 40 and not text.endswith("."):
        return "a picture's caption or credit (the picture is not in the text)"
    return None


def take_byline(blocks: list[Node], meta: Metadata, collector: Collector) -> list[Node]:
    """A name alone at the end of the text is the author's byline: it goes to book.yaml."""
    if len(blocks) < 4 or blocks[-1]["t"] != "Para" or blocks[-2]["t"] != "Para":
        return blocks
    name = re.sub(r"^by\s+", "", plain(blocks[-1]), flags=re.I)
    if not name_like(name):
        return blocks
    meta.set("authors", [name], "the byline at the end of the text")
    kept = blocks[:-1]
    collector.removed.append(plain(blocks[-1]))
    for mark in [i for i in blocks[-1]["c"] if is_marker(i)]:
        _attach(kept, mark)
    _attach(kept, collector.mark("guessed-author", f"took the byline “{name}” out of the end of "
                                 "the text; book.yaml names the author"))
    return kept


def name_like(text: str) -> bool:
    words = text.split()
    return (2 <= len(words) <= 4 and len(text) <= 40 and words[0][:1].isupper()
            and all(_NAME_WORD.match(w) for w in words))


def standfirst(blocks: list[Node], collector: Collector) -> None:
    """Report a one-sentence paragraph right under the first heading: perhaps a subtitle."""
    if len(blocks) < 3 or blocks[0]["t"] != "Header" or blocks[1]["t"] != "Para" \
            or blocks[2]["t"] != "Para":
        return
    text = plain(blocks[1])
    sentences = re.findall(r"[.!?](?:\s|$)", text)
    if len(sentences) == 1 and len(text.split()) <= 35 \
            and len(plain(blocks[2]).split()) >= 3 * len(text.split()):
        blocks[1]["c"].append(collector.mark(
            "possible-subtitle", "this sentence under the title reads like a standfirst; if it "
            "is the book's subtitle, move it to book.yaml as `subtitle:`"))


def _cut_tail(blocks: list[Node], collector: Collector) -> list[Node]:
    for index in range(len(blocks) // 2, len(blocks)):
        if inlines_of(blocks[index]) is not None and TAIL.match(plain(blocks[index])):
            tail = [plain(b) for b in blocks[index:]]
            collector.removed.extend(tail)
            kept = blocks[:index]
            _attach(kept, collector.mark(
                "web-leftover", f"took out the page's “{_excerpt(tail[0])}” and everything after "
                f"it here ({plural(len(tail), 'paragraph')}, to “{_excerpt(tail[-1])}”)"))
            return kept
    return blocks


def _links_only(inlines: list[Node]) -> bool:
    links = [i for i in inlines if i["t"] == "Link"]
    others = [i for i in inlines if i["t"] not in ("Link", "Space", "SoftBreak", "LineBreak")
              and not (i["t"] == "Str" and re.fullmatch(r"[|•·/,:–-]+", i["c"]))]
    return len(links) >= 2 and not others


def _attach(blocks: list[Node], *marks: Node) -> bool:
    """Put `marks` at the end of the last block that has text; False when there is none."""
    for block in reversed(blocks):
        inlines = inlines_of(block)
        if inlines is not None:
            inlines.extend(marks)
            return True
    return False


def _excerpt(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
