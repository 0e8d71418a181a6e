"""Proofread stage: the folio of every page, printed or counted.

A chapter's first page and blank pages print no folio; theirs is counted back from the next page
that prints one, in the same numerals (roman in the front matter), else on from the page before.
"""

from __future__ import annotations

from bookbuild.proofread.lines import Page


def folios(pages: list[Page]) -> list[str | None]:
    """The folio of every page: the one printed on it, else counted back from the next page
    that prints one in the same numerals (a chapter's first page carries none), else forward
    from the one before; None when no page gives a number."""
    printed = [_folio_value(page.folio.text) if page.folio else None for page in pages]
    result: list[str | None] = []
    for index, value in enumerate(printed):
        if value is None:
            later = next(((i, v) for i, v in enumerate(printed[index:], index) if v), None)
            earlier = next(((i, v) for i, v in reversed(list(enumerate(printed[:index]))) if v), None)
            value = _shift(later, index) or _shift(earlier, index)
        result.append(_folio_text(value) if value else None)
    return result


def _folio_value(text: str) -> tuple[int, bool] | None:
    """A folio as (number, roman?)."""
    if text.isdigit():
        return int(text), False
    number = _from_roman(text.lower())
    return (number, True) if number else None


def _shift(known: tuple[int, tuple[int, bool] | None] | None, index: int) -> tuple[int, bool] | None:
    if known is None or known[1] is None:
        return None
    position, (number, roman) = known[0], known[1]
    shifted = number + index - position
    return (shifted, roman) if shifted > 0 else None


def _folio_text(value: tuple[int, bool]) -> str:
    number, roman = value
    return _to_roman(number) if roman else str(number)


_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50),
          ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def _to_roman(number: int) -> str:
    text = ""
    for letters, value in _ROMAN:
        count, number = divmod(number, value)
        text += letters * count
    return text


def _from_roman(text: str) -> int:
    """The value of lower-case roman numerals, 0 if `text` is not written as they are."""
    total, rest = 0, text
    for letters, value in _ROMAN:
        while rest.startswith(letters):
            total, rest = total + value, rest[len(letters):]
    return total if not rest and text and _to_roman(total) == text else 0
