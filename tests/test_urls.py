"""URLs, DOIs and e-mail addresses break only where Chicago allows (17th ed., 6.17, 14.18).

After a colon or a double slash; before a single slash, a period, a comma, a hyphen, an
underscore, a tilde, a question mark, a number sign or a percent sign; before or after an equals
sign or an ampersand; never with an added hyphen, and nothing a reader would copy into the
address (a U+200B, a soft hyphen). The unit tests cover the break points and finding addresses in
text; the build of tests/faults/urls/in (a narrow 5x8in trim, so addresses do break) is read back
from each edition: the PDF by the position of its words, the EPUB and HTML by their markup,
which must match tests/faults/urls/golden/segments.txt (one address a line, in reading order,
its segments separated by "|").
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from lxml import etree, html
from pypdf import PdfReader

from bookbuild.render.urls import break_points, find_urls, is_url, segments, split_urls
from conftest import EpubCheck, bookbuild, page_renderer
from readers import epub_documents, pdf_pages

FAULT = Path(__file__).resolve().parent / "faults" / "urls"
GOLDEN = FAULT / "golden" / "segments.txt"
# Characters that must never reach an edition's text inside an address: a reader would copy them.
JUNK = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u2010"


def cut(url: str) -> str:
    return "|".join(segments(url))


# -- the break points -------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/collections/harbour-studies/item?id=12345&part=two",
     "https://|example|.org|/collections|/harbour|-studies|/item|?id|=|12345|&|part|=|two"),
    # The fragment, the tilde, the underscore.
    ("https://www.example.org/~archive/harbour_studies/index.html#section-two",
     "https://|www|.example|.org|/~archive|/harbour|_studies|/index|.html|#section|-two"),
    # A port: after the colon; a path's double slash: after it, not between its slashes.
    ("http://mirror.example.net:8080/a//b", "http://|mirror|.example|.net:|8080|/a//|b"),
    # Percent-encoding: before the percent sign; a comma: before it.
    ("https://example.org/search?q=harbour%20studies,1899",
     "https://|example|.org|/search|?q|=|harbour|%20studies|,1899"),
    # DOIs, as citeproc prints them and as authors write them.
    ("https://doi.org/10.1000/harbour.2020.0042", "https://|doi|.org|/10|.1000|/harbour|.2020|.0042"),
    ("doi:10.1000/xyz-123", "doi:|10|.1000|/xyz|-123"),
    # E-mail: Chicago names no break at "@"; periods and hyphens serve.
    ("harbour.archivist@example.org", "harbour|.archivist@example|.org"),
    ("mailto:registry.office@harbour-studies.example.org",
     "mailto:|registry|.office@harbour|-studies|.example|.org"),
    ("www.example.org/about", "www|.example|.org|/about"),
    # Three slashes: the break comes after them all.
    ("file:///srv/harbour", "file:///|srv|/harbour"),
    ("https://example.org", "https://|example|.org"),
])
def test_breaks_fall_only_at_chicagos_points(url: str, expected: str) -> None:
    assert cut(url) == expected
    assert "".join(segments(url)) == url


@pytest.mark.parametrize("url", [
    "https://example.org/collections/harbour-studies/item?id=12345&part=two#top",
    "http://mirror.example.net:8080/a//b/~c_d,e%20f=g&h",
    "doi:10.1000/harbour.2020.0042",
    "name.surname@example.co.uk",
])
def test_every_break_point_is_one_chicago_allows(url: str) -> None:
    for i in break_points(url):
        before, after = url[i - 1], url[i]
        allowed = (before == ":" or url[:i].endswith("//") or before in "=&"
                   or (after == "/" and before != "/" and url[i:i + 2] != "//")
                   or after in ".,-_~?#%=&")
        assert allowed, f"{url[:i]} | {url[i:]}"
        assert not (before == ":" and url.startswith("//", i)), "https: | // splits the scheme"


@pytest.mark.parametrize(("text", "found"), [
    ("at https://example.org/a/b.", ["https://example.org/a/b"]),
    ("(https://example.org/a/b)", ["https://example.org/a/b"]),
    ("(see https://en.wikipedia.org/wiki/Harbour_(port)).", ["https://en.wikipedia.org/wiki/Harbour_(port)"]),
    ("“https://example.org/a”,", ["https://example.org/a"]),
    ("https://example.org/a?b=c;", ["https://example.org/a?b=c"]),
    ("www.example.org/about,", ["www.example.org/about"]),
    ("doi:10.1000/xyz.", ["doi:10.1000/xyz"]),
    ("harbour.archivist@example.org.", ["harbour.archivist@example.org"]),
    ("mailto:a.b@example.org!", ["mailto:a.b@example.org"]),
    ("https://example.org:8080/a#frag?", ["https://example.org:8080/a#frag"]),
    ("two:https://a.example.org/x/and/www.b.example.org",
     ["https://a.example.org/x/and/www.b.example.org"]),
    # Not addresses: words, a bare domain, a scheme with nothing after it, a time, a ratio.
    ("harbour-studies", []), ("example.org", []), ("https://", []), ("12:30", []),
    ("1:2", []), ("e.g.", []), ("@", []), ("a@b", []),
])
def test_addresses_are_found_without_the_sentence_around_them(text: str, found: list[str]) -> None:
    assert [text[a:b] for a, b in find_urls(text)] == found
    assert "".join(piece for piece, _ in split_urls(text)) == text


def test_is_url_wants_the_whole_text() -> None:
    assert is_url("https://example.org/a")
    assert not is_url("see https://example.org/a")
    assert not is_url("https://example.org/a.")
    assert not is_url("")


# -- the renderer -----------------------------------------------------------------------------

def _render(inlines: list[dict[str, Any]], breaks: list[tuple[int, str]] | None = None) -> str:
    renderer = page_renderer(breaks)
    renderer.begin("b")
    return renderer.inlines(inlines) + renderer.end()


def _text(markup: str) -> str:
    return html.fragment_fromstring(markup, create_parent="p").text_content()


def _link(text: str, href: str) -> dict[str, Any]:
    return {"t": "Link", "c": [["", ["uri"], []], [{"t": "Str", "c": text}], [href, ""]]}


def test_an_autolink_keeps_its_href_and_text_and_breaks_at_wbr() -> None:
    url = "https://example.org/a-b/c?d=e&f"
    markup = _render([_link(url, url)])
    link = html.fragment_fromstring(markup)
    assert link.get("href") == url and link.get("class") == "uri url"
    assert link.text_content() == url
    assert markup.count("<wbr/>") == len(break_points(url))


def test_a_mailto_link_shows_the_address() -> None:
    markup = _render([_link("a.b@example.org", "mailto:a.b@example.org")])
    assert 'href="mailto:a.b@example.org"' in markup and _text(markup) == "a.b@example.org"
    assert "<wbr/>" in markup


def test_a_link_with_words_is_left_as_words() -> None:
    markup = _render([{"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "the-archive.org"}],
                                          ["https://example.org/", ""]]}])
    assert "<wbr/>" not in markup and "url" not in markup


def test_a_bare_address_in_text_is_wrapped_without_its_period() -> None:
    markup = _render([{"t": "Str", "c": "(https://example.org/a_b)."}])
    assert markup.startswith('(<span class="url">') and markup.endswith("</span>).")
    assert _text(markup) == "(https://example.org/a_b)."


def test_code_holding_an_address() -> None:
    whole = _render([{"t": "Code", "c": [["", [], []], "https://example.org/a/b.py"]}])
    assert whole.startswith('<code class="url">') and _text(whole) == "https://example.org/a/b.py"
    mixed = _render([{"t": "Code", "c": [["", [], []], "curl -O https://example.org/a/b.py"]}])
    assert mixed.startswith('<code>curl -O <span class="url">')
    assert _text(mixed) == "curl -O https://example.org/a/b.py"


def test_a_print_page_break_inside_an_address_is_marked_before_it() -> None:
    # "at" has two word characters; the break is due at the 6th, inside the address.
    markup = _render([{"t": "Str", "c": "at"}, {"t": "Space"},
                      {"t": "Str", "c": "https://example.org/abc"}, {"t": "Space"},
                      {"t": "Str", "c": "then"}], [(6, "12"), (22, "13")])
    assert re.search(r'at <span id="page-12"[^>]*></span><span class="url">', markup)
    assert re.search(r'</span> <span id="page-13"[^>]*></span>then', markup)
    assert _text(markup) == "at https://example.org/abc then"


# -- the editions -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("urls")
    result = bookbuild("build", "--manuscript", FAULT / "in", "--out", out)
    assert result.code == 0, result.stderr
    return out


def golden() -> list[str]:
    return GOLDEN.read_text(encoding="utf-8").splitlines()


def _addresses(root: etree._Element) -> list[str]:
    """Each `.url` element's segments, checked to be spans with a <wbr/> between each two.
    A web page's <template> copies of its notes (for the pop-ups) are checked, not listed."""
    found = []
    for element in root.xpath("//*[contains(concat(' ', @class, ' '), ' url ')]"):
        children = list(element)
        assert not (element.text or "").strip(), "text outside the segments"
        assert [etree.QName(c).localname for c in children] == \
            ["span", "wbr"] * (len(children) // 2) + ["span"]
        parts = ["".join(span.itertext()) for span in children[::2]]
        assert all(not (c.tail or "") for c in children)
        address = "".join(parts)
        assert "".join(element.itertext()) == address
        assert parts == segments(address), address
        if etree.QName(element).localname == "a":
            assert element.get("href") in (address, "mailto:" + address)
        if not element.xpath("ancestor::*[local-name()='template']"):
            found.append("|".join(parts))
    # No other break opportunity: every <wbr/> is one of an address's.
    for wbr in root.xpath("//*[local-name()='wbr']"):
        assert "url" in (wbr.getparent().get("class") or "").split()
    return found


def test_golden_segments_follow_chicago() -> None:
    for line in golden():
        assert cut(line.replace("|", "")) == line


def test_epub_offers_breaks_only_at_chicagos_points(editions: Path) -> None:
    documents = epub_documents(editions / "t.epub")
    spine = ["EPUB/01.xhtml", "EPUB/notes.xhtml", "EPUB/bibliography.xhtml"]
    assert set(spine) <= set(documents)
    found = [line for name in spine for line in _addresses(documents[name])]
    assert found == golden()
    for name, root in documents.items():
        text = "".join(root.itertext())
        assert not set(text) & set(JUNK), name


def test_epubcheck_stays_clean(editions: Path, epubcheck_report: EpubCheck) -> None:
    assert epubcheck_report.problems(editions / "t.epub") == []


def test_html_offers_breaks_only_at_chicagos_points(editions: Path) -> None:
    folder = editions / "html"
    pages = ["01.html", "notes.html", "bibliography.html"]
    found = []
    for name in pages:
        root = html.parse(str(folder / name)).getroot()
        found += _addresses(root)
    assert found == golden()
    script = (folder / "js" / "search-index.js").read_text(encoding="utf-8")
    assert not set(script) & set(JUNK)
    index = json.loads(script.removeprefix("window.bookbuildSearch = ").rstrip().rstrip(";"))
    passages = " ".join(entry[2] for entry in index["entries"])
    for line in golden():
        assert line.replace("|", "") in passages


def _pdf_lines(path: Path) -> str:
    """The PDF's text block as lines of words, from the words' positions (pdfplumber)."""
    lines: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            top, bottom = page.height * 0.075, page.height * (1 - 0.095)
            rows: dict[int, list[dict[str, Any]]] = {}
            for word in page.extract_words(keep_blank_chars=False, use_text_flow=False):
                if top < word["top"] < bottom:
                    rows.setdefault(round(word["bottom"]), []).append(word)
            for key in sorted(rows):
                lines.append(" ".join(w["text"] for w in sorted(rows[key], key=lambda w: w["x0"])))
    return "\n".join(lines)


def _breaks_in(text: str, address: str) -> list[list[int]]:
    """Each occurrence of `address` in `text`, allowing a line end between any two characters:
    the indexes (into the address) where its lines end."""
    pattern = "\n?".join(re.escape(char) for char in address)
    found = []
    for match in re.finditer(pattern, text):
        breaks, seen = [], 0
        for char in match.group():
            if char == "\n":
                breaks.append(seen)
            else:
                seen += 1
        found.append(breaks)
    return found


@pytest.mark.parametrize("reader", ["pdfplumber", "pypdf", "pdftotext"])
def test_pdf_lines_end_inside_addresses_only_at_chicagos_points(editions: Path, reader: str) -> None:
    path = editions / "t.pdf"
    if reader == "pdfplumber":
        text = _pdf_lines(path)
    elif reader == "pypdf":
        text = "\n".join(pdf_pages(path))
    else:
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert not set(text) & set(JUNK)
    expected = Counter(line.replace("|", "") for line in golden())
    broken = 0
    for address, count in expected.items():
        occurrences = _breaks_in(text, address)
        # A hyphenated or otherwise altered address would not be found at all.
        assert len(occurrences) == count, (address, text)
        for breaks in occurrences:
            assert set(breaks) <= set(break_points(address)), (address, breaks)
            broken += bool(breaks)
    # The narrow measure must actually break addresses, or this test proves nothing.
    assert broken >= 5


def test_pdf_links_point_at_the_addresses(editions: Path) -> None:
    uris = set()
    for page in PdfReader(editions / "t.pdf").pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
    hrefs = {
        "https://www.example.org/collections/harbour_studies/~archive/index.html#section-two",
        "mailto:registry.office@harbour-studies.example.org",
        "https://example.org/collections/harbour-studies/series/volume-three/part-one/index.html",
        "https://doi.org/10.1000/harbour.2020.0042",
        "https://example.org/collections/harbour-studies/item?id=67890&part=three",
    }
    assert uris == hrefs


# In a browser the <wbr/> between nowrap segments is the only place an address may wrap.
_LINES_OF_ADDRESSES = """() => {
  const found = [];
  for (const el of document.querySelectorAll('main .url')) {
    const spans = [...el.children].filter(c => c.tagName === 'SPAN');
    const lines = [];
    let top = null;
    for (const span of spans) {
      const rects = span.getClientRects();
      if (rects.length !== 1) return {split: span.textContent};
      const t = Math.round(rects[0].top);
      if (top === null || t !== top) lines.push('');
      lines[lines.length - 1] += span.textContent;
      top = t;
    }
    found.push(lines);
  }
  return {found, overflow: document.documentElement.scrollWidth - innerWidth};
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_browser_wraps_addresses_only_between_segments(editions: Path, browser: Any, width: int) -> None:
    wrapped = 0
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for name in ("01.html", "notes.html", "bibliography.html"):
        page.goto((editions / "html" / name).as_uri())
        result = page.evaluate(_LINES_OF_ADDRESSES)
        assert "split" not in result, f"a segment wrapped inside: {result}"
        assert result["overflow"] <= 0, name
        for lines in result["found"]:
            address = "".join(lines)
            ends = [len("".join(lines[:i + 1])) for i in range(len(lines) - 1)]
            assert set(ends) <= set(break_points(address)), lines
            wrapped += len(lines) > 1
    context.close()
    assert wrapped


def test_a_print_page_break_inside_a_link_is_marked_before_the_link() -> None:
    url = "https://example.org/abc"
    markup = _render([{"t": "Str", "c": "at"}, {"t": "Space"}, _link(url, url)], [(6, "12")])
    assert re.search(r'at <span id="page-12"[^>]*></span><a class="uri url"', markup)


def test_a_link_has_one_clickable_area_per_line_in_print(editions: Path) -> None:
    """WeasyPrint gives every box inside a link (each piece of a URL, each <wbr/>) an area of its
    own; the finisher keeps one area per line, so no area lies inside another with its target.
    (The PDF of `editions`: the same bytes as one built alone with `--format pdf`.)"""
    from pypdf import PdfReader
    for page in PdfReader(str(editions / "t.pdf")).pages:
        areas = []
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            action = annotation.get("/A")
            target = action.get_object().get("/URI") if action else annotation.get("/Dest")
            x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
            areas.append((str(target), min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        for index, (target, *box) in enumerate(areas):
            assert box[2] - box[0] > 0.01, f"an empty link area to {target}"
            for other_index, (other, *outer) in enumerate(areas):
                inside = (outer[0] - 0.01 <= box[0] and outer[1] - 0.01 <= box[1]
                          and box[2] <= outer[2] + 0.01 and box[3] <= outer[3] + 0.01)
                assert other_index == index or other != target or not inside
