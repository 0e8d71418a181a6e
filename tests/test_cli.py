"""The command-line contract: exit status, messages at file:line, no tracebacks, no half output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import MANUSCRIPT, ROOT, bookbuild


def write_book(root: Path, config: str, chapters: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "book.yaml").write_text(config, encoding="utf-8")
    for name, content in chapters.items():
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def assert_clean_failure(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert "internal error" not in stderr


def test_check_on_the_essay_is_clean() -> None:
    result = bookbuild("check", "--manuscript", MANUSCRIPT)
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("0 errors, 0 warnings in 1 chapter (19 notes, 20 citations)")


def test_check_json_reports_summary_and_findings(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: T\n", {"01.md": "Text without a heading.\n"})
    result = bookbuild("check", "--manuscript", book, "--format", "json")
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["summary"]["errors"] == 1
    finding = report["findings"][0]
    assert finding["code"] == "missing-heading"
    assert (finding["file"], finding["line"], finding["severity"]) == ("01.md", 1, "error")
    assert "# Title" in finding["message"]


def test_missing_manuscript_is_unusable_input(tmp_path: Path) -> None:
    result = bookbuild("build", "--manuscript", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert result.code == 2
    assert "does not exist" in result.stderr and "--manuscript" in result.stderr
    assert not (tmp_path / "out").exists()
    assert_clean_failure(result.stderr)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: A\nauthor: [unclosed\nlang: en\n", {"01.md": "# A\n"})
    result = bookbuild("check", "--manuscript", book)
    assert result.code == 2
    # check prints every finding on stdout, those that stop the reading included; the YAML
    # error is placed where the unclosed bracket opens, not where YAML gave up.
    assert f"{book}/book.yaml:2: error config-syntax" in result.stdout
    assert "not valid YAML" in result.stdout and "on line 3" in result.stdout
    assert "nothing was written" not in result.stdout + result.stderr
    assert_clean_failure(result.stderr)


def test_every_config_problem_is_listed_at_once_with_its_line(tmp_path: Path) -> None:
    config = ("title: A Book\n"
              "autor: Someone\n"
              "lang: english\n"
              "isbn: 978-0-306-40615-6\n"
              "chapters:\n"
              "  - 01.md\n"
              "  - 02-missing.md\n"
              "notes:\n"
              "  numbering: sometimes\n")
    write_book(tmp_path / "m", config, {"01.md": "# One\n"})
    # Run from the folder above the manuscript: files are printed as seen from there.
    result = bookbuild("check", "--manuscript", "m", cwd=tmp_path)
    assert result.code == 2
    lines = result.stdout.splitlines()

    def reported(start: str, words: str) -> bool:
        return any(line.startswith(start) and words in line for line in lines)

    assert reported("m/book.yaml:2: error config-unknown-key", "did you mean 'author'")
    assert reported("m/book.yaml:3: error config-invalid", "language tag")
    assert reported("m/book.yaml:4: error config-invalid", "check digit")
    assert reported("m/book.yaml:7: error missing-file", "02-missing.md")
    assert reported("m/book.yaml:9: error config-invalid", "continuous, chapter")
    assert [line.split(":")[1] for line in lines[:-1]] == ["2", "3", "4", "7", "9"]  # in order
    assert_clean_failure(result.stderr)


def test_a_chapter_in_another_encoding_is_refused_with_a_fix(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: A\n",
                      {"01.md": "# One\n\nCaf\xe9 cr\xe8me\n".encode("cp1252")})
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert result.code == 2
    assert "01.md:3: error encoding" in result.stderr and "iconv -f WINDOWS-1252" in result.stderr
    assert not (tmp_path / "out").exists()
    assert_clean_failure(result.stderr)


def test_a_manuscript_without_chapters_is_refused(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: A\n", {})
    result = bookbuild("check", "--manuscript", book)
    assert result.code == 2
    assert "no-chapters" in result.stdout
    assert_clean_failure(result.stderr)


def test_unknown_edition_is_a_usage_error(tmp_path: Path) -> None:
    result = bookbuild("build", "--format", "epub,docx", "--out", tmp_path)
    assert result.code == 2
    assert "docx" in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("edition, output", [("epub", "a-book.epub"), ("html", "html/index.html")])
def test_format_option_writes_only_that_edition(tmp_path: Path, edition: str, output: str) -> None:
    book = write_book(tmp_path / "m", "title: A Book\n", {"01.md": "# One\n\nText[^1].\n\n[^1]: A note.\n"})
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out", "--format", edition)
    assert result.code == 0, result.stderr
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").iterdir())
    assert written == [output.split("/")[0]]
    assert (tmp_path / "out" / output).is_file()


def test_build_never_writes_into_the_manuscript(tmp_path: Path) -> None:
    book = write_book(tmp_path / "m", "title: A Book\n", {"01.md": "# One\n\nText.\n"})
    before = {p: p.read_bytes() for p in book.rglob("*")}
    result = bookbuild("build", "--manuscript", book, "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    assert {p: p.read_bytes() for p in book.rglob("*")} == before


def test_every_makefile_target_runs_the_command_it_names() -> None:
    targets = {"all": "bookbuild build", "epub": "--format epub", "pdf": "--format pdf",
               "html": "--format html", "proof": "--format proof", "check": "bookbuild check",
               "verify": "bookbuild verify", "preflight": "bookbuild preflight",
               "serve": "bookbuild serve",
               "test": "-m pytest", "bench": "bench/bench_incremental.py",
               "bench-build": "bench/bench_build.py", "lint": "ruff check"}
    for target, command in targets.items():
        # -o: take the virtualenv as up to date, so only the target's own recipe prints.
        done = subprocess.run(["make", "-n", "-o", ".venv/.installed", target], cwd=ROOT,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
        assert command in done.stdout, (target, done.stdout)


# -- every format carries every finding, and the messages say each thing once ----------------------

BAD_CONFIG = "title: A\ndate: 2017-13-45\npdf:\n  trim: 7x10\nisbn: [1, 2]\n"


def test_json_and_github_formats_carry_the_config_errors(tmp_path: Path) -> None:
    write_book(tmp_path / "m", BAD_CONFIG, {"01.md": "# One\n"})
    result = bookbuild("check", "--manuscript", "m", "--format", "json", cwd=tmp_path)
    assert result.code == 2
    report = json.loads(result.stdout)
    found = [(f["code"], f["file"], f["path"], f["line"]) for f in report["findings"]]
    assert found == [("config-invalid", "book.yaml", "m/book.yaml", 2),
                     ("config-invalid", "book.yaml", "m/book.yaml", 4),
                     ("config-invalid", "book.yaml", "m/book.yaml", 5)]
    assert report["summary"]["errors"] == 3 and report["summary"]["read"] is False
    github = bookbuild("check", "--manuscript", "m", "--format", "github", cwd=tmp_path)
    assert github.code == 2
    assert github.stdout.splitlines()[0].startswith(
        "::error file=m/book.yaml,line=2,endLine=2,title=config-invalid::")
    assert len(github.stdout.splitlines()) == 3
    for run in (result, github):
        assert "nothing was written" not in run.stdout + run.stderr
        assert_clean_failure(run.stderr)


def test_config_messages_say_each_thing_once(tmp_path: Path) -> None:
    write_book(tmp_path / "m", BAD_CONFIG, {"01.md": "# One\n"})
    lines = bookbuild("check", "--manuscript", "m", cwd=tmp_path).stdout.splitlines()
    date, trim, isbn = lines[:3]
    # An impossible date is a finding, not an internal error, and its form is given once.
    assert "“2017-13-45”, which is no calendar date" in date and date.count("YYYY-MM-DD") == 1
    # The trims are listed once, all of them (a4 and letter too).
    assert trim.count("5x8in") == 1 and "a4" in trim and "letter" in trim
    assert "an ISBN for every edition, or one per edition" not in isbn


def test_the_draft_hint_names_the_folders_given(tmp_path: Path) -> None:
    write_book(tmp_path / "my book", "title: A\n", {"01.md": "# One\n\nA [broken](#nowhere) link.\n"})
    result = bookbuild("build", "--manuscript", "my book", "--out", "o", cwd=tmp_path)
    assert result.code == 1
    assert "'bookbuild build --manuscript 'my book' --out o --draft'" in result.stderr
    assert "my book/01.md:3: error broken-link" in result.stderr


def test_progress_counts_chapters_in_words(tmp_path: Path) -> None:
    import io

    from bookbuild.pipeline import load
    from bookbuild.progress import Progress
    book = write_book(tmp_path / "m", "title: A\n", {"01.md": "# One\n"})
    stream = io.StringIO()
    load(book, Progress(stream=stream))
    assert "Parsing 1 chapter with pandoc" in stream.getvalue()


def test_an_unknown_delivery_profile_is_named_with_a_guess(tmp_path: Path) -> None:
    write_book(tmp_path / "m", "title: A\ndelivery: [kdp-prnt]\n", {"01.md": "# One\n"})
    result = bookbuild("check", "--manuscript", "m", cwd=tmp_path)
    assert result.code == 2
    assert "m/book.yaml:2: error config-invalid" in result.stdout
    assert "did you mean 'kdp-print'?" in result.stdout


def test_a_bare_bookbuild_lists_the_commands() -> None:
    result = bookbuild()
    assert result.code == 2
    assert all(command in result.stdout for command in ("build", "check", "verify", "serve"))
    assert "the following arguments are required" not in result.stderr
