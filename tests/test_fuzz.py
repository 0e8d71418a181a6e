"""Fuzzing: generated Markdown chapters and book.yaml metadata go through the checks and a draft
build. Whatever comes in, bookbuild answers with editions or with findings at a file and line:
never an exception, never a change to the manuscript.

The examples are derandomized so that CI sees the same ones every run; set
HYPOTHESIS_PROFILE=explore to search further on a workstation.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from bookbuild.diagnostics import BookError, Diagnostic
from bookbuild.pipeline import build
from bookbuild.progress import Progress
from conftest import EPOCH

# CI: the same examples every run, and a failure reported as found (shrinking it can take
# minutes; run the explore profile to get the smallest example).
settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True, database=None,
                          phases=[Phase.explicit, Phase.generate],
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("explore", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

WORDS = st.sampled_from([
    "revolution", "Soviet", "naïve", "Ὅμηρος", "مرحبا", "日本語", "emoji😀", "a\u200bb", "—", "…",
    "“quoted”", "*emph*", "**strong**", "`code`", "[^1]", "[^n]", "[@smith1983]", "[@missing, p. 3]",
    "<span>", "</div>", "<br>", "&amp;", "&#0;", "\\", "$x^2$", "[link](#nowhere)", "[x](#one)",
    "![img](missing.png)", "![](pic.png)", "<https://example.org>", "{#id}", "{.class}", "^sup^",
    "~sub~", "~~del~~", "[[wiki]]", "@", "#", "|", ":::", "\ufeff", "\t", "\u00ad", "\u202e",
])
# Control characters are refused before anything else runs (see the examples below): generated
# text leaves them out so that most manuscripts reach the writers.
PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))
TEXT = st.lists(WORDS | st.text(PRINTABLE, min_size=1, max_size=12), min_size=1, max_size=25).map(" ".join)
LINE = st.one_of(
    TEXT,
    st.builds(lambda level, text: "#" * level + " " + text, st.integers(1, 7), TEXT),
    st.builds(lambda depth, text: "  " * depth + "- " + text, st.integers(0, 6), TEXT),
    st.builds(lambda depth, text: "> " * depth + text, st.integers(1, 6), TEXT),
    st.builds(lambda n, text: f"[^{n}]: {text}", st.sampled_from(["1", "n", "x y"]), TEXT),
    st.builds(lambda text: f"| {text} | {text} |\n|---|---|\n| a | b |", TEXT),
    st.sampled_from(["```", "```python", "~~~", "::: {.note}", ":::", "---", "***", "",
                     "    indented code", "<!-- comment -->", "<div>", "</div>", "\\", "[^1]:"]),
)
CHAPTER = st.lists(LINE, min_size=0, max_size=30).map("\n\n".join)
VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
NAME = st.text(alphabet=st.characters(categories=["L", "Zs", "Nd", "Pd"]), min_size=1,
               max_size=30).filter(str.strip)
GOOD_METADATA = st.fixed_dictionaries(
    {"title": NAME},
    optional={
        "author": NAME,
        "lang": st.sampled_from(["en", "en-GB", "fr", "de-DE", "el"]),
        "notes": st.fixed_dictionaries({}, optional={
            "numbering": st.sampled_from(["continuous", "chapter"]), "ibid": st.booleans()}),
        "bibliography": st.just("refs.bib"),
        "accepted-duplicates": st.lists(NAME, max_size=2),
    })
ANY_METADATA = st.fixed_dictionaries(
    {"title": st.one_of(st.text(max_size=30), st.integers(), st.none())},  # controls included
    optional={
        "author": st.one_of(st.text(max_size=20), st.lists(st.text(max_size=10), max_size=3)),
        "lang": st.sampled_from(["en", "en-GB", "fr", "xx-invalid-", "", "de-DE"]),
        "notes": st.fixed_dictionaries({}, optional={
            "numbering": st.sampled_from(["continuous", "chapter", "sometimes"]),
            "placement": st.sampled_from(["book", "chapter", "margin"]),
            "ibid": st.booleans()}),
        "bibliography": st.sampled_from(["refs.bib", "missing.bib", "../x.bib"]),
        "chapters": st.lists(st.sampled_from(["01.md", "02.md", "none.md", "/etc/passwd"]), max_size=3),
        "slug": st.text(max_size=12),
        "accepted-duplicates": st.lists(st.text(max_size=20), max_size=2),
        "unknown": VALUE,
    })
BIBLIOGRAPHY = "@book{smith1983, author = {Smith, S. A.}, title = {Red Petrograd}, date = {1983}}\n"


def _write(root: Path, metadata: dict[str, object], chapters: list[str]) -> None:
    (root / "book.yaml").write_text(yaml.safe_dump(metadata, allow_unicode=True), encoding="utf-8")
    (root / "refs.bib").write_text(BIBLIOGRAPHY, encoding="utf-8")
    for index, text in enumerate(chapters, start=1):
        (root / f"{index:02}.md").write_text(text, encoding="utf-8", errors="surrogatepass")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()}


def _assert_placed(diagnostics: list[Diagnostic], root: Path) -> None:
    names = {p.name for p in root.iterdir()} | {"book.yaml"}
    for diagnostic in diagnostics:
        assert diagnostic.message.strip()
        assert diagnostic.place.file in names or diagnostic.place.file.endswith(".md"), diagnostic
        assert diagnostic.place.line is None or diagnostic.place.line >= 1, diagnostic


@settings(settings.get_profile(PROFILE))
@example(metadata={"title": "0"}, chapters=["[^1]:"])     # found by this test: a chapter of one note
@example(metadata={"title": "T"}, chapters=["# One\n\nA \x14 control character"])   # and this one
@example(metadata={"title": "T\x01"}, chapters=["# One"])
@example(metadata={"title": "T"}, chapters=[                  # and the duplicate check's range
    "[^1]: a b c d e f g h i j k l m n o p q r s t u v w x y z\n\n> > > `code`\n\n"
    "[^1]: α β γ δ ε ζ η θ ι κ λ μ ν ξ ο π ρ σ τ υ φ χ ψ ω\n\n```python"] * 2)
@given(metadata=st.one_of(GOOD_METADATA, GOOD_METADATA, GOOD_METADATA, ANY_METADATA),
       chapters=st.lists(CHAPTER, min_size=1, max_size=3) | st.lists(CHAPTER, max_size=1))
def test_generated_manuscripts_never_crash_check_or_build(metadata: dict[str, object],
                                                         chapters: list[str]) -> None:
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    with tempfile.TemporaryDirectory(prefix="bookbuild-fuzz-") as work:
        root = Path(work) / "m"
        root.mkdir()
        _write(root, metadata, chapters)
        before = _snapshot(root)
        try:
            result = build(root, Path(work) / "out", ["epub", "html"], Progress(quiet=True),
                           draft=True)
        except BookError as exc:
            event("refused: " + exc.diagnostics[0].code)
            assert exc.diagnostics
            _assert_placed(exc.diagnostics, root)
        else:
            event("built" if result.outputs else "refused by the checks")
            _assert_placed(result.findings, root)
            assert result.refused or result.outputs or result.rejected
        assert _snapshot(root) == before
