"""Typeset stage: where the optimal line breaker meets WeasyPrint's layout.

WeasyPrint has no interface for line breaking, so `optimal_line_breaking()` wraps the one function
that hands a paragraph's line box to its breaker (`weasyprint.layout.block.iter_line_boxes`,
WeasyPrint 70): before WeasyPrint sets the first line of a paragraph, the paragraph is broken
as a whole (paragraph.plan) and its text boxes are written back so that WeasyPrint's first fit can
only take the chosen breaks. Every line WeasyPrint then sets is compared with the plan and counted
(`STATS`): a line that differs is a bug, shown by `bench/bench_typography.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block

from bookbuild.typeset.paragraph import Plan, Unsupported, discipline, normalised, plan

WEASYPRINT_VERSION = "70."      # the layout function wrapped here is WeasyPrint 70's

STATS: Counter[str] = Counter()
"""Paragraphs set by each pass ("pass 1" ...), left to first fit (by reason, "first fit: ..."),
and lines set as planned ("lines as planned") or not ("lines not as planned")."""


@contextmanager
def optimal_line_breaking() -> Iterator[None]:
    """While the block is active, WeasyPrint sets justified paragraphs with the optimal breaker."""
    if not weasyprint.__version__.startswith(WEASYPRINT_VERSION):
        raise RuntimeError(f"the line breaker is written for WeasyPrint {WEASYPRINT_VERSION}x, "
                           f"not {weasyprint.__version__}")
    original = block.iter_line_boxes

    def iter_line_boxes(context: Any, box: Any, position_y: float, bottom_space: float,
                        skip_stack: Any, containing_block: Any, absolute_boxes: Any,
                        fixed_boxes: Any, first_letter_style: Any,
                        first_line_style: Any) -> Iterator[tuple[Any, Any]]:
        planned = _plan_once(box, containing_block, context, first_letter_style, first_line_style)
        lines = original(context, box, position_y, bottom_space, skip_stack, containing_block,
                         absolute_boxes, fixed_boxes, first_letter_style, first_line_style)
        if planned is None:
            return lines
        return _checked(lines, planned)

    block.iter_line_boxes = iter_line_boxes
    try:
        yield
    finally:
        block.iter_line_boxes = original


def _plan_once(box: Any, containing_block: Any, context: Any, first_letter_style: Any,
               first_line_style: Any) -> Plan | None:
    """The paragraph's plan, made the first time WeasyPrint lays the paragraph out (it may lay
    it out again, on another page, from the same boxes: the text is written back only once)."""
    if hasattr(box, "bookbuild_plan"):
        return box.bookbuild_plan       # type: ignore[no-any-return]
    result: Plan | None = None
    try:
        if first_letter_style is not None or first_line_style is not None:
            raise Unsupported("a ::first-line or ::first-letter style")
        result = plan(box, containing_block, context)
        STATS[f"pass {result.passes}"] += 1
    except Unsupported as reason:
        if box.style["text_align_all"] == "justify":
            STATS[f"first fit: {reason}"] += 1
        discipline(box, context)
    box.bookbuild_plan = result
    return result


def _checked(lines: Iterator[tuple[Any, Any]], planned: Plan) -> Iterator[tuple[Any, Any]]:
    expected = set(planned.lines)
    for line, resume_at in lines:
        text = normalised("".join(_texts(line)))
        STATS["lines as planned" if text in expected else "lines not as planned"] += 1
        yield line, resume_at


def _texts(box: Any) -> Iterator[str]:
    for child in box.children:
        if isinstance(child, boxes.TextBox):
            yield child.text
        elif isinstance(child, boxes.InlineBox):
            yield from _texts(child)
