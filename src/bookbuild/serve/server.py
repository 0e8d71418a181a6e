"""Serve stage: the HTTP side of `bookbuild serve`.

It serves the files of OUT/html and nothing else, a status of the last build for the live-reload
script, and the script itself, added to each page as it is sent: the files on disk stay exactly
what `bookbuild build --format html` writes.
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
from functools import cache
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any, BinaryIO

from bookbuild import __version__
from bookbuild.diagnostics import Diagnostic

STATUS_PATH = "/__bookbuild__/status"


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

    def update(self, findings: Sequence[Diagnostic], written: bool) -> None:
        with self._lock:
            if written:
                self.build += 1
            self.findings = list(findings)
            self.stale = not written

    def to_json(self) -> bytes:
        with self._lock:
            status = {
                "server": self.server,
                "build": self.build,
                "stale": self.stale,
                "errors": [f.to_json() for f in self.findings if f.is_error],
                "warnings": [f.to_json() for f in self.findings if not f.is_error],
            }
        return json.dumps(status, ensure_ascii=False).encode("utf-8")


class BookServer(ThreadingHTTPServer):
    """A threading HTTP server over one folder, the HTML edition (`root`, set once it is built)."""

    daemon_threads = True

    def __init__(self, host: str, port: int, debug: bool = False) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.root = Path()
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


@cache
def live_reload_script() -> str:
    return files("bookbuild.serve").joinpath("livereload.js").read_text(encoding="utf-8")
