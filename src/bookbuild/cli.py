"""The command line: `bookbuild build`, `check`, `preflight`, `proof-report`, `verify`, `serve`,
`new` and `import`.

Exit status: 0 fine, 1 findings of severity error, 2 unusable input or usage, 3 a bug in
bookbuild, 130 interrupted. Messages name the manuscript file and line; user mistakes never
produce a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bookbuild import __version__
from bookbuild.config import load_config
from bookbuild.diagnostics import BookError, Diagnostic, count_findings, plural, print_findings
from bookbuild.editions import DEFAULT_FORMATS, EDITION_NAMES, VERIFIED, VERIFIED_IF_PRESENT
from bookbuild.importer.command import register as register_import
from bookbuild.progress import Progress
from bookbuild.scaffold.command import register as register_new

if TYPE_CHECKING:
    from bookbuild.memo import CheckReport
    from bookbuild.model import Book

# Each command imports what it runs when it runs: `bookbuild check` of an unchanged book
# answers in a fraction of the second that importing the writers and readers would take.

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help()             # a bare `bookbuild`: the commands, not a usage error
        return EXIT_UNUSABLE
    args = parser.parse_args(argv)
    # pandoc's own warnings (a citation not found, a div unclosed) are what the checks report
    # at file:line; pypandoc would print them again, bare. --debug shows them.
    logging.getLogger("pypandoc").setLevel(logging.DEBUG if args.debug else logging.ERROR)
    if args.debug:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        logging.getLogger("bookbuild").addHandler(handler)
        logging.getLogger("bookbuild").setLevel(logging.DEBUG)
    progress = Progress(quiet=args.quiet or not sys.stderr.isatty())
    signal.signal(signal.SIGTERM, _terminated)
    try:
        return int(args.run(args, progress))
    except BookError as exc:
        print_findings(exc.diagnostics, sys.stderr, getattr(args, "manuscript", None))
        written = "; nothing was written" if args.command == "build" else ""
        print(f"bookbuild: stopped: {count_findings(exc.diagnostics)}{written}", file=sys.stderr)
        return EXIT_UNUSABLE
    except (KeyboardInterrupt, Terminated):
        print("bookbuild: interrupted; editions already in place were left unchanged",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:      # a full disk, a read-only or forbidden folder: not a bug
        where = exc.filename or "the editions"
        print(f"bookbuild: could not write or read {where}: {exc.strerror or exc}. Free some space "
              "or fix the folder's permissions (or choose another --out), then run again; "
              "editions already in place were left unchanged", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as exc:  # a bug: say so plainly, keep the traceback for --debug
        if args.debug:
            traceback.print_exc()
        print(f"bookbuild: internal error ({type(exc).__name__}: {exc}); this is a bug in "
              "bookbuild, not in your manuscript. Run again with --debug for details.",
              file=sys.stderr)
        return EXIT_BUG


class Terminated(BaseException):
    """SIGTERM (a killed build, a stopped CI job): unwinds like Ctrl-C, so that temporary files
    are removed and no half-written edition is moved into place."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bookbuild", description="Build and check a Markdown book.",
        epilog="A first book: 'bookbuild new my-book' makes one that builds as it is (its "
        "manuscript is my-book/manuscript); 'bookbuild import book.docx --to my-manuscript' makes "
        "a manuscript folder from a Word file. Then 'bookbuild check --manuscript FOLDER' and "
        "'bookbuild build --manuscript FOLDER'. 'bookbuild COMMAND --help' says more.")
    parser.add_argument("--version", action="version", version=f"bookbuild {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # Every command takes --quiet and --debug; those that read a manuscript take --manuscript.
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--quiet", "-q", action="store_true", help="no progress messages")
    output.add_argument("--debug", action="store_true", help="show internal details and tracebacks")
    common = argparse.ArgumentParser(add_help=False, parents=[output])
    common.add_argument("--manuscript", type=Path, default=Path("manuscript"), metavar="DIR",
                        help="the manuscript folder (default: manuscript)")

    build_parser = commands.add_parser("build", parents=[common], help="write the editions")
    build_parser.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                              help="where the editions go (default: dist)")
    build_parser.add_argument("--format", type=_formats, default=None,
                              metavar="LIST", help="editions to write, comma-separated: "
                              + ",".join(EDITION_NAMES) + " (default: " + ",".join(DEFAULT_FORMATS)
                              + ", and pdf-x1a for a book delivered to IngramSpark)")
    build_parser.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                              help="processes laying out the PDF at once (default: one per core)")
    build_parser.add_argument("--draft", action="store_true",
                              help="write the editions even while the checks find errors")
    build_parser.set_defaults(run=_build)

    check_parser = commands.add_parser("check", parents=[common], help="report problems")
    check_parser.add_argument("--format", choices=("text", "json", "github"), default="text",
                              help="text (default), json, or github (workflow annotations)")
    check_parser.set_defaults(run=_check)

    preflight_parser = commands.add_parser(
        "preflight", parents=[common], help="check a print PDF as a printer would")
    preflight_parser.add_argument("pdf", type=Path, nargs="?", metavar="PDF",
                                  help="the PDF (default: OUT/<slug>.pdf of the book)")
    preflight_parser.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                                  help="where the editions are (default: dist)")
    preflight_parser.add_argument("--proof", action="store_true",
                                  help="the file is a proof: bleed all round and crop marks")
    preflight_parser.set_defaults(run=_preflight)

    report_parser = commands.add_parser(
        "proof-report", parents=[common], help="mark the typography of a print PDF (advisory)",
        description="Read a print PDF back and report, page by page, loose and overfull lines, "
        "hyphen ladders, runts, widows and orphans, pages ending in a broken word, headings at "
        "the foot of a page, uneven spreads and broken capitalised words, each with the "
        "manuscript file and line of its paragraph; draw contact sheets of the pages with the "
        "findings marked. The report is advisory: its exit status is 0 whatever it finds "
        "(2 when the PDF or the manuscript cannot be read).")
    report_parser.add_argument("pdf", type=Path, nargs="?", metavar="PDF",
                               help="the PDF (default: OUT/<slug>.pdf of the book)")
    report_parser.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                               help="where the editions are; the contact sheets go to "
                               "OUT/<name>-proof-report/ (default: dist)")
    report_parser.add_argument("--limit-space", type=_limit, default=0.5, metavar="EM",
                               help="the widest mean word space of a justified line, in ems of "
                               "its size (default: 0.5)")
    report_parser.add_argument("--format", choices=("text", "json"), default="text",
                               help="text (default) or json")
    report_parser.add_argument("--all-pages", action="store_true",
                               help="draw every contact sheet, not only those with findings")
    report_parser.set_defaults(run=_proof_report)

    verify_parser = commands.add_parser(
        "verify", parents=[common], help="prove the editions hold the same notes")
    verify_parser.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                               help="where the editions are (default: dist)")
    verify_parser.add_argument("--format", type=_verified, default=None, metavar="LIST",
                               help="editions to read back, comma-separated: epub,html,pdf,"
                               "reader-pdf (default: the first three, a missing one fails, and "
                               "the reader PDF if it is there)")
    verify_parser.set_defaults(run=_verify)

    serve_parser = commands.add_parser(
        "serve", parents=[common], help="serve the HTML edition, rebuilt on every change")
    serve_parser.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                              help="where the HTML edition goes (default: dist)")
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="the address to listen on (default: 127.0.0.1, this machine only)")
    serve_parser.add_argument("--port", type=_port, default=8000,
                              help="the port (default: 8000; 0 picks a free one)")
    serve_parser.add_argument("--no-pdf", dest="pdf", action="store_false",
                              help="build and show only the HTML edition, not the print PDF too "
                              "(for a long book, whose PDF takes minutes)")
    serve_parser.set_defaults(run=_serve)

    lsp_parser = commands.add_parser(
        "lsp", parents=[output], help="serve editors the checks' findings (Language Server Protocol)",
        description="Speak the Language Server Protocol over stdin/stdout: every finding of "
        "'bookbuild check' shown in the editor as you type, quick fixes, go to definition, hover "
        "and completion for citation keys and anchors. Started by the editor, not by hand.")
    lsp_parser.add_argument("--manuscript", type=Path, default=None, metavar="DIR",
                            help="the manuscript folder (default: the nearest folder above an "
                            "opened file holding book.yaml, or the workspace's)")
    lsp_parser.add_argument("--stdio", action="store_true", help=argparse.SUPPRESS)  # editors pass it
    lsp_parser.set_defaults(run=_lsp)
    register_new(commands, output)
    register_import(commands, output)
    return parser


def _formats(value: str) -> list[str]:
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in EDITION_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown edition {', '.join(unknown) or value!r}; choose from {','.join(EDITION_NAMES)}")
    return names


def _verified(value: str) -> tuple[str, ...]:
    names = tuple(name.strip().upper() for name in value.split(",") if name.strip())
    unknown = [name.lower() for name in names if name not in VERIFIED + VERIFIED_IF_PRESENT]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown edition {', '.join(unknown) or value!r}; "
                                         "choose from epub,html,pdf,reader-pdf")
    return names


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes; give 1 or more")
    return int(value)


def _limit(value: str) -> float:
    try:
        limit = float(value)
    except ValueError:
        limit = 0.0
    if not 0 < limit < 10:
        raise argparse.ArgumentTypeError(f"{value!r} is not a word space in ems; give e.g. 0.5")
    return limit


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port; give a number from 1 to 65535, "
                                         "or 0 for any free port")
    return int(value)


def _build(args: argparse.Namespace, progress: Progress) -> int:
    from bookbuild.pipeline import build
    result = build(args.manuscript, args.out, args.format, progress, draft=args.draft,
                   jobs=args.jobs)
    print_findings(result.findings, sys.stderr, args.manuscript)
    if result.refused:
        folders = f"--manuscript {shlex.quote(str(args.manuscript))}"
        print(f"bookbuild: {count_findings(result.findings)}: no edition was written. See them with "
              f"'bookbuild check {folders}', fix the errors, or write a draft anyway with "
              f"'bookbuild build {folders} --out {shlex.quote(str(args.out))} --draft'",
              file=sys.stderr)
        return EXIT_FINDINGS
    for rejected in result.rejected:
        print(f"bookbuild: {rejected} failed its check and was not written; the previous file "
              "(if any) is unchanged", file=sys.stderr)
    for failed in result.failed_drafts:
        print(f"bookbuild: {failed} is a draft that FAILED its check (see the errors above)",
              file=sys.stderr)
    if result.errors and not result.rejected and not result.failed_drafts:
        print(f"bookbuild: draft written despite {count_findings(result.findings)}", file=sys.stderr)
    for output in result.outputs:
        print(f"wrote {output}" + (" (draft, fails its check)" if output in result.failed_drafts else ""))
    return EXIT_FINDINGS if result.rejected or result.failed_drafts else EXIT_OK


def _check(args: argparse.Namespace, progress: Progress) -> int:
    """Every finding in the chosen format on stdout, those that stop the reading of the
    manuscript (an invalid book.yaml) included: a CI reading JSON gets them too."""
    from bookbuild.memo import check_manuscript
    root: Path = args.manuscript
    report: CheckReport | None
    try:
        report = check_manuscript(root, progress)
        findings = report.findings
    except BookError as exc:
        report, findings = None, sorted(exc.diagnostics, key=Diagnostic.sort_key)
    summary = {
        "errors": sum(f.is_error for f in findings),
        "warnings": sum(not f.is_error for f in findings),
        "chapters": report.chapters if report else 0,
        "notes": report.notes if report else 0,
        "citations": report.citations if report else 0,
        "read": report is not None,         # false: the manuscript could not be read at all
    }
    if args.format == "json":
        json.dump({"findings": [f.to_json(root) for f in findings], "summary": summary},
                  sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif args.format == "github":
        for finding in findings:
            print(_annotation(finding, root))
    else:
        print_findings(findings, sys.stdout, root)
        if report is None:
            print(f"{count_findings(findings)}: the manuscript could not be read; mend these first")
        else:
            print(f"{count_findings(findings)} in {plural(summary['chapters'], 'chapter')} "
                  f"({plural(summary['notes'], 'note')}, "
                  f"{plural(summary['citations'], 'citation')})")
    if report is None:
        return EXIT_UNUSABLE
    return EXIT_FINDINGS if summary["errors"] else EXIT_OK


def _preflight(args: argparse.Namespace, progress: Progress) -> int:
    from bookbuild.preflight import preflight
    config, _ = load_config(args.manuscript)
    suffix = "-proof" if args.proof else ""
    path = args.pdf or args.out / f"{config.slug}{suffix}.pdf"
    if not path.is_file():
        print(f"bookbuild: {path} does not exist; build it first with 'bookbuild build "
              f"--format {'proof' if args.proof else 'pdf'}' or name the file", file=sys.stderr)
        return EXIT_UNUSABLE
    report = preflight(path, config, expect_bleed=True if args.proof else None,
                       crop_marks=args.proof)
    for line in report.facts():
        print(line)
    print_findings(report.findings, sys.stdout, args.manuscript)
    print("preflight passed" if report.passed else f"preflight failed: {count_findings(report.findings)}")
    return EXIT_OK if report.passed else EXIT_FINDINGS


def _proof_report(args: argparse.Namespace, progress: Progress) -> int:
    """Advisory: exit status 0 whatever is found; 2 when the PDF cannot be read."""
    from bookbuild.pipeline import load
    from bookbuild.proofread import ReadError, proofread
    from bookbuild.proofread.sheets import write_sheets
    path: Path = args.pdf or args.out / f"{load_config(args.manuscript)[0].slug}.pdf"
    if not path.is_file():
        hint = "name a print PDF" if args.pdf else "build it first with 'bookbuild build " \
            "--format pdf' or name the file"
        print(f"bookbuild: {path} does not exist; {hint}", file=sys.stderr)
        return EXIT_UNUSABLE
    book: Book | None = None
    if args.pdf is None or (args.manuscript / "book.yaml").is_file():
        book = load(args.manuscript, progress)
    else:
        print(f"bookbuild: no book.yaml in {args.manuscript}: findings are not placed in the "
              "manuscript (name it with --manuscript)", file=sys.stderr)
    try:
        report = progress.step("Reading the PDF back", proofread, path, book, args.limit_space)
        folder = args.out / f"{path.stem}-proof-report"
        sheets = progress.step("Drawing the contact sheets", write_sheets, path, folder,
                               report.findings, report.folios, args.all_pages)
    except ReadError as exc:
        print(f"bookbuild: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.format == "json":
        json.dump({**report.to_json(), "sheets": [str(p) for p in sheets]}, sys.stdout, indent=2,
                  ensure_ascii=False)
        print()
        return EXIT_OK
    for finding in report.findings:
        print(report.line(finding))
    print(f"{report.summary()}; contact sheets: {plural(len(sheets), 'sheet')} in {folder} "
          "(advisory: exit status 0)")
    return EXIT_OK


def _verify(args: argparse.Namespace, progress: Progress) -> int:
    from bookbuild.pipeline import load
    from bookbuild.verify import verify
    book = load(args.manuscript, progress)
    report = progress.step("Reading the editions back", verify, book, args.out, args.format)
    if not report.editions and not any(f.code == "edition-other-book" for f in report.findings):
        print(f"bookbuild: no edition in {args.out}; build them first with 'bookbuild build'",
              file=sys.stderr)
        return EXIT_UNUSABLE
    print_findings(report.findings, sys.stdout, args.manuscript)
    names = ", ".join(edition.name for edition in report.editions)
    if report.passed:
        print(f"verified: {plural(report.notes, 'note')} agree, in order, number and text, "
              f"with links both ways, in {names}")
        return EXIT_OK
    print(f"verification failed: {count_findings(report.findings)}")
    return EXIT_FINDINGS


def _serve(args: argparse.Namespace, progress: Progress) -> int:
    """Serve until Ctrl-C, which is the normal way to stop: exit status 0."""
    from bookbuild.serve import ServeError, serve
    try:
        serve(args.manuscript, args.out, args.host, args.port, progress, debug=args.debug,
              pdf=args.pdf)
    except ServeError as exc:
        print(f"bookbuild: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_OK


def _lsp(args: argparse.Namespace, progress: Progress) -> int:
    """Serve until the editor says exit."""
    # pygls is imported only for this command.
    from bookbuild.lsp import run_server
    run_server(args.manuscript)
    return EXIT_OK


def _annotation(finding: Diagnostic, manuscript: Path) -> str:
    """A GitHub Actions workflow command: ::error file=...,line=...::message"""
    level = "error" if finding.is_error else "warning"
    place = finding.place
    fields = [f"file={Path(place.path(manuscript)).as_posix()}"]
    if place.line:
        fields += [f"line={place.line}", f"endLine={place.end_line or place.line}"]
    fields.append(f"title={finding.code}")
    message = finding.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} {','.join(fields)}::{message}"
