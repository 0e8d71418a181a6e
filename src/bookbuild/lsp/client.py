"""Language server (client): a minimal LSP client over a subprocess's stdin and stdout.

For the tests and the benchmark, which talk to `bookbuild lsp` as an editor does:
JSON-RPC messages framed by `Content-Length` headers. A reader thread collects what the server
sends; requests wait for their response, and notifications (publishDiagnostics, logMessage)
are waited for by predicate, always with a timeout so a broken server fails instead of hanging.
Requests from the server to the client (registerCapability, configuration) get a null result.
"""

from __future__ import annotations

import itertools
import json
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

Message = dict[str, Any]


class ServerGone(RuntimeError):
    """The server closed its output (it exited or crashed)."""


class LspClient:
    """A server in a subprocess and the messages exchanged with it."""

    def __init__(self, command: Sequence[str], cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(list(command), cwd=cwd, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._ids = itertools.count(1)
        self._responses: dict[int, Message] = {}
        self._notifications: list[tuple[float, Message]] = []   # (arrival time, message)
        self._changed = threading.Condition()
        self._closed = False
        self._write_lock = threading.Lock()
        self.stderr: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # -- sending ------------------------------------------------------------------------------

    def _send(self, message: Message) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        with self._write_lock:
            stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            stdin.flush()

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any = None, timeout: float = 30) -> Any:
        """The result of a request; an error response raises RuntimeError."""
        number = next(self._ids)
        self._send({"id": number, "method": method, "params": params})
        response = self._wait(lambda: self._responses.pop(number, None), timeout,
                              f"no response to {method}")
        if "error" in response:
            raise RuntimeError(f"{method}: {response['error']}")
        return response.get("result")

    # -- receiving ----------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[Message], bool], timeout: float = 30,
                 since: float = 0.0) -> tuple[float, Message]:
        """The first notification that arrived after `since` (time.monotonic()) and satisfies
        `predicate`, with its arrival time; it is taken off the list."""
        def find() -> tuple[float, Message] | None:
            for i, (arrived, message) in enumerate(self._notifications):
                if arrived >= since and predicate(message):
                    return self._notifications.pop(i)
            return None
        return self._wait(find, timeout, "no notification as expected")

    def diagnostics(self, uri: str, timeout: float = 30, since: float = 0.0,
                    where: Callable[[list[Message]], bool] = lambda d: True,
                    version: int | None = None) -> list[Message]:
        """The next diagnostics published for `uri` (after `since`) that `where` accepts; with
        `version`, only those on that version of the document or a later one: a check under
        way when the change was sent may publish its findings after it."""
        def wanted(m: Message) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != uri:
                return False
            checked = m["params"].get("version")
            if version is not None and (checked is None or checked < version):
                return False
            return where(m["params"]["diagnostics"])
        _, message = self.wait_for(wanted, timeout, since)
        diagnostics: list[Message] = message["params"]["diagnostics"]
        return diagnostics

    def notifications(self, method: str) -> list[Message]:
        with self._changed:
            return [m for _, m in self._notifications if m.get("method") == method]

    def _wait(self, find: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = find()
                if found is not None:
                    return found
                if self._closed:
                    raise ServerGone(f"{what}: the server exited; its stderr:\n{self.stderr_text()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{what} within {timeout} s; the server's stderr:\n"
                                       f"{self.stderr_text()}")
                self._changed.wait(left)

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while (message := _read_message(stdout)) is not None:
                if "id" in message and "method" in message:      # a request from the server
                    self._send({"id": message["id"], "result": None})
                    continue
                with self._changed:
                    if "id" in message:
                        self._responses[message["id"]] = message
                    else:
                        self._notifications.append((time.monotonic(), message))
                    self._changed.notify_all()
        finally:
            with self._changed:
                self._closed = True
                self._changed.notify_all()

    def _drain_stderr(self) -> None:
        stderr = self.process.stderr
        assert stderr is not None
        for line in stderr:
            self.stderr.put(line)

    def stderr_text(self) -> str:
        lines = []
        while not self.stderr.empty():
            lines.append(self.stderr.get().decode("utf-8", "replace"))
        return "".join(lines[-60:])

    # -- the session --------------------------------------------------------------------------

    def initialize(self, root: Path, timeout: float = 30) -> Any:
        result = self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(),
            "capabilities": {"textDocument": {
                "publishDiagnostics": {"relatedInformation": True},
                "codeAction": {"codeActionLiteralSupport": {
                    "codeActionKind": {"valueSet": ["quickfix"]}}},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {"completionItem": {"snippetSupport": False}}}},
        }, timeout)
        self.notify("initialized", {})
        return result

    def close(self, timeout: float = 10) -> int:
        """shutdown, exit, and the server's exit status (killed if it does not go)."""
        try:
            if not self._closed:
                self.request("shutdown", None, timeout)
                self.notify("exit")
            return self.process.wait(timeout)
        except (OSError, TimeoutError, ServerGone, subprocess.TimeoutExpired):
            self.process.kill()
            return self.process.wait()


def _read_message(stream: IO[bytes]) -> Message | None:
    """One framed message, or None at the end of the stream."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if length is None:
        raise ValueError("a message without Content-Length")
    body = stream.read(length)
    message: Message = json.loads(body)
    return message
