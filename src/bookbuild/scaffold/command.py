"""Scaffold stage, the command line: `bookbuild new DIR [--title T] [--author A] [--lang TAG]`.

`register` adds the `new` subcommand to the subparsers of `bookbuild.cli`'s parser. Exit
status as for every command: 0 the book was made, 2 a usage mistake or a DIR that cannot take
a book (a file, a folder with something in it: nothing is written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from bookbuild.config.schema import Invalid
from bookbuild.progress import Progress
from bookbuild.scaffold import DEFAULT_LANG, MANUSCRIPT, ScaffoldError, check_lang, check_title, scaffold

EXIT_OK, EXIT_UNUSABLE = 0, 2


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser],
             output: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add `new` to `commands`; `output` holds the options of every command (--quiet: print
    only the folder made, not what is in it; --debug)."""
    parser = commands.add_parser(
        "new", parents=[output], help="make a new book that builds and checks clean",
        description="Make a new book in DIR: manuscript/ (book.yaml with every common key "
        "commented, two sample chapters with a note, a citation, a figure and a "
        "cross-reference, references.bib), a Makefile, a .gitignore and a GitHub Actions "
        "workflow that checks the book and keeps its editions. DIR must not exist or be empty.")
    parser.add_argument("dir", type=Path, metavar="DIR", help="the new book's folder")
    parser.add_argument("--title", type=_value(check_title),
                        help="the book's title (default: made from the folder's name)")
    parser.add_argument("--author", type=_value(check_title),
                        help="the author (default: none; book.yaml keeps a commented line)")
    parser.add_argument("--lang", type=_value(check_lang), default=DEFAULT_LANG, metavar="TAG",
                        help=f"the book's language, e.g. en-GB or fr (default: {DEFAULT_LANG})")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace, progress: Progress) -> int:
    try:
        book = scaffold(args.dir, args.title, args.author, args.lang)
    except ScaffoldError as exc:
        print(f"bookbuild: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    shown = args.dir
    if args.quiet:
        print(shown)
        return EXIT_OK
    print(f"bookbuild: made the book \"{book.title}\" in {shown}:")
    for name in book.files:
        print(f"  {shown / name}")
    print(f"Next, edit {MANUSCRIPT}/book.yaml and the chapters beside it; then, in {shown}:\n"
          "  make check    # bookbuild check: any problem, at its file and line\n"
          f"  make          # the editions: dist/{book.slug}.epub, dist/{book.slug}.pdf, dist/html/\n"
          "make runs the bookbuild on PATH, or another: make BOOKBUILD=/path/to/bookbuild.\n"
          "On GitHub, .github/workflows/book.yml checks and builds every push, once OWNER in it "
          "names bookbuild's home.")
    return EXIT_OK


def _value(check: Callable[[str], str]) -> Callable[[str], str]:
    """An argparse type from a `book.yaml` validator: its Invalid message as a usage error."""
    def convert(value: str) -> str:
        try:
            return check(value)
        except Invalid as exc:
            raise argparse.ArgumentTypeError(f"{value!r} {exc}") from None
    return convert
