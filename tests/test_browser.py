"""The HTML edition in a real browser: Playwright driving Debian's Chromium.

The edition is served over HTTP from its folder, as a web server would. Each page is opened at a
phone's width and a desktop's; nothing may log an error, fail to load, or come from elsewhere;
every internal link must land on its target; a note must open in place (and, without
JavaScript, by its link); axe-core must find no accessibility violation. Screenshots go to the
test's temporary folder, named in the output of `pytest -rA tests/test_browser.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

import pytest

from conftest import _serve

sync_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

# `browser` (one Chromium for the session) and `site` (the essay's web edition on a local web
# server) are fixtures of conftest.py.
WIDTHS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
CHAPTER = "01-revolution-destroyed.html"


@dataclass
class Watch:
    """What went wrong while a page was open: console errors and warnings, script errors,
    failed or refused requests, and requests that left the site."""

    base: str
    problems: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 else None)
        page.on("request", lambda r: None if r.url.startswith((self.base, "data:"))
                else self.problems.append(f"left the site: {r.url}"))


def _page(browser: Any, base: str, viewport: dict[str, int], **options: Any) -> tuple[Any, Any, Watch]:
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    watch = Watch(base)
    watch.attach(page)
    return context, page, watch


def _links(page: Any) -> list[str]:
    return page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")


def _crawl(page: Any, site: str, width: int, shots: Path | None) -> tuple[dict[str, set[str]], list[str]]:
    """Open every page reachable from the index; return the ids on each page and the links that
    land nowhere. Each page must fit the screen's width and use the book's face."""
    seen: dict[str, set[str]] = {}
    targets: list[tuple[str, str, str]] = []
    queue = [site + "index.html"]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        page.goto(url)
        page.wait_for_load_state("load")
        name = url.removeprefix(site)
        seen[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        if shots is not None:
            page.screenshot(path=str(shots / f"{width}-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        assert page.evaluate("document.fonts.check('1em \"Gentium Book Plus\"')"), name
        assert page.evaluate("[...document.fonts].some(f => f.family.includes('Gentium') "
                             "&& f.status === 'loaded')"), name
        for link in _links(page):
            assert link.startswith(site), f"{name} links out of the book: {link}"
            address, fragment = urldefrag(link)
            targets.append((name, address, unquote(fragment)))
            if address.endswith(".html") and address not in seen:
                queue.append(address)
    missing = [f"{origin} -> {address}#{fragment}" for origin, address, fragment in targets
               if address not in seen or (fragment and fragment not in seen[address])]
    return seen, missing + ([] if len(targets) > 60 else [f"only {len(targets)} links"])


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_loads_cleanly_and_every_link_lands(browser: Any, site: str, width: str,
                                                       tmp_path: Path) -> None:
    context, page, watch = _page(browser, site, WIDTHS[width])
    seen, missing = _crawl(page, site, WIDTHS[width]["width"], tmp_path)
    assert {site + "index.html", site + CHAPTER, site + "notes.html", site + "bibliography.html",
            site + "search.html"} <= set(seen)
    assert missing == []
    assert watch.problems == []
    context.close()


def test_ten_days_reads_on_a_phone(browser: Any, ten_days: Path) -> None:
    """A whole book (17 chapters, appendices, tables) at 360 px: no page wider than the screen."""
    site, server = _serve(ten_days / "html")
    try:
        context, page, watch = _page(browser, site, WIDTHS["phone"])
        seen, missing = _crawl(page, site, WIDTHS["phone"]["width"], None)
        assert len(seen) > 15 and missing == []
        assert watch.problems == []
        context.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_note_opens_in_place_with_the_same_text(browser: Any, site: str, width: str,
                                                  tmp_path: Path) -> None:
    context, page, watch = _page(browser, site, WIDTHS[width])
    page.goto(site + "notes.html")
    expected = page.eval_on_selector(
        "#note-3", "li => { const c = li.cloneNode(true); c.querySelector('.backlink').remove();"
        " return c.textContent.replace(/\\s+/g, ' ').trim(); }")
    page.goto(site + CHAPTER)
    call = page.locator("#noteref-3")
    call.scroll_into_view_if_needed()
    call.click()
    popover = page.locator("#note-popover")
    sync_api.expect(popover).to_be_visible()
    assert page.url == site + CHAPTER                       # read in place: the page stayed
    assert popover.locator(".note-popover-title").inner_text() == "Note 3"
    shown = page.eval_on_selector("#note-popover .note-popover-body",
                                  "b => b.textContent.replace(/\\s+/g, ' ').trim()")
    assert shown == expected
    box, screen = popover.bounding_box(), WIDTHS[width]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= screen["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= screen["height"]
    page.screenshot(path=str(tmp_path / f"{width}-note-open.png"))
    page.keyboard.press("Escape")
    sync_api.expect(popover).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "noteref-3"
    # The link in the popover leads to the note among the others.
    call.click()
    popover.locator(".note-popover-more").click()
    page.wait_for_url(site + "notes.html#note-3")
    assert watch.problems == []
    context.close()


def test_notes_work_with_javascript_off(browser: Any, site: str, tmp_path: Path) -> None:
    context, page, watch = _page(browser, site, WIDTHS["phone"], java_script_enabled=False)
    page.goto(site + CHAPTER)
    page.locator("#noteref-3").click()
    page.wait_for_url(site + "notes.html#note-3")
    assert page.evaluate("document.querySelector(':target').id") == "note-3"
    page.screenshot(path=str(tmp_path / "no-script-note.png"))
    page.locator("#note-3 a.backlink").click()
    page.wait_for_url(site + CHAPTER + "#noteref-3")
    page.goto(site + "search.html")
    assert "needs JavaScript" in page.locator("main").inner_text()
    assert watch.problems == []
    context.close()


def test_search_finds_a_passage_and_opens_it(browser: Any, site: str, tmp_path: Path) -> None:
    context, page, watch = _page(browser, site, WIDTHS["phone"])
    page.goto(site + "search.html")
    page.locator("#search-query").fill("kollontaï")          # accents and case aside
    results = page.locator("#search-results li")
    sync_api.expect(results.first).to_be_visible()
    # Three passages of the text, and the index's two entries (Kollontai, and "derided by Lenin").
    assert page.locator("#search-status").inner_text().startswith("5 passages")
    assert page.locator("#search-results mark").first.inner_text() == "Kollontai"
    assert "q=kollonta" in page.url
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    results.first.locator("a").click()
    page.wait_for_load_state("load")
    assert page.url.startswith(site + CHAPTER)
    assert "Kollontai" in page.locator("main").inner_text()
    page.goto(site + "search.html?q=nothing+like+this+zzqx")
    assert page.locator("#search-status").inner_text().startswith("Nothing found")
    assert watch.problems == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_accessibility_violation(browser: Any, site: str, scheme: str) -> None:
    context, page, watch = _page(browser, site, WIDTHS["desktop"], color_scheme=scheme)
    axe = axe_api.Axe()
    found: dict[str, list[str]] = {}
    for name in ("index.html", CHAPTER, "notes.html", "bibliography.html", "search.html?q=lenin"):
        page.goto(site + name)
        page.wait_for_load_state("load")
        if name == CHAPTER:
            page.locator("#noteref-2").click()                 # the open popover too
        result = axe.run(page)
        violations = result.response["violations"]
        if violations:
            found[name] = [f"{v['id']}: {v['help']} ({len(v['nodes'])}×)" for v in violations]
    assert found == {}
    assert watch.problems == []
    context.close()


def test_dark_scheme_and_print_stylesheet(browser: Any, site: str, tmp_path: Path) -> None:
    context, page, _ = _page(browser, site, WIDTHS["desktop"], color_scheme="dark")
    page.goto(site + CHAPTER)
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    red, green, blue = (int(v) for v in background[background.index("(") + 1:-1].split(",")[:3])
    assert max(red, green, blue) < 60, background
    page.screenshot(path=str(tmp_path / "dark.png"))
    page.emulate_media(media="print", color_scheme="light")
    assert page.evaluate("getComputedStyle(document.querySelector('.masthead')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.site-footer')).display") == "none"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    context.close()
