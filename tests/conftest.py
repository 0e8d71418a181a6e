"""Shared fixtures: the project's paths, a command runner, and one build of the essay."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MANUSCRIPT = ROOT / "manuscript"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The shared corpus sits beside the checkout; BOOKBUILD_SHARED points elsewhere.
SHARED = Path(os.environ.get("BOOKBUILD_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus"
EPOCH = "1700000000"
# The build cache of the test session is its own: tests never read or fill the user's.
os.environ.setdefault("BOOKBUILD_CACHE", tempfile.mkdtemp(prefix="bookbuild-test-cache-"))
# Findings name a font for a missing character; which fonts this machine has must not change them.
os.environ["BOOKBUILD_FONT_SEARCH"] = "off"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def bookbuild(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run the real command line in a subprocess, as a user would."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    done = subprocess.run([sys.executable, "-m", "bookbuild", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, env=environment, timeout=900)
    return Run(done.returncode, done.stdout, done.stderr)


def corpus_book(name: str) -> Path:
    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"the shared corpus is not here ({path}); CI provides it")
    return path


@pytest.fixture(scope="session")
def essay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The essay's three editions, built once for the whole session."""
    out = tmp_path_factory.mktemp("essay")
    result = bookbuild("build", "--manuscript", MANUSCRIPT, "--out", out)
    assert result.code == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def ten_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten Days' three editions, built once (a draft: the book repeats a passage)."""
    out = tmp_path_factory.mktemp("ten-days")
    result = bookbuild("build", "--draft", "--manuscript", corpus_book("reed-ten-days"), "--out", out)
    assert result.code == 0, result.stderr[-2000:]
    return out
