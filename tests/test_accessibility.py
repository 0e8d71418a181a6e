"""Accessibility of the screen editions, checked as a publisher and a reader would.

Ace by DAISY (the reference checker of EPUB Accessibility 1.1, `@daisy/ace` from package.json,
run through Debian's Chromium) must find nothing in the essay's EPUB and in Ten Days'. The
accessibility metadata claims WCAG 2.2 AA only when the build can know it holds. The print page
markers of both screen editions are page breaks and nothing else: never inside a heading, a
link's words, a header cell or a caption, named "Page N" for assistive technology, and in the
web edition drawn as folios (in the margin on a wide screen, at the right edge of the line on a
phone), never raised like a note call, their number kept out of the text a screen reader reads.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypandoc
import pytest
from lxml import etree, html
from PIL import Image

from conftest import CHROMIUM, ROOT, EpubCheck, bookbuild, page_renderer
from readers import epub_documents
from test_cli import write_book

ACE = ROOT / "node_modules" / ".bin" / "ace-puppeteer"
SLUG = "revolution-destroyed"
CHAPTER = "01-revolution-destroyed.html"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
OPS = "http://www.idpf.org/2007/ops"
OPF = {"opf": "http://www.idpf.org/2007/opf"}
# Elements whose words are an accessible name (or a header's): no page marker may be inside.
NAMED = ("h1", "h2", "h3", "h4", "h5", "h6", "a", "th", "caption", "figcaption")


# -- Ace by DAISY ---------------------------------------------------------------------------------

def ace_violations(epub: Path, out: Path) -> list[str]:
    """Every violation Ace reports, of any impact: 'impact rule (document)'."""
    if not ACE.exists():
        pytest.skip("Ace by DAISY is not installed: `make test` runs `npm ci` (needs Node's npm; "
                    ".ci/run installs Debian's nodejs and npm)")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}; .ci/run installs Debian's chromium package")
    environment = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM)}
    done = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(out), str(epub)],
                          capture_output=True, text=True, env=environment, timeout=900)
    report_path = out / "report.json"
    assert report_path.exists(), done.stdout + done.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    return [f"{test['earl:impact']} {test['dct:title']} ({document['earl:testSubject']['url']})"
            for document in report["assertions"] for assertion in document["assertions"]
            for test in [assertion["earl:test"]]]


def test_ace_finds_nothing_in_the_essay(essay: Path, tmp_path: Path) -> None:
    assert ace_violations(essay / f"{SLUG}.epub", tmp_path) == []


def test_ace_finds_nothing_in_ten_days(ten_days: Path, tmp_path: Path) -> None:
    """A whole book: tables (one with a blank corner cell), verse, 27 chapters, page markers."""
    assert ace_violations(ten_days / "ten-days-that-shook-the-world.epub", tmp_path) == []


def test_epubcheck_usage_report_finds_no_deprecated_semantics(essay: Path,
                                                              epubcheck_report: EpubCheck) -> None:
    """EPUBCheck's usage report (informational, beyond its warnings) flags a deprecated epub:type
    (OPF-086b, once `endnote` on every note) and deprecated metadata (OPF-086)."""
    usage = [(m["ID"], m["message"]) for m in epubcheck_report.messages(essay / f"{SLUG}.epub")]
    assert [m for m in usage if m[0].startswith("OPF-086")] == []


# -- accessibility metadata ---------------------------------------------------------------------

def _package(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as archive:
        return etree.fromstring(archive.read("EPUB/content.opf"))


def _metas(package: etree._Element, prop: str) -> list[str]:
    return [m.text for m in package.xpath(f"//opf:meta[@property='{prop}']", namespaces=OPF)]


def test_the_package_states_its_language_and_conformance(essay: Path) -> None:
    package = _package(essay / f"{SLUG}.epub")
    assert package.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    assert _metas(package, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert _metas(package, "a11y:certifiedBy") == []           # no person evaluated it
    features = _metas(package, "schema:accessibilityFeature")
    assert {"pageNavigation", "pageBreakMarkers"} <= set(features)
    assert "printPageNumbers" not in features                   # retired by the vocabulary


@pytest.mark.parametrize("described", [True, False])
def test_conformance_is_claimed_only_when_every_image_is_described(tmp_path: Path,
                                                                   described: bool) -> None:
    second = "![A second map](map.png)" if described else "![](map.png)"
    book = write_book(tmp_path / "m", "title: Maps\nlang: en\n",
                      {"01.md": f"# One\n\n![A map of the river](map.png)\n\nText.\n\n{second}\n"})
    Image.new("RGB", (40, 30), (200, 180, 120)).save(book / "map.png")
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out", "--format", "epub")
    assert result.code == 0, result.stderr
    package = _package(tmp_path / "out" / "maps.epub")
    claims = _metas(package, "dcterms:conformsTo")
    summary = _metas(package, "schema:accessibilitySummary")[0]
    if described:
        assert claims == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
        assert _metas(package, "schema:accessModeSufficient") == ["textual"]
        assert "alternativeText" in _metas(package, "schema:accessibilityFeature")
    else:
        assert claims == []
        assert _metas(package, "schema:accessModeSufficient") == ["textual,visual"]
        assert "Some images lack a text alternative" in summary


# -- page markers in the markup -----------------------------------------------------------------

def _html_documents(folder: Path) -> dict[str, etree._Element]:
    return {page.name: html.parse(str(page)).getroot() for page in sorted(folder.glob("*.html"))}


def _markers(documents: dict[str, etree._Element]) -> Iterator[tuple[str, etree._Element]]:
    for name, root in documents.items():
        for element in root.iter():
            if isinstance(element.tag, str) and "doc-pagebreak" in (element.get("role") or "").split():
                yield name, element


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


@pytest.mark.parametrize("book", ["essay", "ten_days"])
@pytest.mark.parametrize("edition", ["epub", "html"])
def test_a_page_marker_is_a_named_page_break_outside_any_name(request: pytest.FixtureRequest,
                                                              book: str, edition: str) -> None:
    out: Path = request.getfixturevalue(book)
    documents = epub_documents(next(out.glob("*.epub"))) if edition == "epub" \
        else _html_documents(out / "html")
    markers = list(_markers(documents))
    assert len(markers) > (5 if book == "essay" else 300)
    for name, marker in markers:
        folio = marker.get("id").removeprefix("page-")
        where = f"{name}#{marker.get('id')}"
        assert marker.get("aria-label") == f"Page {folio}", where
        # DPUB's role; on the web, then the ARIA role it refines, for tools that know no DPUB.
        role = "doc-pagebreak" if edition == "epub" else "doc-pagebreak separator"
        assert marker.get("role") == role, where
        assert marker.get("title") is None, where           # a title would be read as well
        assert not "".join(marker.itertext()) and len(marker) == 0, where
        assert (marker.get(f"{{{OPS}}}type") == "pagebreak") == (edition == "epub"), where
        inside = [_local(a) for a in marker.iterancestors() if _local(a) in NAMED]
        assert inside == [], f"{where} is inside {inside}"


def _blocks(markdown: str) -> list[dict[str, Any]]:
    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))["blocks"]


def _render_block(markdown: str, breaks: list[tuple[int, str]]) -> str:
    (block,) = _blocks(markdown)
    renderer = page_renderer(breaks)
    return renderer.block(block, "b")


def _marker_markup(folio: int) -> str:
    return (f'<span id="page-{folio}" class="page-break" role="doc-pagebreak separator" '
            f'aria-label="Page {folio}" data-page="{folio}"></span>')


def test_a_page_that_begins_in_a_heading_or_a_link_begins_before_it() -> None:
    heading = _render_block("# Revolution Destroyed {#rd}", [(0, "1"), (10, "2")])
    assert heading.startswith(_marker_markup(1) + _marker_markup(2) + '<h1 id="rd">Revolution Destroyed</h1>')
    link = _render_block("See [the long title of a work](#w) here.", [(6, "7")])
    assert f'See {_marker_markup(7)}<a href="#w">the long title of a work</a> here.' in link
    rule = _render_block("* * *", [(0, "4")])
    assert rule.startswith(_marker_markup(4) + '<hr class="break"/>')
    # In running text the marker stays where the page begins.
    para = _render_block("Endorsing the slogan of control.", [(12, "2")])
    assert f"Endorsing the {_marker_markup(2)}slogan" in para


def test_a_blank_header_cell_heads_nothing_and_a_blank_header_row_is_none() -> None:
    markdown = "| | 1914 | 1917 |\n|---|---|---|\n| Bread | 2 | 12 |\n"
    corner = _render_block(markdown, [])
    assert "<thead>\n<tr><td></td><th>1914</th><th>1917</th></tr>\n</thead>" in corner
    # Pandoc's readers drop a header row of blank cells; one made otherwise is no header either.
    (table,) = _blocks(markdown)
    for cell in table["c"][3][1][0][1]:
        cell[4] = []
    headless = page_renderer([]).block(table, "b")
    assert "<thead" not in headless and "<th" not in headless and "Bread" in headless
    # A page that begins in a header cell is marked in the next data cell.
    header = _render_block("| Trade | 1914 |\n|---|---|\n| Metal | 2 |\n", [(5, "3")])
    assert "<th>1914</th>" in header and f"<td>{_marker_markup(3)}Metal</td>" in header


# -- the web edition in a browser (`browser` and `site`, the essay's, are in conftest.py) ----------

def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class AxTree:
    """Chromium's accessibility tree of a page, the one screen readers are given."""

    def __init__(self, page: Any) -> None:
        session = page.context.new_cdp_session(page)
        self.nodes = {n["nodeId"]: n for n in session.send("Accessibility.getFullAXTree")["nodes"]}

    def of_role(self, role: str) -> list[dict[str, Any]]:
        """The nodes of `role` in reading order: the tree walked from its root (CDP lists the
        nodes in an order of its own, which puts a node nested in a span after its siblings)."""
        return [n for n in self._in_order() if n.get("role", {}).get("value") == role
                and not n.get("ignored")]

    def _in_order(self) -> list[dict[str, Any]]:
        roots = [n for n in self.nodes.values() if "parentId" not in n]
        ordered: list[dict[str, Any]] = []
        stack = list(reversed(roots))
        while stack:
            node = stack.pop()
            ordered.append(node)
            stack.extend(self.nodes[i] for i in reversed(node.get("childIds", [])) if i in self.nodes)
        return ordered

    def name(self, node: dict[str, Any]) -> str:
        return _squeeze(node.get("name", {}).get("value", ""))

    def text(self, node: dict[str, Any]) -> str:
        """The text a screen reader reads inside `node`, page breaks shown as [name]."""
        parts: list[str] = []
        for child in (self.nodes[i] for i in node.get("childIds", []) if i in self.nodes):
            role = child.get("role", {}).get("value")
            if role == "StaticText":
                parts.append(child.get("name", {}).get("value", ""))
            elif role == "doc-pagebreak":
                parts.append(f"[{self.name(child)}]")
            elif role != "InlineTextBox":
                parts.append(self.text(child))
        return "".join(parts)


@pytest.mark.parametrize("name", [CHAPTER, "notes.html", "bibliography.html"])
def test_headings_and_text_read_without_page_numbers(browser: Any, site: str, name: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site + name)
    tree = AxTree(page)
    # A heading is named by its words alone: no page number, no "Page 1".
    words = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "hs => hs.map(h => h.textContent)")
    assert sorted(tree.name(h) for h in tree.of_role("heading")) == sorted(map(_squeeze, words))
    if name == CHAPTER:
        assert page.locator("h1").aria_snapshot() == '- heading "Revolution Destroyed" [level=1]'
    breaks = tree.of_role("doc-pagebreak")
    # Each marker's paragraph as the DOM has it, the marker replaced by its name in brackets.
    markers = page.eval_on_selector_all("main [role~=doc-pagebreak]", """ms => ms.map(m => {
        const p = m.closest('p'); if (!p) return [m.dataset.page, null];
        const copy = p.cloneNode(true);
        copy.querySelector('#' + m.id).replaceWith('[Page ' + m.dataset.page + ']');
        return [m.dataset.page, copy.textContent]; })""")
    assert [tree.name(b) for b in breaks] == [f"Page {folio}" for folio, _ in markers] and markers
    for marker, (_, paragraph) in zip(breaks, markers, strict=True):
        assert tree.text(marker) == "", "the folio shown must not be read"
        parent = tree.nodes[marker["parentId"]]
        if paragraph is not None and parent.get("role", {}).get("value") == "paragraph":
            # Word for word what the paragraph says, the page break named where the page
            # begins: "endorsing the [Page 2]slogan", never "endorsing the 2slogan".
            assert _squeeze(tree.text(parent)) == _squeeze(paragraph)
    context.close()


def _folio_boxes(page: Any) -> list[dict[str, Any]]:
    """Each marker's box, style and the box of the text column around it."""
    return page.eval_on_selector_all("main [role~=doc-pagebreak]", """ms => ms.map(m => {
        const own = getComputedStyle(m), number = getComputedStyle(m, '::before');
        const box = m.getBoundingClientRect();
        const column = m.closest('p, li, td, section').getBoundingClientRect();
        const text = getComputedStyle(m.parentElement);
        return {id: m.id, left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                width: box.width, columnLeft: column.left, columnRight: column.right,
                columnTop: column.top, columnBottom: column.bottom,
                float: own.float, position: own.position, align: own.verticalAlign,
                numberAlign: number.verticalAlign, content: number.content,
                size: parseFloat(number.fontSize), textSize: parseFloat(text.fontSize),
                colour: number.color, textColour: text.color};
    })""")


def test_page_markers_look_like_folios_not_note_calls(browser: Any, site: str,
                                                      tmp_path: Path) -> None:
    for screen, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(site + CHAPTER)
        page.wait_for_load_state("load")
        page.screenshot(path=str(tmp_path / f"{screen}-chapter-opening.png"))
        folios = _folio_boxes(page)
        calls = page.eval_on_selector_all("a.noteref", "cs => cs.map(c => { const b = "
                                          "c.getBoundingClientRect(); return [b.left, b.right, "
                                          "b.top, b.bottom]; })")
        assert len(folios) >= 6
        for folio in folios:
            where = f"{screen} {folio['id']}"
            assert folio["content"] not in ("none", "normal", ""), where      # shown
            assert "super" not in (folio["align"], folio["numberAlign"]), where
            assert folio["size"] < folio["textSize"] and folio["colour"] != folio["textColour"], where
            assert 0 <= folio["left"] and folio["right"] <= viewport["width"], where
            for left, right, top, bottom in calls:
                assert right <= folio["left"] or left >= folio["right"] or bottom <= folio["top"] \
                    or top >= folio["bottom"], f"{where} overlaps a note call"
            if screen == "desktop":
                # In the margin, beside the line where the page begins.
                assert folio["position"] == "absolute", where
                assert folio["left"] >= folio["columnRight"] + 8, where
            else:
                # At the right edge of the column, in the line where the page begins.
                assert folio["float"] == "right", where
                assert abs(folio["right"] - folio["columnRight"]) < 1, where
            assert folio["columnTop"] - 1 <= folio["top"] <= folio["columnBottom"], where
        context.close()


def test_every_web_page_has_a_description(essay: Path) -> None:
    descriptions = {}
    for name, root in _html_documents(essay / "html").items():
        (meta,) = root.xpath("//meta[@name='description']")
        descriptions[name] = meta.get("content")
        assert 0 < len(descriptions[name]) <= 160, name
    assert descriptions["index.html"].startswith("As the Left celebrates the centenary")
    assert descriptions[CHAPTER].startswith("The Russian Revolution is a startling paradox.")
    assert descriptions["notes.html"] == "The notes to Revolution Destroyed."
    assert len(set(descriptions.values())) == len(descriptions)
