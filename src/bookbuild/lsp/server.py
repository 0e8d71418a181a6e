"""Language server (protocol): the pygls server, its handlers, and when the checks run.

The event loop only keeps the editor's texts, answers requests from the last book model, and
publishes. Checks run on one worker thread (`check_workspace`), a manuscript at a time: a change
to a chapter starts a check `DEBOUNCE` seconds after the last keystroke; a newer change makes
any check started or waiting before it stale, and only the latest check's findings are
published. Findings are published for every file they name (chapters, book.yaml, the
bibliography), and a file whose findings went away is published empty.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import traceback
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from bookbuild import __version__
from bookbuild.diagnostics import Diagnostic, Place, Severity
from bookbuild.lsp.actions import Fix, quick_fixes
from bookbuild.lsp.checking import CheckResult, check_workspace, find_manuscript, finding_path, manuscript_in
from bookbuild.lsp.navigation import complete, definition, hover_markdown
from bookbuild.lsp.positions import (
    Span,
    client_column,
    finding_span,
    line_span,
    server_column,
    split_lines,
    token_at,
)
from bookbuild.memory import Memory
from bookbuild.model import Book

if TYPE_CHECKING:
    from pygls.server import ServerErrors

DEBOUNCE = 0.25             # seconds of quiet after a keystroke before the book is checked
logger = logging.getLogger("bookbuild.lsp")

RELATED = {                 # what a finding's related place is, by code
    "duplicate-passage": "the passage it repeats",
    "duplicate-reference": "the first entry with this key",
    "duplicate-anchor": "where the id is first given",
    "spelling-variant": "another use of this spelling",
}


@dataclass
class BookState:
    """What the server knows of one manuscript folder."""

    manuscript: Path
    generation: int = 0                         # bumped by every change: a check of an older
    pending: asyncio.Task[None] | None = None   # generation is stale when it ends
    result: CheckResult | None = None           # the findings last published
    book: Book | None = None                    # the last model read whole, for navigation
    published: set[str] = field(default_factory=set)    # URIs holding published findings
    hovers: dict[tuple[str, str], str | None] = field(default_factory=dict)
    memory: Memory = field(default_factory=Memory)      # the pipeline's, between checks
    whole_text: list[Diagnostic] = field(default_factory=list)  # the last whole-text findings


# Seconds a check waits for its early findings to be sent before its whole-text checks run.
_EARLY_WAIT = 5.0


class BookServer(LanguageServer):
    """`bookbuild lsp`: the findings of `bookbuild check` in the editor, with quick fixes,
    go to definition, hover and completion for citation keys and anchors."""

    def __init__(self, manuscript: Path | None = None, debounce: float = DEBOUNCE) -> None:
        super().__init__("bookbuild", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.fixed_manuscript = manuscript.resolve() if manuscript else None
        self.debounce = debounce
        self.books: dict[Path, BookState] = {}
        # One worker: two checks at once would only slow each other down.
        self.checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bookbuild-check")

    # -- which manuscript ------------------------------------------------------------------

    def manuscript_of(self, path: Path | None) -> Path | None:
        """The manuscript a file belongs to: --manuscript, else the nearest folder above the
        file holding book.yaml, else the workspace root's (itself or its manuscript/)."""
        if self.fixed_manuscript is not None:
            return self.fixed_manuscript
        if path is not None and (found := find_manuscript(path.parent)) is not None:
            return found.resolve()
        root = self.workspace.root_path
        found = manuscript_in(Path(root)) if root else None
        return found.resolve() if found else None

    def state(self, manuscript: Path) -> BookState:
        if manuscript not in self.books:
            self.books[manuscript] = BookState(manuscript)
        return self.books[manuscript]

    def state_of_uri(self, uri: str) -> BookState | None:
        path = uri_path(uri)
        manuscript = self.manuscript_of(path)
        return self.state(manuscript) if manuscript else None

    # -- checking --------------------------------------------------------------------------

    def schedule(self, manuscript: Path, delay: float) -> None:
        """Check `manuscript` after `delay` seconds unless another change comes first."""
        state = self.state(manuscript)
        state.generation += 1
        if state.pending is not None:
            state.pending.cancel()      # still waiting out the delay, or queued: not needed
        state.pending = asyncio.ensure_future(self._check_later(state, state.generation, delay))

    async def _check_later(self, state: BookState, generation: int, delay: float) -> None:
        await asyncio.sleep(delay)
        overlay = self.overlay(state.manuscript)    # the texts as they are now, not later
        versions = self.versions(state.manuscript)
        loop = asyncio.get_running_loop()
        early: list[Diagnostic] = []

        def show_early(book: Book, findings: list[Diagnostic]) -> None:   # on the checker's thread
            early[:] = findings
            shown = threading.Event()
            loop.call_soon_threadsafe(self._publish_early, state, generation, book, findings,
                                      overlay, versions, shown)
            # Wait until they are sent: the whole-text checks would hold the GIL in long C calls
            # (regular expressions over the book, dictionaries of its words) and keep the event
            # loop from sending them for seconds.
            shown.wait(_EARLY_WAIT)

        try:
            result = await loop.run_in_executor(
                self.checker, check_workspace, state.manuscript, overlay, state.memory, show_early,
                lambda: generation == state.generation)     # stop when a newer change waits
        except asyncio.CancelledError:
            raise
        except Exception as exc:    # a bug in bookbuild: say so, and keep serving
            self.log(types.MessageType.Error,
                     f"bookbuild: internal error while checking {state.manuscript} "
                     f"({type(exc).__name__}: {exc}); this is a bug in bookbuild.\n"
                     + "".join(traceback.format_exception(exc)))
            return
        if result is None or generation != state.generation:
            return                  # a newer change has its own check coming
        # Logged first, so that a client timing the publication can read the check's time.
        self.log(types.MessageType.Log, f"bookbuild: {len(result.findings)} findings in "
                 f"{state.manuscript} ({result.seconds:.2f} s)")
        self.publish(state, result, versions)
        shown_early = set(early)
        state.whole_text = [f for f in result.findings if f not in shown_early] \
            if result.book is not None else []

    def _publish_early(self, state: BookState, generation: int, book: Book,
                       findings: list[Diagnostic], overlay: dict[Path, str],
                       versions: dict[str, int], shown: threading.Event) -> None:
        try:
            self._publish_early_findings(state, generation, book, findings, overlay, versions)
        finally:
            shown.set()

    def _publish_early_findings(self, state: BookState, generation: int, book: Book,
                                findings: list[Diagnostic], overlay: dict[Path, str],
                                versions: dict[str, int]) -> None:
        """What parsing and every check but the whole-text ones found, shown at once, with
        the whole-text checks' findings (duplicates, fonts, copy-editing) of the last check until
        this check's own arrive; not when book.yaml or the bibliography changed, which may
        change any finding."""
        last = state.book
        if generation != state.generation or last is None:
            return
        if book.config != last.config or _keys(book) != _keys(last):
            return
        self.publish(state, CheckResult(state.manuscript, findings + state.whole_text, None,
                                        overlay), versions)

    def overlay(self, manuscript: Path) -> dict[Path, str]:
        """The open chapters' texts by resolved absolute path, for `pipeline.check`."""
        texts = {}
        for document in list(self.workspace.text_documents.values()):
            path = uri_path(document.uri)
            if path is not None and path.suffix.lower() == ".md" and path.is_relative_to(manuscript):
                texts[path] = document.source
        return texts

    def versions(self, manuscript: Path) -> dict[str, int]:
        """The versions of the documents open in `manuscript` (URI -> version), taken with the
        overlay: published with their findings, so that an editor (and a test) can tell the
        findings on the text it holds from those of a check that was under way when it typed."""
        return {document.uri: document.version for document in
                list(self.workspace.text_documents.values())
                if document.version is not None and (path := uri_path(document.uri)) is not None
                and path.is_relative_to(manuscript)}

    # -- publishing ------------------------------------------------------------------------

    def publish(self, state: BookState, result: CheckResult,
                versions: dict[str, int] | None = None) -> None:
        """Send `result`'s findings, by file; each open file's with the version checked
        (LSP 3.15 `PublishDiagnosticsParams.version`)."""
        versions = versions or {}
        state.result = result
        if result.book is not None:
            state.book = result.book
        texts = FileTexts(self, result)
        by_uri: dict[str, list[types.Diagnostic]] = defaultdict(list)
        for uri in self.workspace.text_documents:      # an open file with no findings: none
            if (path := uri_path(uri)) is not None and path.is_relative_to(state.manuscript):
                by_uri[uri] = []
        for finding in result.findings:
            path = finding_path(state.manuscript, finding.place.file)
            by_uri[texts.uri(path)].append(self.lsp_diagnostic(finding, path, texts))
        for uri, diagnostics in by_uri.items():
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics,
                                               version=versions.get(uri)))
        for uri in state.published - by_uri.keys():
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[],
                                               version=versions.get(uri)))
        state.published = set(by_uri)

    def lsp_diagnostic(self, finding: Diagnostic, path: Path, texts: FileTexts) -> types.Diagnostic:
        lines = texts.lines(path)
        related = [types.DiagnosticRelatedInformation(
            location=types.Location(uri=texts.uri(other), range=self.to_range(
                texts.lines(other), line_span(texts.lines(other), place))),
            message=f"{RELATED.get(finding.code, 'related place')}: {place}")
            for place in finding.related
            for other in [finding_path(texts.manuscript, place.file)]]
        return types.Diagnostic(
            range=self.to_range(lines, finding_span(lines, finding)),
            message=finding.message,
            severity=types.DiagnosticSeverity.Error if finding.severity is Severity.ERROR
            else types.DiagnosticSeverity.Warning,
            code=finding.code,
            source="bookbuild",
            related_information=related or None)

    def to_range(self, lines: list[str], span: Span) -> types.Range:
        """A span (columns in code points) as an LSP range in the client's position encoding."""
        return types.Range(start=self._position(lines, span.line, span.start),
                           end=self._position(lines, span.end_line, span.end))

    def _position(self, lines: list[str], line: int, column: int) -> types.Position:
        text = lines[line] if 0 <= line < len(lines) else ""
        return types.Position(line=line, character=client_column(text, column, self.encoding))

    def from_position(self, lines: list[str], position: types.Position) -> tuple[int, int]:
        """A client's position as (line, column in code points)."""
        text = lines[position.line] if 0 <= position.line < len(lines) else ""
        return position.line, server_column(text, position.character, self.encoding)

    @property
    def encoding(self) -> str:
        """The position encoding agreed at initialize: utf-16 unless the client offered another."""
        encoding = self.workspace.position_encoding
        if isinstance(encoding, types.PositionEncodingKind):
            return encoding.value
        return encoding or "utf-16"

    def log(self, kind: types.MessageType, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def report_server_error(self, error: Exception, source: ServerErrors) -> None:
        """An exception in a handler: logged to the client with its traceback (and shown, as
        pygls does), and the server goes on serving."""
        self.log(types.MessageType.Error, f"bookbuild: internal error ({type(error).__name__}: "
                 f"{error}); this is a bug in bookbuild.\n" + "".join(traceback.format_exception(error)))
        super().report_server_error(error, source)

    # -- requests --------------------------------------------------------------------------

    def document_lines(self, uri: str) -> list[str]:
        return split_lines(self.workspace.get_text_document(uri).source)

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        state = self.state_of_uri(params.text_document.uri)
        path = uri_path(params.text_document.uri)
        if state is None or state.result is None or path is None:
            return []
        lines = self.document_lines(params.text_document.uri)
        wanted = params.range
        texts = FileTexts(self, state.result)
        actions = []
        for finding in state.result.findings:
            if texts.resolved(finding_path(state.manuscript, finding.place.file)) != path:
                continue
            where = self.to_range(lines, finding_span(lines, finding))
            if _after(where.start, wanted.end) or _after(wanted.start, where.end):
                continue            # not at the range asked about
            diagnostic = self.lsp_diagnostic(finding, path, texts)
            for fix in quick_fixes(finding, state.book, lines, path, state.manuscript):
                actions.append(self.code_action(fix, diagnostic))
        return actions

    def code_action(self, fix: Fix, diagnostic: types.Diagnostic) -> types.CodeAction:
        uri = self.uri_of(fix.file)
        lines = self.document_lines(uri) if uri in self.workspace.text_documents else \
            split_lines(fix.file.read_text(encoding="utf-8-sig"))
        edit = types.TextEdit(range=self.to_range(lines, fix.span), new_text=fix.new_text)
        return types.CodeAction(title=fix.title, kind=types.CodeActionKind.QuickFix,
                                diagnostics=[diagnostic], is_preferred=fix.preferred or None,
                                edit=types.WorkspaceEdit(changes={uri: [edit]}))

    def uri_of(self, path: Path) -> str:
        """The URI the client uses for `path` when it has the file open, else one made."""
        for uri in self.workspace.text_documents:
            if uri_path(uri) == path.resolve():
                return uri
        return from_fs_path(str(path)) or path.as_uri()

    def definition(self, params: types.DefinitionParams) -> types.Location | None:
        state = self.state_of_uri(params.text_document.uri)
        path = uri_path(params.text_document.uri)
        if state is None or state.book is None or path is None:
            return None
        lines = self.document_lines(params.text_document.uri)
        token = token_at(lines, *self.from_position(lines, params.position))
        if token is None:
            return None
        chapter = path.relative_to(state.manuscript).as_posix() \
            if path.is_relative_to(state.manuscript) else path.name
        place = definition(state.book, token, chapter)
        if place is None:
            return None
        target = finding_path(state.manuscript, place.file)
        return types.Location(uri=self.uri_of(target), range=self.place_range(target, place))

    def place_range(self, path: Path, place: Place) -> types.Range:
        uri = self.uri_of(path)
        lines = self.document_lines(uri) if uri in self.workspace.text_documents else \
            _disk_lines(path)
        span = line_span(lines, place)
        return self.to_range(lines, Span(span.line, span.start, span.line, span.start))

    async def hover(self, params: types.HoverParams) -> types.Hover | None:
        state = self.state_of_uri(params.text_document.uri)
        if state is None or state.book is None:
            return None
        lines = self.document_lines(params.text_document.uri)
        token = token_at(lines, *self.from_position(lines, params.position))
        if token is None or token.kind != "citation":
            return None
        book = state.book
        entry = book.bibliography.entries.get(token.text) if book.bibliography else None
        # Keyed by what the text is made from, so an edited entry or style is formatted anew.
        cached = (token.text, json.dumps([entry and entry.data, str(book.config.csl),
                                          book.config.lang], sort_keys=True, default=str))
        if cached not in state.hovers:
            # A key not cited yet costs a pandoc run: off the event loop, on pygls's pool
            # (not the checker, so that a hover does not wait for a check).
            loop = asyncio.get_running_loop()
            state.hovers[cached] = await loop.run_in_executor(
                self.thread_pool, hover_markdown, book, token.text)
        text = state.hovers[cached]
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                           range=self.to_range(lines, token.span))

    def completion(self, params: types.CompletionParams) -> types.CompletionList:
        state = self.state_of_uri(params.text_document.uri)
        if state is None or state.book is None:
            return types.CompletionList(is_incomplete=False, items=[])
        lines = self.document_lines(params.text_document.uri)
        line, column = self.from_position(lines, params.position)
        before = lines[line][:column] if line < len(lines) else ""
        items = []
        for suggestion in complete(state.book, before):
            span = Span(line, column - suggestion.replaces, line, column)
            items.append(types.CompletionItem(
                label=suggestion.label, detail=suggestion.detail,
                kind=types.CompletionItemKind.Reference,
                text_edit=types.TextEdit(range=self.to_range(lines, span),
                                         new_text=suggestion.label)))
        return types.CompletionList(is_incomplete=False, items=items)


class FileTexts:
    """The lines of the files a result's findings name, for ranges: as checked for chapters
    the editor holds, else as on disk; each file read once."""

    def __init__(self, server: BookServer, result: CheckResult) -> None:
        self.server = server
        self.manuscript = result.manuscript
        self.overlay = result.overlay
        self._lines: dict[Path, list[str]] = {}
        self._uris: dict[Path, str] = {}
        self._open = {path: uri for uri in server.workspace.text_documents
                      if (path := uri_path(uri)) is not None}

        self._resolved: dict[Path, Path] = {}

    def resolved(self, path: Path) -> Path:
        if path not in self._resolved:
            self._resolved[path] = path.resolve()
        return self._resolved[path]

    def lines(self, path: Path) -> list[str]:
        if path not in self._lines:
            text = self.overlay.get(self.resolved(path))
            self._lines[path] = split_lines(text) if text is not None else _disk_lines(path)
        return self._lines[path]

    def uri(self, path: Path) -> str:
        if path not in self._uris:
            resolved = self.resolved(path)
            self._uris[path] = self._open.get(resolved) or from_fs_path(str(resolved)) \
                or resolved.as_uri()
        return self._uris[path]


def _disk_lines(path: Path) -> list[str]:
    """A file's lines as on disk; none for a file that cannot be read (a folder, a file gone)."""
    try:
        return split_lines(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return [""]


def uri_path(uri: str) -> Path | None:
    """The resolved path of a file: URI (None for other schemes)."""
    path = to_fs_path(uri)
    return Path(path).resolve() if path and uri.startswith("file:") else None


def _after(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) > (b.line, b.character)


# -- handlers ------------------------------------------------------------------------------------

def create_server(manuscript: Path | None = None, debounce: float = DEBOUNCE) -> BookServer:
    """The server with its handlers registered."""
    server = BookServer(manuscript, debounce)

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        # The whole book's findings as soon as the editor is ready, when the book is known.
        found = server.manuscript_of(None)
        if found is not None:
            server.schedule(found, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        _changed(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        _changed(params.text_document.uri, server.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        # book.yaml and the bibliography are read from disk: their saves count, not keystrokes.
        _changed(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        _changed(params.text_document.uri, 0)     # the chapter is read from disk again

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            _changed(change.uri, server.debounce)

    def _changed(uri: str, delay: float) -> None:
        manuscript = server.manuscript_of(uri_path(uri))
        if manuscript is not None:
            server.schedule(manuscript, delay)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        return server.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def go_to_definition(params: types.DefinitionParams) -> types.Location | None:
        return server.definition(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        return await server.hover(params)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=["@", "#"]))
    def completion(params: types.CompletionParams) -> types.CompletionList:
        return server.completion(params)

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        server.checker.shutdown(wait=False, cancel_futures=True)

    return server


def _keys(book: Book) -> set[str]:
    return set(book.bibliography.entries) if book.bibliography else set()
