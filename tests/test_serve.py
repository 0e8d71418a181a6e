"""`bookbuild serve`: the HTML edition served, rebuilt when the manuscript changes, pages that
reload themselves and show the errors, and a clean stop on Ctrl-C; the PDF built after the HTML,
served on a proof page that loads each new one."""

from __future__ import annotations

import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

from bookbuild.serve.preempt import Superseded, run_unless_changed
from bookbuild.serve.server import with_live_reload
from bookbuild.serve.watch import Watcher
from conftest import EPOCH, ROOT, bookbuild
from readers import pdf_text, squeeze
from test_cli import assert_clean_failure, write_book

ONE = "# One\n\nThe first chapter, which leads to [the second](02-two.md#two).\n"
TWO = "# Two {#two}\n\nThe second chapter.\n"
SCRIPT = "/__bookbuild__/status"        # in the injected script, never in the files on disk
PDF_PAGE = "__bookbuild__/pdf"          # the PDF proof page
PDF = "__bookbuild__/book.pdf"          # the PDF it shows
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    stderr: list[str] = field(default_factory=list)
    stdout: queue.Queue[str] = field(default_factory=queue.Queue)    # the lines after the first


@contextmanager
def serving(*args: str | Path) -> Iterator[Served]:
    """`bookbuild serve --port 0 ...` in a subprocess, once it says where it serves."""
    process = subprocess.Popen([sys.executable, "-m", "bookbuild", "serve", "--port", "0",
                                *map(str, args)], cwd=ROOT, env=ENV, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    served = Served(process, "")
    assert process.stdout is not None and process.stderr is not None
    _drain(process.stdout, served.stdout.put)
    _drain(process.stderr, served.stderr.append)
    try:
        line = served.stdout.get(timeout=120)
        assert line.startswith("serving http://127.0.0.1:") and line.endswith(" (Ctrl-C to stop)\n"), (
            line, "".join(served.stderr))
        served.url = line.split()[1]
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _drain(stream: IO[str], put: Callable[[str], None]) -> None:
    """Read a pipe on a thread, so the server never blocks on a full one."""
    def read() -> None:
        for line in stream:
            put(line)
        put("")
    threading.Thread(target=read, daemon=True).start()


def _all_of(lines: list[str], timeout: float = 20) -> str:
    """Everything a pipe drained by `_drain` carried, once it has ended (its "" came)."""
    deadline = time.monotonic() + timeout
    while not lines or lines[-1] != "":
        assert time.monotonic() < deadline, "the pipe did not end"
        time.sleep(0.05)
    return "".join(lines)


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def status(served: Served) -> dict[str, object]:
    code, headers, body = get(served.url + SCRIPT.lstrip("/"))
    assert code == 200 and headers["Cache-Control"] == "no-store"
    result: dict[str, object] = json.loads(body)
    return result


def pdf_status(served: Served) -> dict[str, Any]:
    result: dict[str, Any] = status(served)["pdf"]  # type: ignore[assignment]
    return result


def get_pdf(served: Served) -> bytes:
    with urllib.request.urlopen(served.url + PDF, timeout=10) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Cache-Control"] == "no-store"
        body: bytes = response.read()
    return body


def wait_for(what: str, condition: Callable[[], bool], served: Served, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert served.process.poll() is None, "".join(served.stderr)
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s\n{''.join(served.stderr)}"
        time.sleep(0.1)


def raw(served: Served, path: str) -> tuple[int, str]:
    """A request sent exactly as written: urllib would tidy the dots away."""
    host, port = served.url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def test_serve_rebuilds_on_every_change_and_reports_errors(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: Served Book\n", {"01-one.md": ONE, "02-two.md": TWO})
    out = tmp_path / "out"
    chapter = book / "01-one.md"
    with serving("--manuscript", book, "--out", out) as served:
        for page in ("", "01-one.html"):
            code, headers, body = get(served.url + page)
            assert code == 200 and headers["Cache-Control"] == "no-store"
            assert SCRIPT in body and body.index(SCRIPT) < body.rindex("</body>")
            assert SCRIPT not in (out / "html" / (page or "index.html")).read_text(encoding="utf-8")
        first = status(served)
        assert first["errors"] == [] and first["stale"] is False

        chapter.write_text(ONE + "\nA sentence added while serving.\n", encoding="utf-8")
        wait_for("the edit served", lambda: "added while serving" in get(served.url + "01-one.html")[2]
                 and status(served)["build"] != first["build"], served)

        # An error the checks find: a draft is served, and the error is reported at its line.
        with chapter.open("a", encoding="utf-8") as text:
            text.write("\nSee [nowhere](#no-such-anchor).\n")
        broken_line = chapter.read_text(encoding="utf-8").count("\n")
        wait_for("the broken link reported", lambda: bool(status(served)["errors"]), served)
        [found] = status(served)["errors"]  # type: ignore[misc]
        assert (found["file"], found["line"], found["code"]) == ("01-one.md", broken_line, "broken-link")
        assert "nowhere" in get(served.url + "01-one.html")[2]

        # Input that cannot be built: the last edition stays served, the errors are reported.
        (book / "book.yaml").write_text("title: Served Book\nlang: english\n", encoding="utf-8")
        wait_for("the invalid book.yaml reported", lambda: status(served)["stale"] is True, served)
        [found] = status(served)["errors"]  # type: ignore[misc]
        assert (found["file"], found["line"], found["code"]) == ("book.yaml", 2, "config-invalid")
        code, _, body = get(served.url + "01-one.html")
        assert code == 200 and "nowhere" in body

        (book / "book.yaml").write_text("title: Served Book\n", encoding="utf-8")
        chapter.write_text(ONE + "\nA sentence added while serving.\n", encoding="utf-8")
        wait_for("the errors gone", lambda: status(served)["errors"] == []
                 and status(served)["stale"] is False, served)
        assert "nowhere" not in get(served.url + "01-one.html")[2]

        for path in ("/../m/book.yaml", "/../../m/book.yaml", "/%2e%2e/m/book.yaml",
                     "/%2E%2E/%2E%2E/m/book.yaml", "/..%2f..%2fm%2fbook.yaml", "/css/"):
            code, body = raw(served, path)
            assert code in (403, 404) and "Served Book" not in body, path

        served.process.send_signal(signal.SIGINT)
        assert served.process.wait(timeout=20) == 0, "".join(served.stderr)
        log = _all_of(served.stderr)
        assert "Traceback" not in log and "stopped serving" in log
        assert "rebuilt in" in log and "01-one.md changed" in log
        assert f"01-one.md:{broken_line}: error broken-link" in log

    # What the server left on disk is what `bookbuild build --format html` writes.
    fresh = bookbuild("build", "--format", "html", "--manuscript", book, "--out", tmp_path / "fresh")
    assert fresh.code == 0, fresh.stderr
    files = {p.relative_to(out / "html"): p.read_bytes() for p in (out / "html").rglob("*") if p.is_file()}
    again = {p.relative_to(tmp_path / "fresh" / "html"): p.read_bytes()
             for p in (tmp_path / "fresh" / "html").rglob("*") if p.is_file()}
    assert files == again


def test_serve_builds_the_pdf_after_the_html_and_serves_the_last_good_one(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: Served Book\n", {"01-one.md": ONE, "02-two.md": TWO})
    out = tmp_path / "out"
    chapter = book / "01-one.md"
    with serving("--manuscript", book, "--out", out) as served:
        assert served.stdout.get(timeout=10) == (f"PDF proof: {served.url}{PDF_PAGE} (the PDF is "
                                                 "built after the HTML edition)\n")
        code, headers, body = get(served.url + PDF_PAGE)
        assert code == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert "<title>PDF proof: Served Book</title>" in body and SCRIPT in body and PDF in body
        wait_for("the first PDF", lambda: pdf_status(served)["build"] == 1, served)
        first = get_pdf(served)
        assert first.startswith(b"%PDF-") and first == (out / "served-book.pdf").read_bytes()
        assert pdf_status(served)["built"] and pdf_status(served)["stale"] is False

        # The HTML edition is rebuilt first; saving again while the PDF is built sets it aside.
        chapter.write_text(ONE + "\nA sentence added while serving.\n", encoding="utf-8")
        wait_for("the PDF built after the HTML", lambda: status(served)["building"] == "pdf", served)
        assert "added while serving" in get(served.url + "01-one.html")[2]
        chapter.write_text(ONE + "\nA sentence saved twice.\n", encoding="utf-8")
        wait_for("the second save in the PDF", lambda: "saved twice" in get(served.url + "01-one.html")[2]
                 and status(served)["building"] is None, served)
        second = get_pdf(served)
        assert second != first and second == (out / "served-book.pdf").read_bytes()
        assert "saved twice" in squeeze(pdf_text(out / "served-book.pdf"))
        # The PDF of the first save was set aside, unless (on a slow machine) it was done already.
        # (The log line comes through a pipe read on a thread: it may follow the status.)
        set_aside = pdf_status(served)["build"] == 2
        if set_aside:
            wait_for("the set-aside PDF logged", lambda: "the manuscript changed while the PDF "
                     "was built" in "".join(served.stderr), served)
        else:
            assert pdf_status(served)["build"] == 3

        # Input that cannot be built: the last good PDF stays, the proof page is told why.
        (book / "book.yaml").write_text("title: Served Book\nlang: english\n", encoding="utf-8")
        wait_for("the invalid book.yaml reported", lambda: pdf_status(served)["stale"] is True, served)
        [found] = pdf_status(served)["errors"]
        assert (found["file"], found["line"], found["code"]) == ("book.yaml", 2, "config-invalid")
        assert get_pdf(served) == second and pdf_status(served)["build"] == (2 if set_aside else 3)

        # Only the one PDF: no URL under /__bookbuild__/ names a file.
        for path in ("/__bookbuild__/served-book.pdf", "/__bookbuild__/../../m/book.yaml",
                     "/__bookbuild__/%2e%2e/%2e%2e/m/book.yaml", "/__bookbuild__/book.pdf/../../m/book.yaml",
                     "/__bookbuild__/pdf/../../m/book.yaml", "/__bookbuild__/pdfpage.js"):
            code, body = raw(served, path)
            assert code in (403, 404) and "Served Book" not in body, path

    log = _all_of(served.stderr)
    assert "Traceback" not in log and "PDF built in" in log and "PDF rebuilt in" in log
    assert "bookbuild: PDF not rebuilt" not in log     # a failing book.yaml stops at the HTML


def test_a_pdf_build_is_stopped_when_the_manuscript_changes(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: A\n", {"01.md": "# One\n"})
    watcher = Watcher(book)
    assert run_unless_changed(os.getpid, watcher) != os.getpid()     # in a child
    with pytest.raises(ValueError, match="from the child"):
        run_unless_changed(lambda: int("from the child"), watcher)

    cleaned = tmp_path / "cleaned"

    def build() -> None:
        try:
            time.sleep(30)
        finally:                        # stopped as Ctrl-C stops a build: clean-up runs
            cleaned.write_text("yes", encoding="utf-8")

    started = time.monotonic()
    (book / "01.md").write_text("# One, changed\n", encoding="utf-8")
    with pytest.raises(Superseded):
        run_unless_changed(build, watcher)
    assert time.monotonic() - started < 5 and cleaned.read_text(encoding="utf-8") == "yes"
    assert watcher.wait() == ["01.md"]  # the change is still there for the watch loop


def test_the_pdf_page_loads_each_new_pdf_and_shows_the_errors(tmp_path: Path, browser: Any) -> None:
    book = write_book(tmp_path / "m", "title: Served Book\n", {"01-one.md": ONE, "02-two.md": TWO})
    with serving("--manuscript", book, "--out", tmp_path / "out") as served:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
        page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
        page.goto(served.url + PDF_PAGE + "#page=2")
        frame = "document.getElementById('bookbuild-pdf')"
        loaded = ("(build) => {const d = document.getElementById('bookbuild-pdf').contentDocument;"
                  f" return d.URL.endsWith('{PDF}?build=' + build + '#page=2')"
                  " && d.contentType === 'application/pdf'}")
        page.wait_for_function(loaded, arg=1, timeout=60_000)
        assert page.inner_text("h1") == "Served Book" and page.get_attribute("header a", "href") == "/"
        page.wait_for_function("document.getElementById('bookbuild-status').textContent"
                               ".startsWith('built at ')")
        assert page.is_hidden("#bookbuild-errors") and page.input_value("#bookbuild-page") == "2"
        page.screenshot(path=str(tmp_path / "pdf-page.png"))

        # A new PDF is loaded by the page itself, at the page asked for.
        (book / "02-two.md").write_text(TWO + "\nA line for the proof.\n", encoding="utf-8")
        page.wait_for_function(loaded, arg=2, timeout=60_000)

        # A failing build: the PDF stays, the header and the list say why.
        (book / "book.yaml").write_text("title: Served Book\nlang: english\n", encoding="utf-8")
        page.wait_for_selector("#bookbuild-errors li", timeout=30_000)
        assert page.inner_text("#bookbuild-errors").startswith("book.yaml:2: ")
        assert "not rebuilt; showing the PDF built at" in page.inner_text("#bookbuild-status")
        assert page.evaluate(f"{frame}.src").endswith("?build=2#page=2")
        context.close()
        assert problems == []


def test_a_port_in_use_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: A Book\n", {"01.md": "# One\n\nText.\n"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "bookbuild", "serve", "--manuscript", str(book),
                               "--out", str(tmp_path / "out"), "--port", str(port)],
                              cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"port {port}" in done.stderr and "--port" in done.stderr
    assert not (tmp_path / "out").exists()      # refused before building anything
    assert_clean_failure(done.stderr)


def test_bad_input_stops_serve_as_it_stops_build(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: [unclosed\n", {"01.md": "# One\n"})
    done = subprocess.run([sys.executable, "-m", "bookbuild", "serve", "--manuscript", str(book),
                           "--out", str(tmp_path / "out")], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "book.yaml:" in done.stderr and "not valid YAML" in done.stderr
    assert "serving" not in done.stdout
    assert_clean_failure(done.stderr)


def test_the_script_goes_before_the_end_of_the_body() -> None:
    page = with_live_reload(b"<html><body><p>Text</p></body></html>", "ab12", 7)
    assert page.startswith(b'<html><body><p>Text</p><script data-server="ab12" data-build="7">')
    assert page.endswith(b"</script>\n</body></html>")
    assert with_live_reload(b"<p>No body</p>", "ab12", 1).startswith(b"<p>No body</p><script")


def test_editor_files_and_the_edition_inside_the_manuscript_are_not_watched(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: A\n", {"01.md": "# One\n"})
    for name in (".01.md.swp", "01.md~", "4913", ".#01.md", "#01.md#", ".git/index", "dist/html/x.html",
                 "dist/a.pdf"):
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).write_text("x", encoding="utf-8")
    watcher = Watcher(book)
    watcher.exclude(book / "dist" / "html")
    watcher.exclude(book / "dist" / "a.pdf")
    assert sorted(watcher.last) == ["01.md", "book.yaml"]
    (book / "dist" / "a.pdf").write_text("a new PDF", encoding="utf-8")
    assert watcher.scan() == watcher.last
