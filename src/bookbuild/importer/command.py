"""Import, the command line: `bookbuild import FILE --to DIR`.

`register(commands, output)` adds the subcommand to bookbuild's argparse subparsers, as the
other commands are added in cli.py. Exit status: 0 the manuscript was written (the report says
what needs a human), 2 the document or the folder cannot be used (a one-line message saying what
to do; nothing written). A disk that cannot be written is status 2 as well.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bookbuild.progress import Progress

EXIT_OK, EXIT_UNUSABLE = 0, 2


def register(commands: argparse._SubParsersAction, output: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `import` to `commands`; `output` holds the options of every command (--quiet,
    --debug). An import makes a manuscript rather than reading one: no --manuscript."""
    parser = commands.add_parser(
        "import", parents=[output], help="make a manuscript folder from a .docx, .odt, .html or .txt",
        description="Make a manuscript folder from a Word (.docx), OpenDocument (.odt), web page "
        "(.html) or plain-text (.txt) document: chapters split at the top heading level, notes "
        "kept as footnotes, images extracted with their descriptions, manual formatting dropped. "
        "Tracked changes are accepted and comments taken out of the text; the report at the end "
        "lists each of them, with the references typed in the text and everything else that "
        "needs a human, at its file and line (also saved as DIR/import-report.txt).")
    parser.add_argument("file", type=Path, metavar="FILE", help="the document to import (never changed)")
    parser.add_argument("--to", type=Path, required=True, metavar="DIR",
                        help="the new manuscript folder (must not exist, or be empty)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, progress: Progress) -> int:
    from bookbuild.importer.run import ImportFailure, import_manuscript  # only when importing
    try:
        report = import_manuscript(args.file, args.to, progress)
    except ImportFailure as exc:
        print(f"bookbuild: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except OSError as exc:
        where = exc.filename or args.to
        print(f"bookbuild: could not read or write {where}: {exc.strerror or exc}; free some space "
              "or fix the folder's permissions (or choose another --to), then run again; nothing "
              "was written", file=sys.stderr)
        return EXIT_UNUSABLE
    print(report.text(args.to), end="")
    print(f"The report is also in {args.to / 'import-report.txt'}.")
    return EXIT_OK
