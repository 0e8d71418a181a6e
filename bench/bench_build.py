"""Benchmark: `bookbuild build` against a "peer chain" (pandoc + WeasyPrint), side by side.

    .venv/bin/python bench/bench_build.py [--books reed-ten-days,tolstoy-war-and-peace]
        [--corpus DIR] [--skip-peer] [--repeat N] [--gibbon-peer-pdf] [--markdown FILE]

(`make bench` runs it with the defaults.) Each corpus book is copied to a temporary folder first,
so the corpus is never written to, and every command runs with SOURCE_DATE_EPOCH=1700000000.

bookbuild, on the copy (always `--draft --quiet`: two corpus books hold real duplicated passages
that the checks report as errors; the checks still run), with its build cache in the temporary
folder too (BOOKBUILD_CACHE), so that a cold build finds no cache and ~/.cache is left alone:

- cold builds, each from an empty output folder and an empty cache: EPUB, HTML and PDF alone,
  EPUB + HTML, and all three editions;
- incremental builds after that cold build of all three: a short paragraph of new prose is
  appended to the chapter in the middle of the book and EPUB + HTML are rebuilt into the same
  folder; then another paragraph is appended and all three editions are rebuilt.

The peer chain, on the same copy: pandoc (the binary of pypandoc) turns the chapters, in reading
order, into an EPUB and into a standalone HTML page, and WeasyPrint turns that page into a PDF with
a stylesheet holding bookbuild's page geometry: the trim from book.yaml, the margins (the gutter
for the page count of bookbuild's PDF) and the base font size. For Gibbon the peer PDF is left out
unless `--gibbon-peer-pdf` is given (WeasyPrint takes very long on it).

Every command is timed (wall clock) and its peak memory is the largest sum of the Pss of the
process and all its descendants (workers, pandoc, Java), sampled every 0.1 s from /proc. The
result is a Markdown table: seconds, peak MB and bookbuild / peer ratios, with the PDF page count
of each side; with `--repeat N` every figure is the median of N runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc
import pypdf
import weasyprint

from bookbuild.config import BookConfig, load_config
from bookbuild.writers.pdf.geometry import geometry

BOOKS = ("reed-ten-days", "tolstoy-war-and-peace", "gibbon-decline-and-fall")
DEFAULT_BOOKS = ("reed-ten-days", "tolstoy-war-and-peace")
SLOW_PEER_PDF = "gibbon-decline-and-fall"
EPOCH = "1700000000"
SAMPLE_SECONDS = 0.1
BIN = Path(sys.executable).parent
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# Two paragraphs of ordinary prose for the incremental builds, short and unlike anything in the
# corpus, so that they add no finding of their own.
EDITS = (
    "Late that evening the author added this paragraph, a plain sentence or two about the weather "
    "and the lamps along the quay, to see how quickly the book is rebuilt.",
    "A second evening brought a second note of the same kind: rain on the windows, a kettle on "
    "the stove, and nothing else worth remembering.",
)

# Pandoc's standalone page sets its own body width, padding and print size; these user rules
# (important, so that they win over the page's own) leave the page to bookbuild's geometry.
BODY_CSS = "body { margin: 0 !important; padding: 0 !important; max-width: none !important; " \
           "font-size: 1rem !important; }\n"


# -- measuring one command ---------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """One command: wall time, peak memory of its process tree, and what it printed on stderr."""

    seconds: float
    peak_mb: float
    messages: tuple[str, ...] = ()


def parent_links() -> dict[int, list[int]]:
    """Every process's children, from the ppid field of /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the fields follow the last ')'.
        ppid = int(text[text.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants."""
    children = parent_links()
    tree: list[int] = []
    pending = [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, ()))
    return tree


def pss_kb(pid: int) -> int:
    """The proportional set size of one process in kB, 0 when it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def tree_pss_mb(root: int) -> float:
    return sum(pss_kb(pid) for pid in process_tree(root)) / 1024


def sample_peak(root: int, done: threading.Event, peak: list[float]) -> None:
    """Keep in `peak[0]` the largest process-tree Pss seen, every SAMPLE_SECONDS until `done`."""
    while True:
        peak[0] = max(peak[0], tree_pss_mb(root))
        if done.wait(SAMPLE_SECONDS):
            return


def measure(command: Sequence[str | Path], cwd: Path, env: dict[str, str],
            allowed: tuple[int, ...] = (0,)) -> Result:
    """Run `command`, raising on an exit status not `allowed`, and time it and sample its memory."""
    peak = [0.0]
    done = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen([str(part) for part in command], cwd=cwd, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = threading.Thread(target=sample_peak, args=(process.pid, done, peak), daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in allowed:
        raise RuntimeError(f"exit status {process.returncode}: {' '.join(map(str, command))}\n{stderr}")
    messages = tuple(line for line in stderr.splitlines() if line.strip())
    return Result(seconds, peak[0], messages)


# -- the book copy -----------------------------------------------------------------------------

def copy_book(source: Path, destination: Path) -> Path:
    """Copy the manuscript folder and make the copy writable (the corpus files are read-only)."""
    shutil.copytree(source, destination)
    for path in (destination, *destination.rglob("*")):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return destination


def reading_order(config: BookConfig) -> list[Path]:
    """The chapter files: `chapters:` from book.yaml, else every *.md by name (as bookbuild reads)."""
    if config.chapters:
        return list(config.chapters)
    return sorted((p for p in config.root.glob("*.md")
                   if not p.name.startswith((".", "_")) and p.name.lower() != "readme.md"),
                  key=lambda p: p.name)


def middle_chapter(config: BookConfig) -> Path:
    chapters = reading_order(config)
    return chapters[len(chapters) // 2]


def append_paragraph(chapter: Path, text: str) -> None:
    body = chapter.read_text(encoding="utf-8")
    chapter.write_text(body.rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


def pdf_pages(path: Path) -> int:
    return len(pypdf.PdfReader(path).pages)


def environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **extra}


# -- the peer chain ----------------------------------------------------------------------------

def peer_stylesheet(config: BookConfig, pages: int) -> str:
    """bookbuild's page box, margins and base size for a book of `pages` pages, without bleed."""
    return geometry(config, pages, bleed=False, crop_marks=False).page_css() + BODY_CSS


def run_peer(config: BookConfig, work: Path, pages: int, with_pdf: bool) -> dict[str, Result]:
    """pandoc to EPUB, pandoc to standalone HTML, WeasyPrint to PDF, in `work`."""
    work.mkdir()
    env = environment()
    pandoc: list[str | Path] = [pypandoc.get_pandoc_path(), *reading_order(config),
              "--resource-path", config.root, "--metadata", f"title={config.title}"]
    results = {
        "peer-epub": measure([*pandoc, "-o", "book.epub"], work, env),
        "peer-html": measure([*pandoc, "-s", "-o", "book.html"], work, env),
    }
    if with_pdf:
        (work / "trim.css").write_text(peer_stylesheet(config, pages), encoding="utf-8")
        results["peer-pdf"] = measure([BIN / "python", "-m", "weasyprint", "book.html", "book.pdf",
                                       "-s", "trim.css"], work, env)
    steps = list(results.values())
    results["peer-total"] = Result(sum(r.seconds for r in steps), max(r.peak_mb for r in steps))
    return results


# -- bookbuild ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Where bookbuild reads and writes: the manuscript copy, the editions, the build cache."""

    manuscript: Path
    out: Path
    cache: Path


def bookbuild(target: Target, formats: str) -> Result:
    command: list[str | Path] = [BIN / "bookbuild", "build", "--draft", "--quiet",
                                 "--manuscript", target.manuscript, "--out", target.out,
                                 "--format", formats]
    env = environment(BOOKBUILD_CACHE=str(target.cache))
    return measure(command, target.manuscript.parent, env)


def make_cold(target: Target) -> None:
    """No editions and no cache (also none in the manuscript, should a cache ever go there)."""
    for folder in (target.out, target.cache, target.manuscript / ".bookbuild-cache"):
        shutil.rmtree(folder, ignore_errors=True)


def cold(target: Target, formats: str) -> Result:
    make_cold(target)
    return bookbuild(target, formats)


def run_bookbuild(config: BookConfig, target: Target) -> tuple[dict[str, Result], int]:
    """The cold builds, then the incremental ones; with the page count of the PDF."""
    results = {
        "bb-epub": cold(target, "epub"),
        "bb-html": cold(target, "html"),
        "bb-pdf": cold(target, "pdf"),
        "bb-epub-html": cold(target, "epub,html"),
        "bb-all": cold(target, "epub,html,pdf"),
    }
    pages = pdf_pages(target.out / f"{config.slug}.pdf")
    middle = middle_chapter(config)
    append_paragraph(middle, EDITS[0])
    results["bb-inc-epub-html"] = bookbuild(target, "epub,html")
    append_paragraph(middle, EDITS[1])
    results["bb-inc-all"] = bookbuild(target, "epub,html,pdf")
    return results, pages


# -- one book ----------------------------------------------------------------------------------

@dataclass
class BookRuns:
    """Every run of one book: results by measured thing, page counts, the edited chapter."""

    name: str
    runs: dict[str, list[Result]] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    edited: str = ""
    peer_pdf_skipped: bool = False

    def add(self, results: dict[str, Result]) -> None:
        for key, result in results.items():
            self.runs.setdefault(key, []).append(result)

    def median(self, key: str) -> Result | None:
        results = self.runs.get(key)
        if not results:
            return None
        return Result(statistics.median(r.seconds for r in results),
                      statistics.median(r.peak_mb for r in results))


def bench_once(source: Path, record: BookRuns, peer: bool, peer_pdf: bool) -> None:
    with tempfile.TemporaryDirectory(prefix=f"bench-{source.name}-") as temp:
        manuscript = copy_book(source, Path(temp) / "manuscript")
        config, _ = load_config(manuscript)
        target = Target(manuscript, Path(temp) / "out", Path(temp) / "cache")
        results, pages = run_bookbuild(config, target)
        record.add(results)
        record.pages["bookbuild"] = pages
        record.edited = middle_chapter(config).name
        if peer:
            peer_results = run_peer(config, Path(temp) / "peer", pages, peer_pdf)
            record.add(peer_results)
            if peer_pdf:
                record.pages["peer"] = pdf_pages(Path(temp) / "peer" / "book.pdf")


def bench_book(source: Path, repeat: int, peer: bool, gibbon_peer_pdf: bool) -> BookRuns:
    record = BookRuns(source.name)
    peer_pdf = gibbon_peer_pdf or source.name != SLOW_PEER_PDF
    record.peer_pdf_skipped = peer and not peer_pdf
    for number in range(1, repeat + 1):
        print(f"{source.name}: run {number} of {repeat}", file=sys.stderr, flush=True)
        bench_once(source, record, peer, peer_pdf)
    return record


# -- the table ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    side: str
    what: str
    key: str
    peer_key: str | None = None
    pages: str | None = None           # "bookbuild" or "peer": show that side's PDF page count
    note: Callable[[BookRuns], str] | None = None


def percent_of(key: str, *bases: tuple[str, str]) -> Callable[[BookRuns], str]:
    def note(record: BookRuns) -> str:
        result = record.median(key)
        parts = []
        for base_key, label in bases:
            base = record.median(base_key)
            if result and base:
                parts.append(f"{100 * result.seconds / base.seconds:.0f} % of {label}")
        return "; ".join(parts)
    return note


def peer_pdf_note(record: BookRuns) -> str:
    return "skipped: very long (`--gibbon-peer-pdf` runs it)" if record.peer_pdf_skipped else ""


def peer_total_note(record: BookRuns) -> str:
    return "EPUB + HTML only, no PDF" if record.peer_pdf_skipped else "sum of the three; peak of any"


ROWS = (
    Row("peer", "pandoc → EPUB", "peer-epub"),
    Row("peer", "pandoc → HTML", "peer-html"),
    Row("peer", "WeasyPrint → PDF", "peer-pdf", pages="peer", note=peer_pdf_note),
    Row("peer", "total", "peer-total", note=peer_total_note),
    Row("bookbuild", "EPUB, cold", "bb-epub", "peer-epub"),
    Row("bookbuild", "HTML, cold", "bb-html", "peer-html"),
    Row("bookbuild", "PDF, cold", "bb-pdf", "peer-pdf", pages="bookbuild"),
    Row("bookbuild", "EPUB + HTML, cold", "bb-epub-html"),
    Row("bookbuild", "all three, cold", "bb-all", "peer-total"),
    Row("bookbuild", "EPUB + HTML, after an edit", "bb-inc-epub-html",
        note=percent_of("bb-inc-epub-html", ("bb-all", "all three cold"),
                        ("bb-epub-html", "EPUB + HTML cold"))),
    Row("bookbuild", "all three, after an edit", "bb-inc-all",
        note=percent_of("bb-inc-all", ("bb-all", "all three cold"))),
)

HEADER = ("| book | side | build | seconds | peak MB | time × peer | memory × peer | PDF pages | note |\n"
          "|---|---|---|---:|---:|---:|---:|---:|---|")


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base else ""


def table_row(record: BookRuns, row: Row, first: bool) -> str | None:
    result = record.median(row.key)
    note = row.note(record) if row.note else ""
    if result is None and not note:
        return None
    peer = record.median(row.peer_key) if row.peer_key else None
    if row.peer_key == "peer-total" and record.peer_pdf_skipped:
        peer = None             # the peer total lacks its PDF: no counterpart
    cells = [
        record.name if first else "", row.side, row.what,
        f"{result.seconds:.2f}" if result else "—",
        f"{result.peak_mb:,.0f}" if result else "—",
        ratio(result.seconds, peer.seconds) if result and peer else "",
        ratio(result.peak_mb, peer.peak_mb) if result and peer else "",
        str(record.pages.get(row.pages, "")) if row.pages and result else "",
        note,
    ]
    return "| " + " | ".join(cells) + " |"


def book_table(record: BookRuns) -> list[str]:
    lines: list[str] = []
    for row in ROWS:
        line = table_row(record, row, first=not lines)
        if line:
            lines.append(line)
    return lines


def summary(record: BookRuns) -> str:
    pages = ", ".join(f"{side} {count}" for side, count in record.pages.items())
    return f"- {record.name}: PDF pages {pages}; the edits go to `{record.edited}`."


def report(records: Sequence[BookRuns], repeat: int) -> str:
    runs = "one run" if repeat == 1 else f"the median of {repeat} runs"
    lines = [
        f"pandoc {pypandoc.get_pandoc_version()}, WeasyPrint {weasyprint.__version__}, "
        f"{os.cpu_count()} CPUs; wall-clock seconds and peak Pss of the whole process tree, {runs}.",
        "",
        HEADER,
    ]
    for record in records:
        lines.extend(book_table(record))
    lines.append("")
    lines.extend(summary(record) for record in records)
    return "\n".join(lines) + "\n"


def messages(record: BookRuns) -> list[str]:
    """What the commands printed on stderr: each distinct line once, with the runs that printed it."""
    seen: dict[str, list[str]] = {}
    for key, results in record.runs.items():
        for result in results:
            for message in result.messages:
                seen.setdefault(message, []).append(key)
    return [f"  {record.name} [{', '.join(dict.fromkeys(keys))}] {message}" for message, keys in seen.items()]


def all_messages(records: Sequence[BookRuns]) -> str:
    lines = [line for record in records for line in messages(record)]
    return ("stderr of the commands:\n" + "\n".join(lines) + "\n") if lines else ""


# -- command line ------------------------------------------------------------------------------

def book_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in BOOKS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(BOOKS)}")
    return names


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError("give a whole number of at least 1")
    return int(value)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--books", type=book_list, default=list(DEFAULT_BOOKS),
                        help="comma-separated corpus books (default: " + ",".join(DEFAULT_BOOKS) + ")")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus folder")
    parser.add_argument("--skip-peer", action="store_true", help="measure bookbuild only")
    parser.add_argument("--gibbon-peer-pdf", action="store_true",
                        help="run the peer WeasyPrint PDF for Gibbon too (very long)")
    parser.add_argument("--repeat", type=positive, default=1, help="runs per book; medians are shown")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    missing = [name for name in args.books if not (args.corpus / name / "book.yaml").is_file()]
    if missing:
        sys.exit(f"bench_build: no book.yaml for {', '.join(missing)} in {args.corpus}")
    records = [bench_book(args.corpus / name, args.repeat, not args.skip_peer, args.gibbon_peer_pdf)
               for name in args.books]
    text = report(records, args.repeat)
    print(text)
    print(all_messages(records), file=sys.stderr)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
