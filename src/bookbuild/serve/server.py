"""Serve stage: the HTTP side of `bookbuild serve`.

It serves the files of OUT/html, a status of the last builds for the live-reload script, and the
script itself, added to each page as it is sent: the files on disk stay exactly what `bookbuild
build --format html` writes. Under /__bookbuild__/ it also serves the PDF proof page and the one
PDF it shows, OUT/<slug>.pdf, whose path the server holds: no URL names a file there.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import secrets
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Any, BinaryIO

from bookbuild import __version__
from bookbuild.diagnostics import Diagnostic

STATUS_PATH = "/__bookbuild__/status"
PDF_PAGE_PATH = "/__bookbuild__/pdf"      # the proof page
PDF_PATH = "/__bookbuild__/book.pdf"      # the PDF it shows


class ServeError(Exception):
    """The server cannot start; the message says why and what to do."""


class LiveState:
    """What the pages poll: a build number that changes when a new edition is in place, and the
    findings of the last build. Written by the rebuilding thread, read by request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Which server this is: a page from an earlier `bookbuild serve` reloads even when the
        # build numbers happen to agree.
        self.server = secrets.token_hex(4)
        self.build = 0
        self.findings: list[Diagnostic] = []
        self.stale = False          # the last rebuild failed: the pages are of an earlier one
        self.building: str | None = None    # the edition being built: "html" or "pdf"
        self.pdf: PdfState | None = None    # None: serve builds no PDF

    def begin(self, edition: str) -> None:
        with self._lock:
            self.building = edition

    def update(self, findings: Sequence[Diagnostic], written: bool) -> None:
        with self._lock:
            if written:
                self.build += 1
            self.findings = list(findings)
            self.stale = not written
            self.building = None

    def update_pdf(self, findings: Sequence[Diagnostic], written: bool, title: str | None) -> None:
        """After a PDF build, or a build that stopped before it (then `written` is false)."""
        with self._lock:
            self.building = None
            if self.pdf is None:
                return
            if written:
                self.pdf.build += 1
                self.pdf.built = time.strftime("%H:%M:%S")
            self.pdf.findings = list(findings)
            self.pdf.stale = not written
            self.pdf.title = title or self.pdf.title

    def set_aside(self) -> None:
        """The PDF build under way was dropped for a newer manuscript: nothing changes but that."""
        self.begin("html")

    def to_json(self) -> bytes:
        with self._lock:
            status = {
                "server": self.server,
                "build": self.build,
                "stale": self.stale,
                "errors": [f.to_json() for f in self.findings if f.is_error],
                "warnings": [f.to_json() for f in self.findings if not f.is_error],
                "building": self.building,
                "pdf": None if self.pdf is None else self.pdf.to_json(),
            }
        return json.dumps(status, ensure_ascii=False).encode("utf-8")


@dataclass
class PdfState:
    """The PDF as the proof page shows it: how many were put in place, the local time of the last
    (HH:MM:SS), the findings of the last attempt, and whether it failed (`stale`)."""

    title: str
    build: int = 0
    built: str = ""
    findings: list[Diagnostic] = field(default_factory=list)
    stale: bool = False

    def to_json(self) -> dict[str, object]:
        return {"title": self.title, "build": self.build, "built": self.built, "stale": self.stale,
                "errors": [f.to_json() for f in self.findings if f.is_error],
                "warnings": sum(not f.is_error for f in self.findings)}


class BookServer(ThreadingHTTPServer):
    """A threading HTTP server over one folder, the HTML edition (`root`, set once it is built)."""

    daemon_threads = True

    def __init__(self, host: str, port: int, debug: bool = False) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.root = Path()
        self.pdf: Path | None = None    # OUT/<slug>.pdf once one has been built
        self.state = LiveState()
        self.debug = debug
        self._etags: dict[str, tuple[tuple[int, int, int], str]] = {}
        super().__init__((host, port), Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's name up in DNS, which can take seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def finish_request(self, request: Any, client_address: Any) -> None:
        Handler(request, client_address, self, directory=str(self.root))

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return                  # the browser went away mid-answer, e.g. a reload
        if self.debug:
            super().handle_error(request, client_address)
        else:
            print(f"bookbuild: could not answer a request ({type(error).__name__}: {error}); "
                  "run with --debug for details", file=sys.stderr)

    def wait_for_edition(self, limit: float = 2.0) -> None:
        """A rebuilt edition replaces the folder in two renames; a request between them waits."""
        deadline = time.monotonic() + limit
        while not self.root.is_dir() and time.monotonic() < deadline:
            time.sleep(0.01)

    def etag(self, path: Path, file: BinaryIO) -> str:
        """A tag of the file's content. Every rebuild writes the fonts and stylesheets again: their
        dates change, their content does not, and the browser should keep its copy."""
        stat = os.fstat(file.fileno())
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        known = self._etags.get(str(path))
        if known is None or known[0] != stamp:
            known = (stamp, '"' + hashlib.blake2b(file.read(), digest_size=12).hexdigest() + '"')
            file.seek(0)
            self._etags[str(path)] = known
        return known[1]

    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def open_server(host: str, port: int, debug: bool = False) -> BookServer:
    """Listen on host:port, or say plainly why not."""
    try:
        return BookServer(host, port, debug)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host!r}: {exc.strerror}; use --host 127.0.0.1 (this "
                         "machine only) or an address of this machine") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {host} is already in use, perhaps by another "
                             "'bookbuild serve'; stop that program or choose another port with "
                             "--port (--port 0 picks a free one)") from None
        if exc.errno == errno.EACCES:
            raise ServeError(f"not allowed to listen on port {port} (ports below 1024 need "
                             "administrator rights); choose another with --port, e.g. --port 8000"
                             ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ServeError(f"{host} is not an address of this machine; use --host 127.0.0.1 "
                             "(this machine only) or one of its addresses") from None
        raise ServeError(f"cannot listen on {host} port {port} ({exc.strerror}); choose "
                         "another --host or --port") from None


class Handler(SimpleHTTPRequestHandler):
    """Files of the edition; pages get the live-reload script, other files a content tag."""

    server: BookServer
    server_version = f"bookbuild/{__version__}"

    def send_head(self) -> BinaryIO | None:  # type: ignore[override]
        url_path = urllib.parse.urlsplit(self.path).path
        if url_path == STATUS_PATH:
            return self._answer(self.server.state.to_json(), "application/json")
        if url_path == PDF_PAGE_PATH and self.server.state.pdf is not None:
            page = pdf_page(self.server.state.pdf.title, self.server.state.server)
            return self._answer(page, "text/html; charset=utf-8")
        if url_path == PDF_PATH:
            return self._pdf()
        # The build number is read before the page, so a rebuild in between means one reload
        # too many rather than one too few.
        build = self.server.state.build
        self.server.wait_for_edition()
        # translate_path drops "..", but a symbolic link inside the edition could still lead out.
        path = Path(self.translate_path(self.path))
        if not path.resolve().is_relative_to(Path(self.directory).resolve()):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if url_path.endswith("/"):
            path = path / "index.html"
        elif path.is_dir():
            return super().send_head()  # type: ignore[no-any-return]  # a redirect to "dir/"
        file = self._open(path)
        if file is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if path.suffix == ".html":
            with file:
                page = file.read()
            page = with_live_reload(page, self.server.state.server, build)
            return self._answer(page, "text/html; charset=utf-8")
        return self._asset(path, file)

    def _open(self, path: Path) -> BinaryIO | None:
        """The file, open; once open it can be read to the end even if a rebuild replaces it.
        A file looked for while the edition is being replaced is looked for again after."""
        for _ in range(2):
            try:
                return path.open("rb")
            except FileNotFoundError:
                self.server.wait_for_edition()
            except OSError:         # a folder, or not readable
                return None
        return None

    def _pdf(self) -> BinaryIO | None:
        """The last PDF put in place. No-store: the proof page asks for it by build number, and
        an old one kept by the browser would be proofread as new. Once open, it can be read to
        the end even if a rebuild replaces it."""
        path = self.server.pdf          # read once: a rebuild may set another (a new slug)
        try:
            file = None if path is None else path.open("rb")
        except OSError:
            file = None
        if file is None or path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "No PDF has been built yet")
            return None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(os.fstat(file.fileno()).st_size))
        self.send_header("Content-Disposition", f'inline; filename="{path.name}"')
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return file

    def _answer(self, body: bytes, content_type: str) -> BinaryIO:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def _asset(self, path: Path, file: BinaryIO) -> BinaryIO | None:
        """A stylesheet, script, font or image, with a tag of its content: the browser asks
        again each time (no-cache) and keeps its copy while the content is the same."""
        tag = self.server.etag(path, file)
        status = HTTPStatus.OK
        if tag in (t.strip() for t in self.headers.get("If-None-Match", "").split(",")):
            status = HTTPStatus.NOT_MODIFIED
        self.send_response(status)
        self.send_header("ETag", tag)
        self.send_header("Cache-Control", "no-cache")
        if status is HTTPStatus.NOT_MODIFIED:
            self.end_headers()
            file.close()
            return None
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(os.fstat(file.fileno()).st_size))
        self.end_headers()
        return file

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.debug:
            super().log_message(format, *args)


def with_live_reload(page: bytes, server: str, build: int) -> bytes:
    """The page with the live-reload script just before </body> (at the end if there is none)."""
    script = (f'<script data-server="{server}" data-build="{build}">\n'
              f'{live_reload_script()}</script>\n').encode()
    end = page.lower().rfind(b"</body")
    end = len(page) if end < 0 else end
    return page[:end] + script + page[end:]


def live_reload_script() -> str:
    return _resource("livereload.js")


def pdf_page(title: str, server: str) -> bytes:
    """The proof page: a header bar and the browser's own PDF viewer; its script does the rest."""
    page = Template(_resource("pdfpage.html")).substitute(
        title=escape(title), server=escape(server), status=STATUS_PATH, pdf=PDF_PATH,
        script=_resource("pdfpage.js"))
    return page.encode("utf-8")


@cache
def _resource(name: str) -> str:
    return files("bookbuild.serve").joinpath(name).read_text(encoding="utf-8")
