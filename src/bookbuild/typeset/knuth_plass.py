"""Typeset stage: the optimal-fit line breaker (Knuth and Plass, "Breaking Paragraphs into Lines",
Software: Practice and Experience 11, 1981), on a paragraph already measured.

The breaks of a whole paragraph are chosen together, minimising the sum of the lines' demerits,
as TeX and Typst do, instead of one line at a time (first fit, what WeasyPrint and browsers do).
A line stretches and shrinks by what its candidates say it may (word spaces and a little
tracking: paragraph.py decides and sets them).
This module knows nothing of WeasyPrint: the paragraph is a list of break candidates with
cumulative widths (CSS px), so it is tested alone.

House rules enforced here (Chicago Manual of Style 7.37-7.42 and the usual press rules): at most
`Rules.max_hyphen_run` consecutive lines end in a hyphen; the last full line of a paragraph does
not end in a hyphen; a paragraph of three lines or more does not end on a line of a single word
(a runt); no line starts with a dash or an ellipsis (the caller leaves such breaks out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

INFINITE = math.inf


@dataclass(slots=True)
class Candidate:
    """A place where a line may end. Widths in CSS px, cumulative from the paragraph's start.

    `x`: the natural width of the text before the break (trailing spaces left out);
    `x_next`: where the next line's text starts (after the spaces the break swallows);
    `stretch`/`stretch_next`, `shrink`/`shrink_next`: how far the text before the break / before
    the next line's start may stretch and shrink at a ratio of 1 and -1;
    `words`/`words_next`: words started before the break / before the next line's start;
    `extra`: width added at the break (the hyphen of a hyphenation);
    `hyphen`: the line ends in a hyphen (a hyphenation or a compound's own hyphen);
    `penalty`: the cost of breaking here (TeX's \\hyphenpenalty for a hyphenation)."""

    x: float
    x_next: float
    stretch: float
    stretch_next: float
    shrink: float
    shrink_next: float
    words: int
    words_next: int
    extra: float = 0.0
    hyphen: bool = False
    penalty: float = 0.0


@dataclass(frozen=True)
class Rules:
    """The weights of the line breaker; TeX's defaults (The TeXbook, ch. 14) unless said."""

    tolerance: float = 1.0              # the largest stretch ratio accepted (1.0: badness 100)
    line_penalty: float = 10.0          # \linepenalty
    hyphen_penalty: float = 50.0        # \hyphenpenalty
    double_hyphen_demerits: float = 10000.0     # \doublehyphendemerits
    adjacent_demerits: float = 10000.0          # \adjdemerits: a loose line beside a tight one
    max_hyphen_run: int = 2             # Chicago 7.42: no more than two hyphens in a row
    runt_lines: int = 3                 # paragraphs of this many lines never end on one word
    final_hyphen: bool = False          # may the last full line end in a hyphen?
    badness_cap: float = 10000.0        # TeX's "infinitely bad"; an emergency pass has none,
                                        # so that it still tells a loose line from a looser one


@dataclass(slots=True)
class _Node:
    index: int              # the candidate the line ended at
    line: int               # lines set so far
    fitness: int
    run: int                # consecutive hyphenated lines ending here
    demerits: float
    previous: _Node | None = field(default=None, repr=False)


def _fitness(ratio: float) -> int:
    """TeX's fitness classes: 0 tight, 1 decent, 2 loose, 3 very loose."""
    if ratio < -0.5:
        return 0
    if ratio <= 0.5:
        return 1
    return 2 if ratio <= 1.0 else 3


def break_paragraph(candidates: list[Candidate], measure: float, first_measure: float,
                    rules: Rules, epsilon: float = 0.01) -> list[int] | None:
    """The indexes of the candidates where lines end (the last is always the paragraph's end),
    or None when no set of breaks keeps every line within `rules.tolerance`.

    `candidates[0]` is the paragraph's start, `candidates[-1]` its end; `measure` and
    `first_measure` (less the first line's indent) are the widths available, in px. A line that
    would not fit shrunk to the full is never chosen."""
    last = len(candidates) - 1
    active: list[_Node] = [_Node(0, 0, 1, 0, 0.0)]
    for j in range(1, last + 1):
        end = candidates[j]
        best: dict[tuple[int, int], _Node] = {}
        survivors: list[_Node] = []
        for node in active:
            start = candidates[node.index]
            available = first_measure if node.line == 0 else measure
            natural = end.x - start.x_next + end.extra
            give = end.stretch - start.stretch_next
            tightest = natural - (end.shrink - start.shrink_next)
            if tightest > available - epsilon:
                if tightest - end.extra <= available - epsilon:
                    survivors.append(node)  # only the hyphen is too much
                continue                    # else every later break is wider: the node retires
            survivors.append(node)
            if j != last and natural + give * rules.tolerance < available - 0.5:
                continue                    # too loose (the common case: a short line)
            demerits = _line_demerits(node, candidates, j, natural, available, rules)
            if demerits is None:
                continue
            ratio, cost = demerits
            fitness = 1 if j == last else _fitness(ratio)
            run = node.run + 1 if end.hyphen else 0
            total = node.demerits + cost
            if abs(fitness - node.fitness) > 1:
                total += rules.adjacent_demerits
            key = (fitness, run)
            if key not in best or total < best[key].demerits:
                best[key] = _Node(j, node.line + 1, fitness, run, total, node)
        active = survivors + list(best.values()) if best else survivors
        if not active:
            return None
    finals = [node for node in active if node.index == last]
    if not finals:
        return None
    step: _Node | None = min(finals, key=lambda n: n.demerits)
    breaks: list[int] = []
    while step is not None and step.index != 0:
        breaks.append(step.index)
        step = step.previous
    return breaks[::-1]


def _line_demerits(node: _Node, candidates: list[Candidate], j: int, natural: float,
                   available: float, rules: Rules) -> tuple[float, float] | None:
    """(stretch ratio, demerits) of the line from `node` to candidate `j`, or None if the line
    breaks a rule or stretches beyond the tolerance."""
    start, end = candidates[node.index], candidates[j]
    last = j == len(candidates) - 1
    if end.hyphen and node.run + 1 > rules.max_hyphen_run:
        return None
    if last:
        if start.hyphen and not rules.final_hyphen and node.index != 0:
            return None                 # the last full line would end in a hyphen
        lines = node.line + 1
        if lines >= rules.runt_lines and end.words - start.words_next < 2:
            return None                 # a runt
        ratio = 0.0                     # the last line is set at its natural width
        if natural > available:
            ratio = line_ratio(natural, available, start, end)
    else:
        ratio = line_ratio(natural, available, start, end)
        if ratio > rules.tolerance:
            return None
    badness = min(100.0 * abs(ratio) ** 3, rules.badness_cap)
    cost = (rules.line_penalty + badness) ** 2 + end.penalty ** 2
    if end.hyphen and start.hyphen and node.index != 0:
        cost += rules.double_hyphen_demerits
    return ratio, cost


def line_ratio(natural: float, available: float, start: Candidate, end: Candidate) -> float:
    """How far the line from `start` to `end` stretches (positive) or shrinks (negative) to fill
    `available` px; infinite for a line that cannot stretch or shrink and does not fill it."""
    room = available - natural
    if abs(room) <= 0.01:
        return 0.0
    give = end.stretch - start.stretch_next if room > 0 else end.shrink - start.shrink_next
    if give <= 0:
        return INFINITE if room > 0 else -INFINITE
    return room / give
