"""The checks: one folder per finding code under tests/checks/, each with an `in/` manuscript
and the findings `bookbuild check` must print in `golden/findings.txt`.

Set UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change, then read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bookbuild.checks.codes import CODES
from bookbuild.checks.copyedit import CODES as COPYEDIT_CODES
from bookbuild.cli import main
from conftest import FIXTURES, bookbuild

CASES = sorted(path for path in (Path(__file__).parent / "checks").iterdir() if path.is_dir())
# Codes reported before the checks run, and tested in test_cli.py.
READING_CODES = {"config-unknown-key", "config-invalid", "config-missing", "config-syntax",
                 "missing-file", "encoding", "paragraph-too-long", "nesting-too-deep",
                 "control-character"}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_findings_match_the_golden_file(case: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    before = {p: p.read_bytes() for p in (case / "in").rglob("*") if p.is_file()}
    monkeypatch.chdir(case / "in")      # files are printed as seen from here: `01-one.md:3`
    status = main(["check", "--manuscript", "."])
    printed = capsys.readouterr().out
    golden = case / "golden" / "findings.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(printed, encoding="utf-8")
    assert printed == golden.read_text(encoding="utf-8")
    assert status == (1 if " error " in printed else 0)
    if not case.name.endswith("-none"):
        code = next(c.code for c in CODES if case.name.startswith(c.code))
        assert f" {code}: " in printed
    assert {p: p.read_bytes() for p in (case / "in").rglob("*") if p.is_file()} == before


def test_every_code_has_a_case() -> None:
    reported = "".join((case / "golden" / "findings.txt").read_text(encoding="utf-8") for case in CASES)
    missing = [c.code for c in CODES if c.code not in READING_CODES and f" {c.code}: " not in reported]
    assert missing == []


def test_the_uncorrected_seed_has_exactly_its_two_stray_copies() -> None:
    result = bookbuild("check", "--manuscript", FIXTURES / "seed-uncorrected", "--format", "json")
    assert result.code == 1
    report = json.loads(result.stdout)
    # Its warnings are the copy-editor's (the seed also quotes without sources); the errors are
    # the two copies.
    assert report["summary"]["errors"] == 2
    assert {f["code"] for f in report["findings"] if f["severity"] == "warning"} <= set(COPYEDIT_CODES)
    pairs = [(f["code"], f["file"], f["line"], f["end_line"],
              [(r["file"], r["line"], r["end_line"]) for r in f["related"]])
             for f in report["findings"] if f["severity"] == "error"]
    chapter = "01-revolution-destroyed.md"
    assert pairs == [
        # the stray copy of the Kollontai paragraph's sentences, before the original
        ("duplicate-passage", chapter, 15, 17, [(chapter, 33, 35)]),
        # the stray copy of the Serge/Trotsky passage, after the original
        ("duplicate-passage", chapter, 50, 52, [(chapter, 45, 47)]),
    ]
    lines = (FIXTURES / "seed-uncorrected" / chapter).read_text(encoding="utf-8").split("\n")
    assert lines[14].startswith("Suspended in a social void") and "[@" not in " ".join(lines[14:17])
    assert lines[49].startswith("Stalin’s consolidation") and "[@" not in " ".join(lines[49:52])


def test_build_refuses_while_errors_remain(tmp_path: Path) -> None:
    result = bookbuild("build", "--manuscript", FIXTURES / "seed-uncorrected", "--out", tmp_path / "out")
    assert result.code == 1
    assert "no edition was written" in result.stderr and "bookbuild check" in result.stderr
    assert "--draft" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_draft_is_written_anyway(tmp_path: Path) -> None:
    result = bookbuild("build", "--draft", "--format", "html", "--manuscript",
                       FIXTURES / "seed-uncorrected", "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    assert "draft written despite 2 errors" in result.stderr
    assert (tmp_path / "out" / "html" / "index.html").is_file()


def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    manuscript = FIXTURES / "seed-uncorrected"
    assert main(["check", "--manuscript", str(manuscript), "--format", "github"]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::error")]
    assert len(lines) == 2
    assert lines[0].startswith(f"::error file={manuscript.as_posix()}/01-revolution-destroyed.md,"
                               "line=15,endLine=17,title=duplicate-passage::these ")


WORDS = ("bread ration soviet factory committee strike union decree grain railway army "
         "peasant commissar congress delegate printer baker miner sailor soldier clerk "
         "teacher doctor engineer weaver tanner smith carter boatman porter").split()


def _passage(length: int, offset: int = 0) -> list[str]:
    """Distinct words, so that nothing but the passage itself is shared."""
    return [f"{WORDS[(offset + k) % len(WORDS)]}{(offset + k) // len(WORDS)}" for k in range(length)]


def _duplicates(tmp_path: Path, first: list[str], second: list[str], config: str = "") -> list[dict]:
    from test_cli import write_book

    text = (f"# One\n\nOpening {' '.join(_passage(30, 500))} {' '.join(first)} end.\n\n"
            f"Between {' '.join(_passage(40, 700))}.\n\n"
            f"Later {' '.join(_passage(30, 900))} {' '.join(second)} close.\n")
    book = write_book(tmp_path / "m", "title: T\n" + config, {"01.md": text})
    result = bookbuild("check", "--manuscript", book, "--format", "json")
    return [f for f in json.loads(result.stdout)["findings"] if f["code"] == "duplicate-passage"]


@pytest.mark.parametrize("length, reported", [(24, False), (25, True), (60, True)])
def test_passages_of_25_words_or_more_are_reported(tmp_path: Path, length: int, reported: bool) -> None:
    passage = _passage(length)
    assert bool(_duplicates(tmp_path, passage, passage)) is reported


def test_the_threshold_is_configurable(tmp_path: Path) -> None:
    passage = _passage(20)
    assert _duplicates(tmp_path, passage, passage) == []
    config = "checks:\n  duplicate-min-words: 20\n"
    assert len(_duplicates(tmp_path / "again", passage, passage, config)) == 1


def test_one_word_in_ten_changed_is_still_a_copy(tmp_path: Path) -> None:
    original = _passage(80)
    copy = [f"changed{k}" if k % 10 == 4 else word for k, word in enumerate(original)]
    (found,) = _duplicates(tmp_path, original, copy)
    assert "changed4" in found["message"]


def test_a_sentence_dropped_from_the_middle_is_still_one_copy(tmp_path: Path) -> None:
    original = _passage(90)
    copy = original[:35] + original[70:]          # 35 words dropped from the middle
    (found,) = _duplicates(tmp_path, original, copy)
    assert f"these {len(copy)} words" in found["message"]


def test_pandocs_own_warnings_are_ours_at_file_and_line(tmp_path: Path) -> None:
    """pandoc warns of an unclosed div, a link defined twice, a citation not found, but only
    while it reads a chapter it has not cached, and with its own places: the checks report
    them, every time, and pandoc's messages are not printed besides."""
    manuscript = Path(__file__).parent / "checks" / "unclosed-div" / "in"
    result = bookbuild("check", "--manuscript", manuscript,
                       env={"BOOKBUILD_CACHE": str(tmp_path / "cache")})
    assert result.code == 1 and "01-chapter.md:7: warning unclosed-div" in result.stdout
    assert "[WARNING]" not in result.stderr and "pypandoc" not in result.stderr, result.stderr
    shown = bookbuild("check", "--debug", "--manuscript", manuscript,
                      env={"BOOKBUILD_CACHE": str(tmp_path / "cold")})
    assert "unclosed" in shown.stderr          # --debug shows what pandoc said
