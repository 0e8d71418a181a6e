"""`bookbuild new DIR`: a new book that builds and checks clean as made, and the hook that checks
a book before each commit.

The book is scaffolded by the real command line (`bookbuild.cli.main(["new", ...])`, which
`src/bookbuild/scaffold/command.py` registers in `cli.py`), then checked and built in a
subprocess as a user would; its EPUB is read back for each thing the sample chapters show.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

import bookbuild.scaffold as scaffold_module
from bookbuild.cli import main
from bookbuild.config import load_config
from bookbuild.config.schema import CHECK_SETTINGS, KEYS
from bookbuild.scaffold import TEMPLATE, fill_config, title_from_folder
from conftest import EPOCH, ROOT, bookbuild
from readers import XHTML, epub_documents, epub_notes, squeeze

SUMMARY_CLEAN = "0 errors, 0 warnings in 2 chapters (3 notes, 2 citations)"
FILES = {".github/workflows/book.yml", ".gitignore", "Makefile", "manuscript/book.yaml",
         "manuscript/01-writing-a-chapter.md", "manuscript/02-figures-and-links.md",
         "manuscript/references.bib", "manuscript/images/editions.png"}


def new(*args: str | Path) -> int:
    return main(["new", *map(str, args)])


def made(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book made with every option, its EPUB and web edition built into dist/."""
    root = tmp_path_factory.mktemp("new") / "lighthouse-keeping"
    assert new(root, "--title", "Notes: on \"Keeping\" # 2", "--author", "Ann O'Neill",
               "--lang", "en-GB") == 0
    result = bookbuild("build", "--manuscript", root / "manuscript", "--out", root / "dist",
                       "--format", "epub,html")
    assert result.code == 0, result.stdout + result.stderr
    return root


def test_the_book_has_every_file_and_its_values(book: Path) -> None:
    assert made(book) - {p for p in made(book) if p.startswith("dist/")} == FILES
    config, findings = load_config(book / "manuscript")
    assert not findings
    assert config.title == "Notes: on \"Keeping\" # 2"      # quoted as YAML needs it
    assert config.authors == ("Ann O'Neill",)
    assert (config.lang, config.slug) == ("en-GB", "notes-on-keeping-2")
    text = (book / "manuscript" / "book.yaml").read_text(encoding="utf-8")
    assert re.search(r"^author: Ann O'Neill +# the author", text, re.M)     # uncommented
    assert re.search(r"^# subtitle: ", text, re.M)                          # the rest as it was
    assert not list(book.parent.glob(".*new-*"))                            # no temporary folder


def test_the_book_checks_clean(book: Path) -> None:
    result = bookbuild("check", "--manuscript", book / "manuscript")
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == SUMMARY_CLEAN


def test_the_check_as_the_workflow_runs_it_annotates_nothing(book: Path) -> None:
    result = bookbuild("check", "--manuscript", "manuscript", "--format", "github", cwd=book)
    assert (result.code, result.stdout.strip()) == (0, ""), result.stdout + result.stderr


@pytest.mark.parametrize("lang", ["en-US", "fr", "de"])
def test_the_sample_is_clean_in_other_languages(tmp_path: Path, lang: str) -> None:
    # The sample avoids the marks whose spacing differs by language (French spaces ; : ? !).
    assert new(tmp_path / "b", "--lang", lang) == 0
    result = bookbuild("check", "--manuscript", tmp_path / "b" / "manuscript")
    assert result.stdout.strip().splitlines()[-1] == SUMMARY_CLEAN, result.stdout


def test_the_epub_shows_the_note_citation_figure_and_cross_reference(book: Path) -> None:
    epub = book / "dist" / "notes-on-keeping-2.epub"
    documents = epub_documents(epub)
    first, second = documents["EPUB/01-writing-a-chapter.xhtml"], documents["EPUB/02-figures-and-links.xhtml"]
    # The footnote and the two citations, as notes 1 to 3 in reading order.
    notes = epub_notes(epub)
    assert [n.number for n in notes] == [1, 2, 3]
    assert notes[0].text.startswith("Jane Austen, Pride and Prejudice (London: T. Egerton, 1813), 1.")
    assert notes[1].text.startswith("The text of a note is written anywhere in the same file")
    assert notes[2].text.startswith("The Chicago Manual of Style, 17th edn (")      # en-GB: edn
    calls = first.xpath("//x:a[@role='doc-noteref']/@href", namespaces={"x": XHTML[1:-1]})
    assert calls == ["notes.xhtml#note-1", "notes.xhtml#note-2", "notes.xhtml#note-3"]
    # The citation's entry in the bibliography.
    bibliography = squeeze("".join(documents["EPUB/bibliography.xhtml"].itertext()))
    assert "Austen, Jane. Pride and Prejudice. London: T. Egerton, 1813." in bibliography
    assert ("The Chicago Manual of Style. 17th edn. Chicago: University of Chicago Press, 2017."
            in bibliography)
    # The figure: its image in the EPUB, described, and captioned.
    (figure,) = second.iter(f"{XHTML}figure")
    (image,) = figure.iter(f"{XHTML}img")
    assert image.get("alt", "").startswith("A diagram of one manuscript")
    assert figure.get("id") == "fig-editions"
    caption = squeeze("".join(next(figure.iter(f"{XHTML}figcaption")).itertext()))
    assert caption == "Figure 1. " + image.get("alt", "")        # numbered: its id is fig-
    assert 'class="crossref" href="02-figures-and-links.xhtml#fig-editions">Figure 1</a>' in \
        etree.tostring(second, encoding="unicode")
    with zipfile.ZipFile(epub) as archive:
        assert archive.read(f"EPUB/{image.get('src')}")[:8] == b"\x89PNG\r\n\x1a\n"
    # The block quote and the emphasis.
    quote = squeeze("".join(next(first.iter(f"{XHTML}blockquote")).itertext()))
    assert quote.startswith("It is a truth universally acknowledged")
    assert [e.text for e in first.iter(f"{XHTML}em")] == ["italics"]
    # The cross-references: each link leads to an id of the document it names.
    links = {a.text: a.get("href") for doc in (first, second) for a in doc.iter(f"{XHTML}a")
             if a.get("role") != "doc-noteref"}
    assert links["the section on notes"] == "01-writing-a-chapter.xhtml#sec-notes"
    assert links["the next chapter"] == "02-figures-and-links.xhtml#sec-figures"
    assert links["the figure above"] == "02-figures-and-links.xhtml#fig-editions"
    for href in links.values():
        name, fragment = href.split("#")
        assert documents[f"EPUB/{name}"].xpath("//*[@id=$id]", id=fragment), href


def test_the_print_edition_builds_and_every_edition_verifies(book: Path) -> None:
    result = bookbuild("build", "--manuscript", book / "manuscript", "--out", book / "dist",
                       "--format", "pdf")
    assert result.code == 0, result.stdout + result.stderr
    assert (book / "dist" / "notes-on-keeping-2.pdf").is_file()
    result = bookbuild("verify", "--manuscript", book / "manuscript", "--out", book / "dist")
    assert result.code == 0, result.stdout + result.stderr


def test_make_check_runs_bookbuild(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    assert new(tmp_path / "b") == 0
    script = Path(sys.executable).with_name("bookbuild")       # the venv's console script
    # As an author runs it: not as a sub-make of `make test` (which would print "make[1]: …").
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    done = subprocess.run(["make", "check", f"BOOKBUILD={script}"], cwd=tmp_path / "b",
                          capture_output=True, text=True, timeout=300,
                          env={**environment, "SOURCE_DATE_EPOCH": EPOCH})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{script} check --manuscript manuscript" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == SUMMARY_CLEAN
    phony = re.search(r"^\.PHONY:(.*)$", (tmp_path / "b" / "Makefile").read_text(), re.M)
    assert phony and {"all", "epub", "pdf", "html", "check", "verify", "clean"} <= set(phony[1].split())


def test_defaults_come_from_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(tmp_path / "my-first_book") == 0
    config, _ = load_config(tmp_path / "my-first_book" / "manuscript")
    assert (config.title, config.slug, config.lang, config.authors) == (
        "My First Book", "my-first-book", "en", ())
    out = capsys.readouterr().out
    assert "made the book \"My First Book\"" in out and "make check" in out
    assert title_from_folder("war_and.peace") == "War And Peace"


def test_an_empty_folder_is_kept_and_filled_and_a_missing_parent_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "the-empty-one"
    empty.mkdir()
    inode = empty.stat().st_ino
    monkeypatch.chdir(empty)                # `mkdir b && cd b && bookbuild new .`
    assert new(".") == 0
    assert made(empty) == FILES
    assert empty.stat().st_ino == inode     # the same folder: a shell in it is still in the book
    assert load_config(empty / "manuscript")[0].title == "The Empty One"
    assert new(tmp_path / "a" / "b" / "c") == 0
    assert made(tmp_path / "a" / "b" / "c") == FILES


@pytest.mark.parametrize("occupant", ["notes.txt", ".git"])
def test_a_folder_with_anything_in_it_is_refused(tmp_path: Path, occupant: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "book"
    target.mkdir()
    (target / occupant).write_text("mine\n")
    assert new(target, "--title", "T") == 2
    err = capsys.readouterr().err
    assert f"{target} is not empty" in err and "nothing was written" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in target.iterdir()) == [occupant]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book"]      # no temporary folder left


def test_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "book").write_text("a file\n")
    assert new(tmp_path / "book") == 2
    assert "exists and is not a folder" in capsys.readouterr().err
    assert (tmp_path / "book").read_text() == "a file\n"


@pytest.mark.parametrize("exists", [False, True])
def test_a_failure_half_way_leaves_nothing(tmp_path: Path, exists: bool,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(root: Path) -> None:
        raise OSError(28, "No space left on device", str(root / "book.yaml"))

    monkeypatch.setattr(scaffold_module, "load_config", disk_full)
    target = tmp_path / "book"
    if exists:
        target.mkdir()
    assert new(target) == 2                 # the command line's answer to a disk that is full
    assert sorted(p.name for p in tmp_path.iterdir()) == (["book"] if exists else [])
    assert not exists or not any(target.iterdir())


@pytest.mark.parametrize("option", [["--lang", "english"], ["--title", ""], ["--author", "a\nb"]])
def test_a_value_book_yaml_refuses_is_a_usage_error(tmp_path: Path, option: list[str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        new(tmp_path / "book", *option)
    assert stopped.value.code == 2
    assert f"argument {option[0]}" in capsys.readouterr().err
    assert not (tmp_path / "book").exists()


def test_fill_config_keeps_comments_and_quotes_what_yaml_needs() -> None:
    source = "title: A New Book      # the title\n# author: Your Name    # the author\nlang: en\n"
    filled = fill_config(source, title="yes", author="A very long name indeed, longer than the column",
                         lang=None)
    assert filled.splitlines() == [
        "title: 'yes'           # the title",
        "author: A very long name indeed, longer than the column   # the author",
        "lang: en"]
    assert yaml.safe_load(filled) == {"title": "yes", "author": "A very long name indeed, longer "
                                      "than the column", "lang": "en"}


def test_the_template_is_itself_a_clean_book() -> None:
    result = bookbuild("check", "--manuscript", TEMPLATE / "manuscript")
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == SUMMARY_CLEAN


def test_book_yaml_shows_every_key() -> None:
    text = (TEMPLATE / "manuscript" / "book.yaml").read_text(encoding="utf-8")
    shown = set(re.findall(r"^#? *([a-z][a-z-]*):", text, re.M))
    keys = {key.name for key in KEYS}
    keys |= {sub.name for key in KEYS if key.name != "checks" for sub in key.sub_keys()}
    keys |= {key.name for key in CHECK_SETTINGS}
    assert keys - shown == set(), "document these keys in the template's book.yaml"


def test_every_example_in_book_yaml_validates(tmp_path: Path) -> None:
    """Uncommented, every example value is one book.yaml accepts (given the files it names)."""
    from PIL import Image

    book = tmp_path / "m"
    shutil.copytree(TEMPLATE / "manuscript", book)
    example = re.compile(r"# (?=[a-z][a-z-]*:(?: |$)| +[a-z][a-z-]*:(?: |$)| +- )")
    lines = (book / "book.yaml").read_text(encoding="utf-8").splitlines()
    uncommented = [example.sub("", line, count=1) for line in lines]
    assert sum(a != b for a, b in zip(lines, uncommented, strict=True)) > 30
    (book / "book.yaml").write_text("\n".join(uncommented) + "\n", encoding="utf-8")
    Image.new("RGB", (160, 256), "white").save(book / "cover.jpg")
    (book / "fonts").mkdir()
    shutil.copy(ROOT / "styles" / "fonts" / "GentiumBookPlus-Regular.ttf",
                book / "fonts" / "NotoSerifHebrew-Regular.ttf")
    shutil.copy(ROOT / "styles" / "csl" / "chicago-notes-bibliography-classic.csl", book / "my-style.csl")
    config, findings = load_config(book)
    assert findings == []
    assert config.authors == ("Your Name",) and config.trim == ("5.5in", "8.5in")
    assert config.check_levels == {"doubled-word": "error", "spacing": "off"}


def test_the_workflow_checks_builds_and_keeps_the_editions() -> None:
    workflow = yaml.safe_load((TEMPLATE / ".github" / "workflows" / "book.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))         # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    steps = workflow["jobs"]["book"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    uses = [step.get("uses", "") for step in steps]
    assert "bookbuild check --manuscript manuscript --format github" in runs
    assert "bookbuild build --manuscript manuscript --out dist" in runs
    assert 'pip install "bookbuild @ git+https://github.com/OWNER/bookbuild"' in runs
    assert any(u.startswith("actions/setup-python@") for u in uses)
    (upload,) = [step for step in steps if step.get("uses") == "actions/upload-artifact@v4"]
    assert upload["with"]["path"] == "dist/"
    assert runs.index("bookbuild check") < runs.index("bookbuild build")


def test_gitignore_leaves_out_the_editions() -> None:
    lines = (TEMPLATE / ".gitignore").read_text().splitlines()
    assert "/dist/" in lines


def test_pre_commit_hook_runs_the_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    (hook,) = [hook for hook in hooks if hook["id"] == "bookbuild-check"]
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert all(isinstance(hook[key], str) and hook[key] for key in ("id", "name", "entry", "language"))
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == ("bookbuild check", "python", False)
    files = re.compile(hook["files"])
    for path in ("manuscript/book.yaml", "manuscript/01-a.md", "manuscript/references.bib",
                 "manuscript/images/editions.png"):
        assert files.search(path), path
    for path in ("src/bookbuild/cli.py", "notes.txt"):
        assert not files.search(path), path
    assert "args: [--manuscript, " in (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
