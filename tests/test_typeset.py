"""The typeset stage: optimal line breaking and the house rules of hyphenation, on real WeasyPrint
layouts read back from the PDF (word positions), and the breaker alone on measured paragraphs."""

from __future__ import annotations

import io
import re
import statistics
from collections import defaultdict
from contextlib import nullcontext

import pdfplumber
import pytest
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from bookbuild.resources import styles_dir
from bookbuild.typeset import STATS, optimal_line_breaking
from bookbuild.typeset.hyphenation import hyphenation_points
from bookbuild.typeset.knuth_plass import Candidate, Rules, break_paragraph, line_ratio

LIMITS = (6, 3, 3)

# A golden paragraph: names that must not be broken, long common words that may, dashes and an
# ellipsis that must not start a line, and enough text to give the breaker choices.
GOLDEN = (
    "In Cambridge and in London the Westminster correspondents telegraphed extraordinary "
    "accounts of the revolutionary committees—their administration, their unprecedented "
    "organisation—while Victoria Station overflowed with disillusioned representatives of "
    "international cooperatives… The Petrograd Soviet, unquestionably the decisive institution, "
    "demanded the immediate nationalisation of manufacturing establishments, the "
    "democratisation of administration and the abolition of the counterrevolutionary "
    "committees; Alexandrovsky and Kollontai characteristically disagreed with Tseretelli about "
    "the responsibilities of the representatives, notwithstanding the circumstances. "
) * 3


def _pdf(paragraphs: list[str], measure_pt: float, optimal: bool) -> bytes:
    fonts = styles_dir() / "fonts"
    config = FontConfiguration()
    css = CSS(font_config=config, string=f"""
        @font-face {{ font-family: Gentium; src: url("{(fonts / 'GentiumBookPlus-Regular.ttf').as_uri()}"); }}
        @page {{ size: {measure_pt + 72}pt 2000pt; margin: 36pt; }}
        body {{ font-family: Gentium; font-size: 10.5pt; line-height: 1.4; margin: 0; }}
        p {{ margin: 0 0 14pt; text-align: justify; hyphens: auto; hyphenate-limit-chars: 6 3 3;
            text-indent: 1.2em; }}""")
    html = '<html lang="en-GB"><body>' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
    with optimal_line_breaking() if optimal else nullcontext():
        return HTML(string=html).render(stylesheets=[css], font_config=config).write_pdf()


def _lines(pdf: bytes) -> list[list[dict]]:
    """The PDF's lines, top to bottom, each a list of words left to right."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        words = document.pages[0].extract_words(use_text_flow=True)
    rows: dict[int, list[dict]] = defaultdict(list)
    for word in words:
        rows[round(word["bottom"])].append(word)
    return [sorted(rows[key], key=lambda w: w["x0"]) for key in sorted(rows)]


def _spacing(line: list[dict]) -> float:
    """Mean word space of a line in em (10.5 pt)."""
    inked = sum(w["x1"] - w["x0"] for w in line)
    return (line[-1]["x1"] - line[0]["x0"] - inked) / (len(line) - 1) / 10.5


@pytest.fixture(scope="module")
def golden() -> tuple[list[list[dict]], list[list[dict]]]:
    STATS.clear()
    optimal = _lines(_pdf([GOLDEN], 200, optimal=True))
    assert STATS["lines not as planned"] == 0
    assert STATS["lines as planned"] == len(optimal)
    first_fit = _lines(_pdf([GOLDEN], 200, optimal=False))
    return optimal, first_fit


def test_every_line_is_the_one_planned_and_justified(golden) -> None:
    optimal, _ = golden
    # The measure's right edge; a tracked line's last glyph ends its tracking (< 1 pt) short.
    right = 36 + 200
    for line in optimal[:-1]:
        assert right - 1.0 < line[-1]["x1"] < right + 0.15, " ".join(w["text"] for w in line)


def test_optimal_lines_are_tighter_and_more_even_than_first_fit(golden) -> None:
    optimal, first_fit = golden
    ours = [_spacing(line) for line in optimal[:-1]]
    theirs = [_spacing(line) for line in first_fit[:-1]]
    assert max(ours) < max(theirs)
    assert statistics.pstdev(ours) < statistics.pstdev(theirs)


def test_hyphenation_discipline_in_the_pdf(golden) -> None:
    optimal, _ = golden
    run = 0
    for number, line in enumerate(optimal):
        last = line[-1]["text"]
        hyphenated = last.endswith("\u2010")
        run = run + 1 if hyphenated or last.endswith("-") else 0
        assert run <= 2, f"three hyphens in a row at line {number}"
        if hyphenated:
            fragment = last[:-1]
            assert not fragment[:1].isupper(), f"a capitalised word broken: {last}"
            assert len(re.sub(r"\W", "", fragment)) >= 3
            following = optimal[number + 1][0]["text"]
            assert len(re.match(r"\w*", following).group()) >= 3
        first = line[0]["text"]
        assert not first.startswith(("\u2014", "\u2013", "\u2026")), f"line {number} starts {first}"
    assert len(optimal[-1]) >= 2, "the paragraph ends on a runt"
    assert not optimal[-2][-1]["text"].endswith("\u2010")


def test_paragraphs_that_first_fit_ends_on_a_runt_do_not() -> None:
    words = GOLDEN.split()
    runts = 0
    for count in range(8, 40):
        text = " ".join(words[:count])
        first_fit = _lines(_pdf([text], 160, optimal=False))
        if len(first_fit) < 3 or len(first_fit[-1]) > 1:
            continue
        STATS.clear()
        lines = _lines(_pdf([text], 160, optimal=True))
        assert STATS["lines not as planned"] == 0
        if STATS["pass 4"]:
            continue            # no breaks avoid it: the last pass accepts the runt
        runts += 1
        assert len(lines[-1]) >= 2, (text, [w["text"] for w in lines[-1]])
    assert runts >= 3, "the cases do not test runts"


def test_hyphenation_points_follow_the_house_rules() -> None:
    def points(text: str) -> list[str]:
        return [text[:i].split()[-1] for i in hyphenation_points(text, "en-GB", LIMITS)]

    assert points("revolutionary") == ["revolu", "revolution"]
    assert points("London Cambridge Victoria NATIONALISATION") == []       # capitalised
    assert points("paper")== []                                            # under six letters
    assert points("well-established counter-revolutionary") == []          # compounds
    assert points("www.revolutionary.org/administration 1917revolutionary") == []
    for point in hyphenation_points("organisation", "en-GB", LIMITS):
        assert 3 <= point <= len("organisation") - 3


STRETCH, SHRINK = 2.0, 1.3     # px a word space stretches at ratio 1 and shrinks at -1


def _paragraph(widths: list[float], space: float = 4.0) -> list[Candidate]:
    """Words of `widths` px separated by spaces: a candidate at every space."""
    found = [Candidate(0.0, 0.0, 0, 0, 0, 0, 0, 0)]
    x = 0.0
    for index, width in enumerate(widths[:-1]):
        x += width
        found.append(Candidate(x, x + space, index * STRETCH, (index + 1) * STRETCH,
                               index * SHRINK, (index + 1) * SHRINK, index + 1, index + 1))
        x += space
    x += widths[-1]
    spaces = len(widths) - 1
    found.append(Candidate(x, x, spaces * STRETCH, spaces * STRETCH, spaces * SHRINK,
                           spaces * SHRINK, len(widths), len(widths)))
    return found


def _ratios(found: list[Candidate], breaks: list[int], measure: float) -> list[float]:
    return [line_ratio(found[end].x - found[start].x_next, measure, found[start], found[end])
            for start, end in zip([0, *breaks[:-2]], breaks[:-1], strict=True)]


def test_breaker_chooses_breaks_together() -> None:
    # First fit fills the first line and leaves the second very loose; the optimum evens them.
    found = _paragraph([30, 30, 30, 30, 30, 30, 30, 40, 40, 40])
    first_fit, start = [], 0
    for index in range(1, len(found)):
        if found[index].x - found[start].x_next > 140:
            first_fit.append(index - 1)
            start = index - 1
    first_fit.append(len(found) - 1)
    breaks = break_paragraph(found, measure=140, first_measure=140, rules=Rules(tolerance=20))
    assert breaks is not None and breaks[-1] == len(found) - 1
    ours, theirs = _ratios(found, breaks, 140), _ratios(found, first_fit, 140)
    assert all(-1 <= ratio for ratio in ours)
    assert max(map(abs, ours)) < max(map(abs, theirs))


def test_breaker_keeps_the_hyphen_run_and_says_when_it_cannot() -> None:
    found = _paragraph([60] * 3)
    assert break_paragraph(found, 50, 50, Rules()) is None     # a word wider than the measure
    hyphens = [Candidate(10.0 * i, 10.0 * i, i, i, i, i, 0, 0, extra=2, hyphen=True, penalty=50)
               for i in range(1, 20)]
    start, end = Candidate(0, 0, 0, 0, 0, 0, 0, 0), Candidate(200, 200, 20, 20, 20, 20, 5, 5)
    # Every line must end in a hyphen: allowed without the limit, refused with it.
    unlimited = Rules(tolerance=99, max_hyphen_run=99, final_hyphen=True, runt_lines=99)
    assert break_paragraph([start, *hyphens, end], 32, 32, unlimited) is not None
    limited = Rules(tolerance=99, final_hyphen=True, runt_lines=99)
    assert break_paragraph([start, *hyphens, end], 32, 32, limited) is None
