"""Broken and hostile manuscripts: a clear message at the file and line, a non-zero exit, the
manuscript untouched, earlier editions intact, and nothing from outside the manuscript folder
(or the network) in any edition."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from bookbuild.pipeline import build
from bookbuild.progress import Progress
from conftest import EPOCH, MANUSCRIPT, ROOT, bookbuild
from test_cli import assert_clean_failure, write_book

SECRET = "TOP-SECRET-0451"      # written outside the manuscript; must never reach an edition


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `root` with its bytes and modification time."""
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def edition_bytes(out: Path) -> bytes:
    """Everything the editions hold, EPUB members and PDF streams included, as one byte string."""
    data = b""
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as archive:
                data += b"".join(archive.read(name) for name in archive.namelist())
        elif path.suffix == ".pdf":
            reader = PdfReader(path)
            data += "".join(page.extract_text() for page in reader.pages).encode()
            data += path.read_bytes()
        else:
            data += path.read_bytes()
    return data


def run_case(tmp_path: Path, config: str, chapters: dict[str, str | bytes], *args: str,
             command: str = "check") -> tuple[int, str, Path]:
    """Run `bookbuild COMMAND` on a fresh manuscript; check it was not modified."""
    book = write_book(tmp_path / "m", config, chapters)
    before = snapshot(book)
    out_args = ("--out", str(tmp_path / "out")) if command == "build" else ()
    result = bookbuild(command, "--manuscript", book, *out_args, *args)
    assert snapshot(book) == before, "the manuscript was modified"
    assert_clean_failure(result.stderr)
    return result.code, result.stderr + result.stdout, book


# -- broken input: every case names the file and line and says what to do -------------------------

@pytest.mark.parametrize(("config", "chapters", "code", "expected"), [
    pytest.param("title: A\ntitel: B\n", {"01.md": "# One\n"}, 2,
                 ["book.yaml:2: error config-unknown-key", "did you mean 'title'"], id="mistyped-key"),
    pytest.param("title: A\nauthor: [unclosed\n", {"01.md": "# One\n"}, 2,
                 ["book.yaml:", "not valid YAML"], id="invalid-yaml"),
    pytest.param("title: A\nbibliography: refs.bib\n", {"01.md": "# One\n\nText [@x].\n"}, 2,
                 ["book.yaml:2: error missing-file", "refs.bib"], id="missing-bibliography"),
    pytest.param("title: A\nbibliography: refs.bib\n",
                 {"01.md": "# One\n\nText [@x].\n", "refs.bib": "@book{x,\n  title = {Unclosed\n"}, 2,
                 ["refs.bib:", "error bibliography-invalid", "fix the entry"], id="malformed-bibliography"),
    pytest.param("title: A\nchapters:\n  - 01.md\n  - 02.md\n", {"01.md": "# One\n"}, 2,
                 ["book.yaml:4: error missing-file", "02.md", "create the file"], id="missing-chapter"),
    pytest.param("title: A\n", {"01.md": "# One\n\nCaf\xe9\n".encode("cp1252")}, 2,
                 ["01.md:3: error encoding", "iconv -f WINDOWS-1252 -t UTF-8"], id="windows-1252"),
    pytest.param("title: A\n", {"01.md": "# One\n\nText\n".encode("utf-16")}, 2,
                 ["01.md:1: error encoding", "UTF-16", "iconv -f UTF-16"], id="utf-16"),
    pytest.param("title: A\n", {"01.md": "# One\n\nA form\x0cfeed and an escape \x1b[31m.\n"}, 2,
                 ["01.md:3: error control-character", "U+000C (2 in the file)", "delete it"],
                 id="control-characters"),
    pytest.param("title: A\n", {"01.md": "\n\n  \n"}, 2,
                 ["01.md:1: error empty-chapter", "write the chapter"], id="empty-chapter"),
    pytest.param("title: A\n", {}, 2, ["error no-chapters", "add Markdown files"], id="no-chapters"),
    pytest.param("title: A\n", {"01.md": "# One\n\nCode:\n\n```\nx = 1\n\nProse.\n"}, 1,
                 ["01.md:5: error unclosed-fence", "close it with a line of ```"], id="unclosed-fence"),
])
def test_broken_input_is_named_at_its_line_with_a_fix(tmp_path: Path, config: str,
                                                      chapters: dict[str, str | bytes], code: int,
                                                      expected: list[str]) -> None:
    status, output, _ = run_case(tmp_path, config, chapters, command="build")
    assert status == code
    for words in expected:
        assert words in output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_twenty_megabyte_paragraph_is_refused_at_once(tmp_path: Path) -> None:
    paragraph = ("word " * 4_000_000).strip()          # 20 MB, no line break: a lost conversion
    started = time.monotonic()
    status, output, _ = run_case(tmp_path, "title: A\n", {"01.md": f"# One\n\n{paragraph}\n"},
                                 command="build")
    assert status == 2
    assert "01.md:3: error paragraph-too-long" in output and "blank lines" in output
    assert time.monotonic() - started < 60      # refused before any slow stage (not a timing test)


def test_lists_nested_hundreds_deep_are_refused(tmp_path: Path) -> None:
    nested = "".join("  " * depth + "- level\n" for depth in range(300))
    status, output, _ = run_case(tmp_path, "title: A\n", {"01.md": f"# One\n\n{nested}"},
                                 command="build")
    assert status == 2
    assert "01.md:" in output and "error nesting-too-deep" in output and "flatten" in output


def test_quotes_and_lists_a_dozen_deep_still_build(tmp_path: Path) -> None:
    nested = "".join("  " * depth + "- level\n" for depth in range(12))
    quoted = "> " * 12 + "deep quotation\n"
    status, output, _ = run_case(tmp_path, "title: A\n", {"01.md": f"# One\n\n{nested}\n{quoted}"},
                                 "--format", "epub,html", command="build")
    assert status == 0, output


def test_an_image_the_editions_cannot_carry_is_refused(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: A\n", {"01.md": "# One\n\n![A scan](scan.tif)\n"})
    (book / "scan.tif").write_bytes(b"II*\x00" + b"\x00" * 60)
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert result.code == 1
    assert "01.md:3: error image-format: scan.tif is a TIFF file" in result.stderr
    assert "convert it to PNG" in result.stderr
    assert not (tmp_path / "out").exists()


# -- nothing from outside the manuscript, nothing from the network -----------------------------------

def _hostile_book(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(f"# Secret\n\n{SECRET}\n", encoding="utf-8")
    (outside / "secret.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{SECRET}</text>'
                                        "</svg>", encoding="utf-8")
    chapter = "\n\n".join([
        "# One",
        "Absolute: ![a](" + str(outside / "secret.svg") + ")",
        "Escape: ![b](../outside/secret.svg)",
        "URL: ![c](file://" + str(outside / "secret.svg") + ")",
        "Link: ![d](link.svg)",
        "Web: ![e](https://example.org/tracker.png)",
        '<script src="https://example.org/x.js"></script>',
        '<img src="https://example.org/pixel.gif" alt="p">',
        '<link rel="stylesheet" href="https://example.org/s.css">',
        '<iframe src="https://example.org/"></iframe>',
        '<p style="background: url(https://example.org/bg.png)">Styled</p>',
        "Drawing: ![f](drawing.svg)",
    ]) + "\n"
    book = write_book(tmp_path / "m", "title: Hostile\n", {"01.md": chapter})
    (book / "link.svg").symlink_to(outside / "secret.svg")
    (book / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                                      'xmlns:xlink="http://www.w3.org/1999/xlink"><image '
                                      'xlink:href="https://example.org/t.png"/></svg>', encoding="utf-8")
    return book


def test_paths_outside_links_and_web_resources_are_each_refused(tmp_path: Path) -> None:
    book = _hostile_book(tmp_path)
    result = bookbuild("check", "--manuscript", book)
    assert result.code == 1
    lines = result.stdout.splitlines()
    for line, code in ((3, "missing-image"), (5, "missing-image"), (7, "missing-image"),
                       (9, "missing-image"), (11, "remote-image"), (13, "raw-html-unsafe"),
                       (15, "raw-html-unsafe"), (17, "raw-html-unsafe"), (19, "raw-html-unsafe"),
                       (21, "raw-html-unsafe"), (23, "image-unsafe")):
        assert any(f"01.md:{line}: error {code}" in entry for entry in lines), (line, code)


def test_even_a_draft_carries_nothing_from_outside_and_makes_no_request(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = _hostile_book(tmp_path)
    before = snapshot(book)
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network refused by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    result = build(book, out, ["pdf", "epub", "html"], Progress(quiet=True), draft=True)
    assert result.outputs and not result.rejected
    assert attempts == []
    assert snapshot(book) == before
    everything = edition_bytes(out)
    assert SECRET.encode() not in everything
    for leak in (b"example.org/x.js", b"example.org/pixel.gif", b"example.org/s.css",
                 b"example.org/bg.png", b"example.org/t.png", b"<iframe", b'src="https://'):
        assert leak not in everything, leak
    pages = [p for p in (out / "html").rglob("*.html")] + [out / "html"]
    scripts = {s for p in pages if p.is_file() for s in _script_sources(p.read_text(encoding="utf-8"))}
    assert scripts <= {"../js/book.js", "js/book.js", "../js/search.js", "js/search.js",
                       "search-index.js", "../search-index.js", "js/search-index.js"}, scripts


def _script_sources(html: str) -> list[str]:
    import re
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)


@pytest.mark.parametrize(("config", "files", "expected"), [
    ("title: A\nbibliography: ../outside/refs.bib\n", {}, "outside the manuscript folder"),
    ("title: A\ncover-image: /etc/hostname\n", {}, "outside the manuscript folder"),
    ("title: A\ncsl: parent.csl\n",
     {"parent.csl": '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info>'
                    '<link href="https://www.zotero.org/styles/apa" rel="independent-parent"/>'
                    "</info></style>"}, "dependent style"),
])
def test_settings_cannot_reach_outside_the_manuscript(tmp_path: Path, config: str,
                                                       files: dict[str, str], expected: str) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "refs.bib").write_text("@book{x, title={T}}\n", encoding="utf-8")
    status, output, _ = run_case(tmp_path, config, {"01.md": "# One\n", **files}, command="build")
    assert status == 2
    assert "book.yaml:2: error" in output and expected in output


def test_a_chapter_linked_from_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text(f"# Secret\n\n{SECRET}\n", encoding="utf-8")
    book = write_book(tmp_path / "m", "title: A\n", {"01.md": "# One\n"})
    (book / "02.md").symlink_to(tmp_path / "secret.md")
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert result.code == 2
    assert "02.md" in result.stderr and "outside the manuscript" in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert not (tmp_path / "out").exists()


# -- nothing lost: interrupted builds leave the earlier editions as they were ---------------------

def _first_build(tmp_path: Path, essay: Path) -> tuple[Path, Path, dict[str, tuple[bytes, int]]]:
    """A copy of the essay and its editions: those of the session's build (`essay`, which
    asserts that it succeeded), the same bytes as the copy's own build would write."""
    book = tmp_path / "m"
    shutil.copytree(MANUSCRIPT, book)
    out = tmp_path / "out"
    shutil.copytree(essay, out)
    # The next build would change every edition.
    chapter = next(book.glob("*.md"))
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new closing paragraph.\n",
                       encoding="utf-8")
    return book, out, snapshot(out)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_build_killed_midway_leaves_the_earlier_editions(tmp_path: Path, essay: Path,
                                                           how: signal.Signals) -> None:
    book, out, earlier = _first_build(tmp_path, essay)
    process = subprocess.Popen(
        [sys.executable, "-m", "bookbuild", "build", "--manuscript", str(book), "--out", str(out)],
        cwd=ROOT, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not any(p.name.endswith(".tmp") for p in out.iterdir()):     # an edition is being written
        assert process.poll() is None and time.monotonic() < deadline, "the build ended too soon"
        time.sleep(0.02)
    time.sleep(0.3)
    process.send_signal(how)
    process.wait(timeout=60)
    time.sleep(0.5)                     # the PDF process follows its parent
    assert snapshot(out) == earlier     # nothing half-written took an edition's place
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    if how == signal.SIGTERM:
        assert leftovers == [] and process.returncode == 130
    # The next build clears what a killed one left and writes the new editions.
    result = bookbuild("build", "--manuscript", book, "--out", out)
    assert result.code == 0, result.stderr
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert snapshot(out) != earlier


def test_a_full_disk_says_so_and_keeps_the_earlier_editions(tmp_path: Path, essay: Path) -> None:
    book, out, earlier = _first_build(tmp_path, essay)

    def small_files() -> None:          # every file over 64 kB fails to write, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    done = subprocess.run(
        [sys.executable, "-m", "bookbuild", "build", "--manuscript", str(book), "--out", str(out)],
        cwd=ROOT, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "BOOKBUILD_CACHE": "off"},
        capture_output=True, text=True, preexec_fn=small_files, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "could not write" in done.stderr and "File too large" in done.stderr
    assert "left unchanged" in done.stderr
    assert_clean_failure(done.stderr)
    assert snapshot(out) == earlier
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
