"""Write stage, PDF: tagging the reader PDF (tagged PDF, PDF/UA-1) as WeasyPrint writes it.

WeasyPrint 70 tags what it writes with `pdf_variant="pdf/ua-1"` (weasyprint/pdf/tags.py): one
structure element per box of each page, from the HTML element (p -> P, h2 -> H2, a -> Link,
img -> Figure with its alt text), each text box a Span of its own holding its marked content.
What it does wrong for a reader is put right while it writes (here) and after (`tree`):

- Running heads and folios (the page's margin boxes) are marked content with ids, whose elements
  are left outside the tree (WeasyPrint's comment: an Artifact element is PDF 2.0 only). A
  screen reader then meets them in no order or not at all, and a checker finds content that is
  neither tagged nor an artifact. They are drawn here as pagination artifacts (ISO 32000-1
  14.8.2.2: `/Artifact <</Type /Pagination /Subtype /Header>> BDC`), and the dot leaders of the
  contents as layout artifacts: a reader would hear them as "dot dot dot".
- A printed line has no space where it was broken at one, and a word broken at its end has a
  hyphen: text read from the tags would run "ofthe" and "revo-lution" together. The last text
  box of such a line carries the text as read (/ActualText on its marked content: "of ",
  "revo"); so do the text before a leader, a forced line break and a note's hanging number.
- Elements with nothing in them (boxes without text, such as the notes' running-head setters)
  are left out of the tree; each element made is recorded (`Structure`), so that `tree` can
  join the elements of one HTML element that a page break cut in two.

The typeset stage cuts each line into text boxes of its own: each is a marked-content sequence
of its paragraph's one P, in the order of the text (`tree` puts them in the P directly).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import pydyf
import weasyprint
from weasyprint import Page
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.pdf import tags
from weasyprint.pdf.stream import Stream

WEASYPRINT_VERSION = "70."      # tags._build_box_tree and Stream.marked are WeasyPrint 70's

# The artifact of each margin (ISO 32000-1 table 330): running heads at the top, folios at the
# foot.
_MARGIN_KIND = {"top": "/Header", "bottom": "/Footer"}
LAYOUT = "/Layout"
SOFT_HYPHEN = "\u00ad"


@dataclass(frozen=True)
class Source:
    """What an element stands for: the HTML element (by id()), the box's tag, its page."""

    element: int
    tag: str
    page: int


@dataclass
class Structure:
    """What each structure element WeasyPrint made stands for, by object number."""

    sources: dict[int, Source] = field(default_factory=dict)

    def record(self, element: pydyf.Dictionary, box: Any, page: int) -> bool:
        """Record the element made for `box`; False if it was made for another (html and
        body pass their children's elements up unchanged: the first record wins)."""
        if element.number in self.sources or box.element is None:
            return False
        self.sources[element.number] = Source(id(box.element), box.element_tag, page)
        return True


@dataclass
class _Marks:
    """What the text boxes of the pages to write are, besides their text: artifacts (by id(),
    with their subtype), and the boxes a reader should get other text from (by id(), the text
    as read: /ActualText)."""

    artifacts: dict[int, str] = field(default_factory=dict)
    actual_texts: dict[int, str] = field(default_factory=dict)


def read_marks(pages: list[Page]) -> _Marks:
    """The text of each margin box (running heads, folios) and the contents' leaders are
    artifacts. Some text boxes read otherwise than printed (`_read_line`)."""
    marks = _Marks()
    for page in pages:
        for box in page._page_box.children:
            if isinstance(box, boxes.MarginBox):
                side = box.at_keyword.lstrip("@").split("-")[0]
                for text in _text_boxes(box):
                    marks.artifacts[id(text)] = _MARGIN_KIND.get(side, "/Header")
            else:
                _read_lines(box, marks)
    return marks


def _read_lines(box: Any, marks: _Marks) -> None:
    if isinstance(box, boxes.LineBox):
        _read_line(box, marks)
        return
    for child in getattr(box, "children", ()):
        _read_lines(child, marks)


def _read_line(line: Any, marks: _Marks) -> None:
    """A word space the printed line does not have is read next to the text box beside it:
    where a line break took one (`spaces_at_line_ends`: after the line's last box or before its
    first), at a forced line break (<br>), in place of a leader, and after a note's number
    (which stands apart by a margin: layout.pdf_view). A hyphen WeasyPrint added at a line's
    end is not read: the word is read whole."""
    leaves = list(_leaves(line))
    spaced: set[int] = set()
    last: Any = None
    for kind, box in leaves:
        if kind == "text":
            last = box
            continue
        if kind == "leader":
            for text in _text_boxes(box):
                marks.artifacts[id(text)] = LAYOUT
        if last is not None:
            spaced.add(id(last))        # a leader, a forced break or a note number's end
    texts = [box for kind, box in leaves if kind == "text"]
    if texts and getattr(texts[-1], SPACE_TAKEN, None) == texts[-1].text:
        spaced.add(id(texts[-1]))
    for box in texts:
        read = box.text
        if box is texts[0] and getattr(box, SPACE_BEFORE, None) == box.text:
            read = " " + read       # the space the line's start took
        if box is texts[-1] and not read.endswith(" "):
            hyphen = box.style["hyphenate_character"]
            if hyphen and read.endswith(hyphen):
                # The soft hyphen the line breaker put at a chosen hyphenation goes too.
                read = read[:-len(hyphen)].removesuffix(SOFT_HYPHEN)
        if id(box) in spaced and not read[-1:].isspace():
            read += " "         # (a box the line break emptied of its space reads as one)
        if read != box.text or (read and read.isspace()):
            # (WeasyPrint draws no glyph for a box of spaces alone: its space is read all the same.)
            marks.actual_texts[id(box)] = read


def _leaves(box: Any) -> Iterator[tuple[str, Any]]:
    """A line's content in order: ("text", a text box), ("leader", its box), ("break", a <br>),
    ("apart", the end of a note's number)."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TextBox):
            yield "text", child
        elif getattr(child, "is_leader", False):
            yield "leader", child
        elif child.element_tag == "br":
            yield "break", child
        elif isinstance(child, boxes.InlineBox):
            yield from _leaves(child)
            if child.element_tag == "a" and "note-number" in (child.element.get("class") or "").split():
                yield "apart", child


def _text_boxes(box: Any) -> Iterator[Any]:
    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


SPACE_TAKEN = "bookbuild_space_taken"      # on a box: a line break took a space after it
SPACE_BEFORE = "bookbuild_space_before"    # on a box: a line's start took a space before it


@contextmanager
def spaces_at_line_ends() -> Iterator[None]:
    """While WeasyPrint lays out, a text box next to a word space that a line break took says
    so: the attribute SPACE_TAKEN (space after) or SPACE_BEFORE holds its text (a copy made of
    it with other text is not meant). A line break at a space is a word break, which a reader of
    the text must get as a space; the printed lines have none. WeasyPrint takes the space in
    three places: where it splits a text box at a break (`inline.split_text_box`: the text it
    skips), where a line ends with a box's last space (`inline.remove_last_whitespace`), and
    where a line starts with a box's first space (`inline.skip_first_whitespace`)."""
    _check_version()
    split_text_box = inline.split_text_box
    remove_last_whitespace = inline.remove_last_whitespace
    skip_first_whitespace = inline.skip_first_whitespace
    # Text boxes whose leading spaces a line's start skipped, or a line's end took: id() ->
    # (the box, kept alive so that its id is not reused, and the byte index a line starts at).
    skipped: dict[int, tuple[Any, int]] = {}

    def split(context: Any, box: Any, available_width: Any, skip: Any,
              is_line_start: bool = True) -> tuple[Any, Any, bool]:
        new_box, resume, preserved = split_text_box(context, box, available_width, skip,
                                                    is_line_start)
        # What the box leaves out before the next line resumes (or of its end, when all of
        # it fits: a space there is dropped too, at the end of a line).
        text = box.text.encode()
        kept = len(new_box.text.encode()) if new_box is not None else 0
        if b" " in text[(skip or 0) + kept:resume or len(text)]:
            if new_box is not None:
                setattr(new_box, SPACE_TAKEN, new_box.text)
            elif resume is not None:
                # Nothing of the box fits: the next line starts after the space.
                skipped[id(box)] = (box, resume)
        if new_box is not None:
            started = skipped.get(id(box))
            if started is not None and started[0] is box and started[1] == skip:
                setattr(new_box, SPACE_BEFORE, new_box.text)
        return new_box, resume, preserved

    def remove(context: Any, line: Any) -> None:
        last = line
        while isinstance(last, (boxes.LineBox, boxes.InlineBox)) and last.children:
            last = last.children[-1]
        before = last.text if isinstance(last, boxes.TextBox) else None
        remove_last_whitespace(context, line)
        if before is not None and last.text != before:
            setattr(last, SPACE_TAKEN, last.text)

    def skip(box: Any, skip_stack: Any) -> Any:
        result = skip_first_whitespace(box, skip_stack)
        if isinstance(box, boxes.TextBox) and isinstance(result, dict):
            (index,) = result
            if index > (next(iter(skip_stack)) if skip_stack else 0):
                skipped[id(box)] = (box, index)
        return result

    inline.split_text_box = split
    inline.remove_last_whitespace = remove
    inline.skip_first_whitespace = skip
    try:
        yield
    finally:
        inline.split_text_box = split_text_box
        inline.remove_last_whitespace = remove_last_whitespace
        inline.skip_first_whitespace = skip_first_whitespace


def _check_version() -> None:
    if not weasyprint.__version__.startswith(WEASYPRINT_VERSION):
        raise RuntimeError(f"the reader PDF's tagging is written for WeasyPrint "
                           f"{WEASYPRINT_VERSION}x, not {weasyprint.__version__}")


@contextmanager
def tagged_for_readers(pages: list[Page]) -> Iterator[Structure]:
    """While WeasyPrint writes `pages` tagged, margin boxes and leaders are drawn as artifacts,
    a text box that reads otherwise than printed carries the text a reader should get
    (/ActualText), a link's annotation its description, and each element WeasyPrint makes is
    recorded (for `tree.finish_tree`, which joins the elements a page break cut in two)."""
    _check_version()
    marks = read_marks(pages)
    structure = Structure()
    original_marked = Stream.marked
    original_build = tags._build_box_tree

    def marked(stream: Stream, box: Any, tag: str) -> AbstractContextManager[None]:
        if stream._tags is None:
            return original_marked(stream, box, tag)
        kind = marks.artifacts.get(id(box))
        if kind is not None:
            return _artifact(stream, kind)
        return _marked(stream, box, tag, marks.actual_texts.get(id(box)))

    def build_box_tree(box: Any, parent: pydyf.Dictionary, pdf: pydyf.PDF, page_number: int,
                       nums: dict[int, bytes], annotations: list[Any],
                       tagged: dict[Any, Any]) -> Iterator[pydyf.Dictionary]:
        # WeasyPrint's function calls itself through the module: this wraps every level.
        if isinstance(box, boxes.MarginBox) or getattr(box, "is_leader", False):
            return      # drawn as artifacts: none of their content is in `tagged`
        if box.link_annotation is not None:
            box.link_annotation["Contents"] = pydyf.String(_describe_link(box, marks))
        for element in original_build(box, parent, pdf, page_number, nums, annotations, tagged):
            if element["K"]:        # an element with nothing in it is left out
                if structure.record(element, box, page_number):
                    _attributes(element, box)
                yield element

    Stream.marked = marked  # type: ignore[method-assign, assignment]
    tags._build_box_tree = build_box_tree
    try:
        yield structure
    finally:
        Stream.marked = original_marked  # type: ignore[method-assign]
        tags._build_box_tree = original_build


def _attributes(element: pydyf.Dictionary, box: Any) -> None:
    """What the HTML element says that WeasyPrint leaves out: the language of a passage in
    another (`lang`, read by a screen reader in that language: /Lang), and what a header cell
    heads."""
    lang = box.element.get("lang")
    if lang and box.element_tag not in ("html", "body"):
        element["Lang"] = pydyf.String(lang)
    if element["S"] == "/TH" and box.element_tag == "th":
        _scope(element, box)


def _scope(header: pydyf.Dictionary, box: Any) -> None:
    """A header cell says what it heads (ISO 32000-1 table 349, /Scope): its row when the
    manuscript says so (`scope="row"`), else its column. WeasyPrint also names the headers of
    each data cell (/Headers), which only a reader that follows IDs can use."""
    scope = "/Row" if (box.element.get("scope") or "").lower() == "row" else "/Column"
    attributes = header.get("A")
    if isinstance(attributes, pydyf.Dictionary):
        attributes["Scope"] = scope
    else:
        header["A"] = pydyf.Dictionary({"O": "/Table", "Scope": scope})


_INVISIBLE = dict.fromkeys(map(ord, "\u2060\u00ad\u200b"))


def _describe_link(box: Any, marks: _Marks) -> str:
    """What a link is, for its annotation's /Contents (PDF/UA-1 7.18.5: a link's alternate
    description; WeasyPrint gives its target, "note-12"): as the screen editions label it, a
    note call "Note 12" and a note's number "Back to note 12"; else its aria-label, else its
    text as read, else its target."""
    read = "".join(marks.actual_texts.get(id(leaf), leaf.text) for leaf in _text_boxes(box)
                   if id(leaf) not in marks.artifacts)
    text = " ".join(read.translate(_INVISIBLE).split())
    element = box.element
    classes = (element.get("class") or "").split() if element is not None else []
    if "noteref" in classes and text:
        return f"Note {text}"
    if "note-number" in classes and text:
        return f"Back to note {text.rstrip('.')}"
    label = element.get("aria-label") if element is not None else None
    target = box.link_annotation.get("Contents")      # the target, as WeasyPrint wrote it
    return label or text or str(getattr(target, "string", ""))


@contextmanager
def _marked(stream: Stream, box: Any, tag: str, actual_text: str | None) -> Iterator[None]:
    """WeasyPrint's `Stream.marked`, with the text as read when it is not the text as printed."""
    mcid = len(stream._tags)
    assert box not in stream._tags
    stream._tags[box] = {"tag": tag, "mcid": mcid}
    properties = pydyf.Dictionary({"MCID": mcid})
    if actual_text is not None:
        properties["ActualText"] = pydyf.String(actual_text)
    stream.begin_marked_content(tag, properties)
    try:
        yield
    finally:
        stream.end_marked_content()


@contextmanager
def _artifact(stream: Stream, kind: str) -> Iterator[None]:
    if kind == LAYOUT:
        properties = pydyf.Dictionary({"Type": LAYOUT})
    else:
        properties = pydyf.Dictionary({"Type": "/Pagination", "Subtype": kind})
    stream.begin_marked_content("Artifact", properties)
    try:
        yield
    finally:
        stream.end_marked_content()
