"""Index stage, step 3: a range of pages as Chicago writes inclusive numbers (CMOS 17, 9.64):
under 100, or from a multiple of 100, every digit (3-10, 71-72, 100-104, 1100-1113); from 101
to 109 in a hundred, only the digits that change (101-8, 1103-4); from 110 to 199, two digits or
more as needed (321-28, 498-532, 1087-89, 1496-500, 11564-615). Roman folios keep every letter."""

from __future__ import annotations

EN_DASH = "\u2013"


def page_range(first: str, last: str) -> str:
    """"142" for one page; "142–45" for a range of Arabic folios; "ix–xii" for Roman ones."""
    if first == last:
        return first
    if not (first.isdigit() and last.isdigit()):
        return f"{first}{EN_DASH}{last}"
    start = int(first)
    if start < 100 or start % 100 == 0 or len(last) != len(first):
        return f"{first}{EN_DASH}{last}"
    differs = next(i for i, (a, b) in enumerate(zip(first, last, strict=True)) if a != b)
    keep = len(last) - differs
    if start % 100 >= 10:
        keep = max(keep, 2)
    return f"{first}{EN_DASH}{last[-keep:]}"
