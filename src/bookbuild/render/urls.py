"""Render stage: URLs, DOIs and e-mail addresses, broken only where Chicago allows.

A reader copies an address from the page, so a line break inside one must not change it. The
Chicago Manual of Style (17th ed., 6.17 and 14.18) says where such a break may fall: after a
colon or a double slash; before a single slash, a period, a comma, a hyphen, an underscore, a
tilde, a question mark, a number sign or a percent sign; before or after an equals sign or an
ampersand; and never with an added hyphen.

Every edition gets the same markup from `url_markup`: the address cut into segments at those
points, each segment a `<span>` that CSS keeps on one line (`.url > span { white-space: nowrap }`,
which also turns off hyphenation and the line breaks Unicode would allow after a slash or a
hyphen) with a `<wbr/>` between segments, the only places a line may end. `<wbr/>` is valid in
HTML5 and in EPUB 3 XHTML. WeasyPrint 70 gives it a U+200B as `::before` content, which shapes
to no glyph: measured, the PDF's text (pdftotext, pypdf, pdfplumber) holds no U+200B and no
ToUnicode entry for it, so a URL copied from the PDF is the URL.

Pandoc's Markdown leaves a bare `https://...` in the running text as plain `Str` text (its
`autolink_bare_uris` extension is off), so `find_urls` finds addresses inside text at render
time, leaving out the sentence's punctuation that follows them.
"""

from __future__ import annotations

import re
from html import escape

# A run of characters that may belong to an address: no white space, no angle brackets, no
# quotation marks (straight or curly), which delimit an address in running text.
_BODY = r"[^\s<>\"“”‘«»]"
# Where an address starts: a scheme with `//` (https://, ftp://...), `mailto:` or `doi:`, a
# `www.` host, or an e-mail address. Not inside a word: "xhttps://" or "awww." is not one.
_URL = re.compile(
    r"(?<![\w.@/+-])(?:"
    r"[A-Za-z][A-Za-z0-9+.-]*://" + _BODY + r"+"
    r"|(?:mailto|doi|DOI):" + _BODY + r"+"
    r"|www\.[A-Za-z0-9-]+\." + _BODY + r"+"
    r"|[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    r")")
# Punctuation that ends the sentence or clause around an address rather than the address.
_TRAILING = ".,;:!?'’"
_CLOSERS = {")": "(", "]": "[", "}": "{"}

# Chicago's points, by character.
_BEFORE = frozenset("/.,-_~?#%=&")    # a break may fall before these (a slash only if single)
_AFTER = frozenset(":=&")             # and after these (a slash only after a double one)


def find_urls(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every address in `text`, in order, without the punctuation that
    follows it in the sentence: a period, a comma, a closing parenthesis it does not open."""
    # Every address holds a colon, an @ or "www." (the pattern's four forms): most text holds
    # none, and this test is far cheaper than the pattern (3 million words in Gibbon).
    if ":" not in text and "@" not in text and "www." not in text:
        return []
    found = []
    for match in _URL.finditer(text):
        start, end = match.span()
        end = _trim(text, start, end)
        # What is left must be more than a scheme ("https://." is punctuation after nothing).
        if re.search(r"[A-Za-z0-9]", text[start:end].split(":", 1)[-1]):
            found.append((start, end))
    return found


def _trim(text: str, start: int, end: int) -> int:
    while end > start:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in _CLOSERS:
            # Wikipedia's /wiki/Mercury_(planet) keeps its parenthesis; "(see https://x.org)"
            # does not: a closer stays only when the address opens it.
            body = text[start:end]
            if body.count(_CLOSERS[last]) >= body.count(last):
                break
            end -= 1
        else:
            break
    return end


def is_url(value: str) -> bool:
    """Whether all of `value` is one address (a link's text, an inline code)."""
    return [(0, len(value))] == find_urls(value) if value else False


def split_urls(text: str) -> list[tuple[str, bool]]:
    """`text` as pieces, each (piece, whether it is an address); empty pieces left out."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in find_urls(text):
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def break_points(url: str) -> list[int]:
    """The indexes i (0 < i < len(url)) where a line may end before url[i], by Chicago."""
    points = []
    for i in range(1, len(url)):
        before, char = url[i - 1], url[i]
        if char == "/":
            # Before a single slash only: the slashes of "//" stay together, and so do "https:"
            # and its "//" (a break after that colon would start a line with "//", which reads
            # as the start of another address; the break after "//" serves instead).
            if before != "/" and not url.startswith("//", i):
                points.append(i)
        elif before == "/":
            # After a double slash (https://, or a path's //), never after a single one.
            if url[:i].endswith("//"):
                points.append(i)
        elif before in _AFTER or char in _BEFORE:
            points.append(i)
    return points


def segments(url: str) -> list[str]:
    """`url` cut at its break points: what each nowrap span holds."""
    cuts = [0, *break_points(url), len(url)]
    return [url[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def url_markup(url: str) -> str:
    """The inside of a `.url` element: each segment in a span, a `<wbr/>` between them."""
    return "<wbr/>".join(f"<span>{escape(part, quote=False)}</span>" for part in segments(url))


def url_html(url: str) -> str:
    """An address in running text, ready for any edition."""
    return f'<span class="url">{url_markup(url)}</span>'
