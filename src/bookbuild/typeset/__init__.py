"""Typeset stage: how the print edition's paragraphs are broken into lines.

Between rendering (HTML from the book model) and the PDF writer: the PDF writer lays the book out
with WeasyPrint inside `optimal_line_breaking()`, which sets every justified paragraph with the
optimal-fit breaker (knuth_plass) under the house rules of hyphenation (hyphenation), measured
with WeasyPrint's own fonts and shaping (paragraph), and counts what it did (weasy.STATS).
"""

from bookbuild.typeset.weasy import STATS, optimal_line_breaking

__all__ = ["STATS", "optimal_line_breaking"]
