"""`bookbuild import FILE --to DIR`: Word, OpenDocument, web pages and plain text become a
manuscript folder that checks clean and builds, with a report of what needs a human.

The .docx files are made here with python-docx; what its API lacks (footnotes, endnotes, a
tracked change) is written as WordprocessingML into the package's parts. The ODT file is
written by pandoc from Markdown, the web page by hand.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pypandoc
import pytest

from conftest import EPOCH, ROOT, SHARED, bookbuild

docx = pytest.importorskip("docx", reason="python-docx makes the Word fixtures (pip install python-docx)")

from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.opc.packuri import PackURI  # noqa: E402
from docx.opc.part import Part  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls  # noqa: E402

from bookbuild.importer import ImportFailure, import_manuscript  # noqa: E402
from bookbuild.importer.clean import clean  # noqa: E402
from bookbuild.importer.document import Metadata  # noqa: E402
from bookbuild.importer.references import find_references  # noqa: E402
from bookbuild.importer.report import Collector  # noqa: E402
from bookbuild.importer.tree import header, para, words_to_inlines  # noqa: E402

ESSAY = SHARED / "seeds" / "000_1d8bb0a9820fb110.txt"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

@dataclass
class Done:
    code: int
    stdout: str
    stderr: str


def run_import(*args: str | Path) -> Done:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run([sys.executable, "-m", "bookbuild", "import", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=environment, timeout=300)
    return Done(done.returncode, done.stdout, done.stderr)


# -- the Word fixture ---------------------------------------------------------------------------

def png(width: int = 4, height: int = 3) -> bytes:
    raw = b"".join(b"\x00" + b"\xcc\x33\x33" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def add_notes_part(document: docx.document.Document, kind: str, notes: dict[int, str]) -> None:
    """footnotes.xml or endnotes.xml, related to the document part (python-docx has no API)."""
    tag = kind[:-1]
    separators = (f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
                  f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
                  f'<w:continuationSeparator/></w:r></w:p></w:{tag}>')
    body = "".join(f'<w:{tag} w:id="{number}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
                   f'</w:rPr><w:{tag}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r>'
                   f'</w:p></w:{tag}>' for number, text in notes.items())
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<w:{kind} {W}>{separators}{body}</w:{kind}>')
    content_type = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
    part = Part(PackURI(f"/word/{kind}.xml"), content_type, xml.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES if kind == "footnotes" else RT.ENDNOTES)


def note_call(paragraph: docx.text.paragraph.Paragraph, kind: str, number: int) -> None:
    tag = "footnoteReference" if kind == "footnotes" else "endnoteReference"
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/>'
                                  f'</w:rPr><w:{tag} w:id="{number}"/></w:r>'))


def tracked(paragraph: docx.text.paragraph.Paragraph, kind: str, text: str, number: int) -> None:
    tag, element = ("ins", "t") if kind == "ins" else ("del", "delText")
    paragraph._p.append(parse_xml(
        f'<w:{tag} {nsdecls("w")} w:id="{number}" w:author="Ann Editor" w:date="2024-03-01T10:00:00Z">'
        f'<w:r><w:{element} xml:space="preserve">{text}</w:{element}></w:r></w:{tag}>'))


def make_docx(path: Path) -> Path:
    """Headings (numbered by hand), notes of both kinds, italics, small capitals, a block
    quote, a typed reference, a tracked replacement, a comment, a table, an image with its
    description, a list numbered by hand, empty paragraphs and a tab indent."""
    document = docx.Document()
    document.core_properties.title = "The Factory Committees"
    document.core_properties.author = "Vera Petrovna"
    document.core_properties.language = "en-GB"
    document.add_paragraph("1. Introduction", style="Heading 1")
    opening = document.add_paragraph("The committees were ")
    opening.add_run("not").italic = True
    opening.add_run(" a passing thing, as the ")
    opening.add_run("ussr").font.small_caps = True
    opening.add_run(" later claimed.")
    note_call(opening, "footnotes", 1)
    document.add_paragraph("")
    document.add_paragraph("")
    document.add_paragraph("\tA paragraph indented with a tab cites the study "
                           "(S. A. Smith, Red Petrograd, p. 165) and the road (through the city).")
    document.add_paragraph("There is no doubt that the notion of workers' control was popular.",
                           style="Quote")
    changed = document.add_paragraph("The congress ")
    tracked(changed, "del", "quickly ", 91)
    tracked(changed, "ins", "slowly ", 92)
    commented = changed.add_run("voted to transform the committees.")
    document.add_comment(commented, text="Check this date against Brinton.", author="Bob Reviewer",
                         initials="BR")
    note_call(changed, "endnotes", 1)
    document.add_paragraph("   ")
    document.add_paragraph("2. The Second Part", style="Heading 1")
    document.add_paragraph("A subsection", style="Heading 2")
    table = document.add_table(rows=2, cols=2)
    for (row, column), text in {(0, 0): "Year", (0, 1): "Committees", (1, 0): "1917",
                                (1, 1): "Many"}.items():
        table.cell(row, column).text = text
    picture = path.with_suffix(".png")
    picture.write_bytes(png())
    document.add_picture(str(picture))
    document.paragraphs[-1]._p.xpath(".//wp:docPr")[0].set("descr", "A red square standing for a factory")
    document.add_paragraph("1. First typed item")
    document.add_paragraph("2. Second typed item")
    document.add_paragraph("The end of the chapter.")
    add_notes_part(document, "footnotes", {1: "Footnote text with its own words."})
    add_notes_part(document, "endnotes", {1: "An endnote, kept as a note."})
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def word(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Done, str]:
    """The Word fixture imported once through the command line: (document, folder, run, hash
    of the document before the import)."""
    folder = tmp_path_factory.mktemp("word")
    source = make_docx(folder / "factory committees.docx")
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    done = run_import(source, "--to", folder / "book")
    assert done.code == 0, done.stderr
    return source, folder / "book", done, before


def chapter(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


def line_of(folder: Path, name: str, words: str) -> int:
    lines = chapter(folder, name).split("\n")
    return next(number for number, line in enumerate(lines, 1) if words in line)


def report_lines(done: Done, code: str) -> list[str]:
    return [line.strip() for line in done.stdout.splitlines() if f": {code}: " in line]


# -- Word -----------------------------------------------------------------------------------------

def test_word_headings_split_into_chapters(word: tuple[Path, Path, Done, str]) -> None:
    _, book, _, _ = word
    assert sorted(p.name for p in book.glob("*.md")) == ["01-introduction.md", "02-the-second-part.md"]
    first, second = chapter(book, "01-introduction.md"), chapter(book, "02-the-second-part.md")
    assert first.startswith("# Introduction\n")            # "1. " typed by hand is gone
    assert second.startswith("# The Second Part\n")
    assert "\n## A subsection\n" in second
    assert "The Second Part" not in first and "committees were" not in second


def test_word_notes_become_footnotes_with_their_text(word: tuple[Path, Path, Done, str]) -> None:
    _, book, _, _ = word
    text = chapter(book, "01-introduction.md")
    assert "later claimed.[^1]" in text
    assert "\n[^1]: Footnote text with its own words.\n" in text
    assert "committees.[^2]" in text                         # the endnote, a footnote too
    assert "\n[^2]: An endnote, kept as a note.\n" in text


def test_word_table_survives(word: tuple[Path, Path, Done, str]) -> None:
    _, book, _, _ = word
    rows = [line for line in chapter(book, "02-the-second-part.md").split("\n") if line.startswith("|")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    assert cells[0] == ["Year", "Committees"] and cells[-1] == ["1917", "Many"]


def test_word_image_is_extracted_with_its_description(word: tuple[Path, Path, Done, str]) -> None:
    source, book, _, _ = word
    match = re.search(r"!\[([^\]]*)\]\((images/[^)]+)\)", chapter(book, "02-the-second-part.md"))
    assert match is not None
    assert match.group(1) == "A red square standing for a factory"
    assert (book / match.group(2)).read_bytes() == source.with_suffix(".png").read_bytes()
    assert match.group(2) == "images/a-red-square-standing-for.png"


def test_word_italics_small_caps_and_block_quote_are_kept(word: tuple[Path, Path, Done, str]) -> None:
    _, book, _, _ = word
    text = chapter(book, "01-introduction.md")
    assert "The committees were *not* a passing thing, as the [ussr]{.smallcaps} later claimed." in text
    assert "\n> There is no doubt that the notion of workers' control was popular.\n" in text


def test_word_manual_formatting_is_dropped(word: tuple[Path, Path, Done, str]) -> None:
    _, book, done, _ = word
    for name in ("01-introduction.md", "02-the-second-part.md"):
        text = chapter(book, name)
        assert "\t" not in text and "\n\n\n" not in text
        assert not re.search(r"^[ \t]+\S", text, re.M)         # no indent typed by hand
        assert not re.search(r"^#+ \d", text, re.M)          # no number typed before a heading
        assert "\\" not in text                             # no escaped "1\." nor a hard break
    assert "\nA paragraph indented with a tab cites" in chapter(book, "01-introduction.md")
    # The paragraphs numbered by hand are a list now.
    assert "\n1.  First typed item\n2.  Second typed item\n" in chapter(book, "02-the-second-part.md")
    assert "empty paragraph: 3" in done.stdout and "tab or space indent: 1" in done.stdout
    assert "number typed before a heading: 2" in done.stdout


def test_word_tracked_change_is_accepted_and_reported(word: tuple[Path, Path, Done, str]) -> None:
    _, book, done, _ = word
    text = chapter(book, "01-introduction.md")
    assert "The congress slowly voted to transform the committees." in text
    assert "quickly" not in text
    [item] = report_lines(done, "tracked-change")
    line = line_of(book, "01-introduction.md", "The congress slowly")
    assert item.startswith(f"{book}/01-introduction.md:{line}: tracked-change: replaced by Ann Editor "
                           "on 2024-03-01: “quickly” with “slowly”")


def test_word_comment_is_taken_out_and_reported(word: tuple[Path, Path, Done, str]) -> None:
    _, book, done, _ = word
    assert all("Brinton" not in p.read_text(encoding="utf-8") for p in book.glob("*.md"))
    [item] = report_lines(done, "comment")
    line = line_of(book, "01-introduction.md", "voted to transform the committees")
    assert item.startswith(f"{book}/01-introduction.md:{line}: comment: Bob Reviewer")
    assert "about “voted to transform the committees.”" in item
    assert "“Check this date against Brinton.”" in item


def test_word_typed_reference_is_reported_with_its_citation(word: tuple[Path, Path, Done, str]) -> None:
    _, book, done, _ = word
    [item] = report_lines(done, "typed-reference")           # "(through the city)" is not one
    line = line_of(book, "01-introduction.md", "(S. A. Smith, Red Petrograd, p. 165)")
    assert item.startswith(f"{book}/01-introduction.md:{line}: typed-reference: "
                           "“(S. A. Smith, Red Petrograd, p. 165)”")
    assert "cite it as [@smith, p. 165]" in item and "smith (Red Petrograd)" in item


def test_word_metadata_goes_to_book_yaml(word: tuple[Path, Path, Done, str]) -> None:
    _, book, _, _ = word
    config = (book / "book.yaml").read_text(encoding="utf-8")
    assert re.search(r"^title: The Factory Committees\b", config, re.M)
    assert re.search(r"^author: Vera Petrovna\b", config, re.M)
    assert re.search(r"^lang: en-GB\b", config, re.M)
    assert re.search(r"^bibliography: references.bib$", config, re.M)
    assert "@" not in (book / "references.bib").read_text(encoding="utf-8")
    assert (book / "import-report.txt").read_text(encoding="utf-8").startswith("Imported ")


def test_word_import_leaves_the_document_alone(word: tuple[Path, Path, Done, str]) -> None:
    source, _, _, before = word
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert not [p for p in source.parent.iterdir() if ".importing-" in p.name]


def test_word_import_checks_clean_and_builds(word: tuple[Path, Path, Done, str], tmp_path: Path) -> None:
    _, book, done, _ = word
    assert "bookbuild check on the new manuscript: 0 errors, 0 warnings." in done.stdout
    checked = bookbuild("check", "--manuscript", book)
    assert checked.code == 0, checked.stdout
    assert "0 errors, 0 warnings in 2 chapters (2 notes, 0 citations)" in checked.stdout
    built = bookbuild("build", "--manuscript", book, "--out", tmp_path, "--format", "epub,html")
    assert built.code == 0, built.stderr
    assert (tmp_path / "the-factory-committees.epub").is_file()
    assert (tmp_path / "html" / "index.html").is_file()


# -- OpenDocument and web pages ----------------------------------------------------------------

ODT_MARKDOWN = """---
title: Un livre ODT
author: Olga Écrivaine
lang: fr-FR
---

# Premier chapitre

Du texte *en italique* et [petites capitales]{.smallcaps}.[^1]

> Une citation en bloc.

![Un carré rouge](red.png)

# Second chapitre

Encore du texte, et une note.[^2]

[^1]: Une note de bas de page.

[^2]: Une autre note.
"""


def test_odt_imports_with_notes_small_caps_and_captions(tmp_path: Path) -> None:
    (tmp_path / "red.png").write_bytes(png())
    source = tmp_path / "livre.odt"
    pypandoc.convert_text(ODT_MARKDOWN, "odt", format="markdown", outputfile=str(source),
                          extra_args=["--resource-path", str(tmp_path)])
    report = import_manuscript(source, tmp_path / "book")
    book = tmp_path / "book"
    assert report.chapters == ["01-premier-chapitre.md", "02-second-chapitre.md"]
    first = chapter(book, "01-premier-chapitre.md")
    assert first.startswith("# Premier chapitre\n")
    assert "Du texte *en italique* et [petites capitales]{.smallcaps}.[^1]" in first
    assert "\n[^1]: Une note de bas de page.\n" in first
    assert "\n> Une citation en bloc.\n" in first
    assert "![Un carré rouge](images/un-carre-rouge.png)" in first     # the caption, as its alt
    assert (book / "images" / "un-carre-rouge.png").read_bytes() == png()
    assert "[^1]: Une autre note." in chapter(book, "02-second-chapitre.md")
    config = (book / "book.yaml").read_text(encoding="utf-8")
    assert "title: Un livre ODT" in config and "lang: fr-FR" in config
    assert "author: Olga Écrivaine" in config
    assert "Un livre ODT" not in first                      # the title page's lines went
    assert report.check_errors == 0 and report.check_warnings == 0, report.text()


WEB_PAGE = """<!DOCTYPE html>
<html lang="de-DE"><head><meta charset="utf-8"><title>Ein Web Essay | Mein Blog</title>
<meta name="author" content="Hans Autor"></head>
<body><nav><a href="/">Home</a> <a href="/about">Über uns</a></nav>
<article><h1>Ein Web Essay</h1>
<p>Erster Absatz mit <em>Kursiv</em> und <span style="font-variant: small-caps">Kapitälchen</span>.</p>
<blockquote><p>Ein Zitat im Block.</p></blockquote>
<p><img src="https://example.org/fern.png" alt="Ein fernes Bild"></p>
<p><img src="red.png" alt="Ein rotes Quadrat"></p>
<h2>Zweiter Teil</h2>
<p>Text mit einer Anmerkung.<sup><a href="#fn1" id="r1">1</a></sup> Und weiter.</p>
<p>Share this: <a href="https://twitter.com/share">Twitter</a> <a href="https://facebook.com/x">Facebook</a></p>
<ol class="notes"><li id="fn1">Die Fußnote selbst. <a href="#r1">↩</a></li></ol>
</article><footer><p>Recent Posts</p><p>Ein anderer Artikel</p><p>3 days ago</p></footer></body></html>
"""


def test_html_page_imports_without_the_site(tmp_path: Path) -> None:
    (tmp_path / "red.png").write_bytes(png())
    source = tmp_path / "essay.html"
    source.write_text(WEB_PAGE, encoding="utf-8")
    report = import_manuscript(source, tmp_path / "book")
    book = tmp_path / "book"
    [name] = report.chapters
    text = chapter(book, name)
    assert text.startswith("# Ein Web Essay\n") and "\n## Zweiter Teil\n" in text
    assert "Erster Absatz mit *Kursiv* und [Kapitälchen]{.smallcaps}." in text
    assert "\n> Ein Zitat im Block.\n" in text
    assert "Text mit einer Anmerkung.[^1]" in text and "\n[^1]: Die Fußnote selbst.\n" in text
    assert "![Ein rotes Quadrat](images/ein-rotes-quadrat.png)" in text
    for leftover in ("Home", "Share this", "Twitter", "Recent Posts", "3 days ago", "fern", "↩"):
        assert leftover not in text
    config = (book / "book.yaml").read_text(encoding="utf-8")
    assert "title: Ein Web Essay " in config and "Mein Blog" not in config
    assert "author: Hans Autor" in config and "lang: de-DE" in config
    codes = report.codes()
    assert codes.count("web-leftover") == 3                  # menu, share links, the footer
    [missing] = [i for i in report.items if i.code == "image-missing"]
    assert "https://example.org/fern.png" in missing.message and missing.file == name
    assert report.check_errors == 0 and report.check_warnings == 0, report.text()


# -- plain text ----------------------------------------------------------------------------------

def test_the_essay_as_delivered_imports_with_its_leftovers_reported(tmp_path: Path) -> None:
    if not ESSAY.is_file():
        pytest.skip(f"the essay as delivered is not here ({ESSAY}); it comes with ../shared")
    done = run_import(ESSAY, "--to", tmp_path / "essay")
    assert done.code == 0, done.stderr
    book = tmp_path / "essay"
    [name] = [p.name for p in book.glob("*.md")]
    text = chapter(book, name)
    assert name == "01-revolution-destroyed.md" and text.startswith("# Revolution Destroyed\n")
    assert [line for line in report_lines(done, "guessed-heading")
            if line.startswith(f"{book}/{name}:1: ")]
    for leftover in ("Recent Posts", "22 hours ago", "via commons", "via Commons", "Jairus Banaji"):
        assert leftover not in text
    leftovers = report_lines(done, "web-leftover")
    assert any("“Recent Posts” and everything after it" in line and "19 paragraphs" in line
               for line in leftovers)
    assert any("“via commons”" in line for line in leftovers)
    config = (book / "book.yaml").read_text(encoding="utf-8")
    assert "title: Revolution Destroyed" in config and "author: Jairus Banaji" in config
    citations = " ".join(report_lines(done, "typed-reference"))
    assert "[@smith, p. 165]" in citations and "[@brinton, p. 32]" in citations
    assert "[@porter, pp. 367ff.]" in citations
    assert "(the regime known as" not in citations          # prose in parentheses is not one
    # What the check finds is the text's own: passages the delivered essay gives twice.
    checked = bookbuild("check", "--manuscript", book, "--format", "json")
    errors = {f["code"] for f in __import__("json").loads(checked.stdout)["findings"]
              if f["severity"] == "error"}
    assert errors == {"duplicate-passage"}
    assert len(report_lines(done, "error duplicate-passage")) == 2


def test_plain_text_book_gets_chapters_from_short_lines(tmp_path: Path) -> None:
    prose = ("The river was high that spring and the mills stood idle for weeks, while the "
             "workers met in the yards to talk about wages and the war and the bread lines.")
    source = tmp_path / "book.txt"
    source.write_text(f"A River Town\n\nChapter One\n\n{prose}\n\n    An indented quotation, "
                      "set off from the text.\n\nChapter Two\n\nIn the autumn the owners came back "
                      "from the city with new machines, and the town was never the same.\n",
                      encoding="utf-8")
    report = import_manuscript(source, tmp_path / "book")
    assert report.chapters == ["01-chapter-one.md", "02-chapter-two.md"]
    first = chapter(tmp_path / "book", "01-chapter-one.md")
    assert first.startswith("# Chapter One\n") and "\n> An indented quotation, set off" in first
    assert "A River Town" not in first
    assert "title: A River Town" in (tmp_path / "book" / "book.yaml").read_text(encoding="utf-8")
    assert report.codes().count("guessed-heading") == 2
    assert report.check_errors == 0


# -- errors ----------------------------------------------------------------------------------------

def assert_refused(done: Done, *words: str) -> None:
    assert done.code == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bookbuild: "), done.stderr
    for word in words:
        assert word in lines[0]


def nothing_written(folder: Path, target: Path) -> bool:
    return not target.exists() and not [p for p in folder.iterdir() if ".importing-" in p.name]


def test_missing_file_is_refused(tmp_path: Path) -> None:
    done = run_import(tmp_path / "nowhere.docx", "--to", tmp_path / "book")
    assert_refused(done, "nowhere.docx does not exist", ".docx, .odt, .html or .txt")
    assert nothing_written(tmp_path, tmp_path / "book")


def test_unsupported_extension_is_refused_with_what_to_do(tmp_path: Path) -> None:
    old = tmp_path / "book.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    assert_refused(run_import(old, "--to", tmp_path / "book"), "'.doc' is not a format",
                   "save it as .docx")
    other = tmp_path / "book.xyz"
    other.write_text("text", encoding="utf-8")
    assert_refused(run_import(other, "--to", tmp_path / "book"), "'.xyz'", ".docx, .odt, .html, .htm or .txt")
    assert nothing_written(tmp_path, tmp_path / "book")


def test_target_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "essay.txt"
    source.write_text("A Title\n\nSome text of the essay, long enough to be prose.\n", encoding="utf-8")
    target = tmp_path / "book"
    target.mkdir()
    (target / "01-mine.md").write_text("# Mine\n", encoding="utf-8")
    assert_refused(run_import(source, "--to", target), "is not empty", "--to")
    assert [p.name for p in target.iterdir()] == ["01-mine.md"]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert_refused(run_import(source, "--to", tmp_path / "file"), "not a folder")


def test_empty_target_folder_is_used(tmp_path: Path) -> None:
    source = tmp_path / "essay.txt"
    source.write_text("A Title\n\nSome text of the essay, long enough to be prose.\n", encoding="utf-8")
    (tmp_path / "book").mkdir()
    done = run_import(source, "--to", tmp_path / "book")
    assert done.code == 0, done.stderr
    assert (tmp_path / "book" / "01-a-title.md").is_file()


def test_corrupt_word_document_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "broken.docx"
    garbage.write_bytes(b"PK\x03\x04 this is not really a zip" * 10)
    assert_refused(run_import(garbage, "--to", tmp_path / "book"), "broken.docx",
                   "save it again as .docx")
    not_word = tmp_path / "other.docx"
    with zipfile.ZipFile(not_word, "w") as package:
        package.writestr("hello.txt", "a zip, but no Word document in it")
    assert_refused(run_import(not_word, "--to", tmp_path / "book"), "other.docx could not be read",
                   "save it again")
    assert nothing_written(tmp_path, tmp_path / "book")


def test_failure_while_writing_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bookbuild.importer.run as importer

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(importer, "write_folder_files", broken)
    source = make_docx(tmp_path / "doc.docx")
    with pytest.raises(OSError):
        import_manuscript(source, tmp_path / "book")
    assert nothing_written(tmp_path, tmp_path / "book")


def test_import_failure_is_raised_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="does not exist"):
        import_manuscript(tmp_path / "none.odt", tmp_path / "book")
    assert nothing_written(tmp_path, tmp_path / "book")


# -- the pieces ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "citation"), [
    ("(S. A. Smith, Red Petrograd, p. 165)", "[@smith, p. 165]"),
    ("(Smith 1983, 165)", "[@smith1983, 165]"),
    ("(Smith and Jones 1990: 12–14)", "[@smith1990, 12–14]"),
    ("(see Naimark, Stalin’s Genocides)", "[see @naimark]"),
    ("(Lewin, Lenin’s Last Struggle, p. 84; my italics)", "[@lewin, p. 84, my italics]"),
    ("(Memoirs of a Revolutionary, p. 396)", "[@memoirs, p. 396]"),
    ("(Lenin cited Lewin, Lenin’s Last Struggle, p. 80)", "[Lenin cited @lewin, p. 80]"),
])
def test_typed_references_are_found_with_a_citation(text: str, citation: str) -> None:
    [found] = find_references(f"A sentence\nthat cites {text}.\n")
    assert (found.text, found.citation, found.line) == (text, citation, 2)


@pytest.mark.parametrize("text", [
    "(the regime known as ‘Stalinism’)", "(among the Bolsheviks)", "(Petrograd, Moscow and Kiev)",
    "(vagrants, prostitutes, the homeless, etc.)", "(that is, the bureaucracy)", "(1917)",
    "(the whole Soviet General Staff!)", "[a link](https://example.org/Smith, p. 5)",
])
def test_prose_in_parentheses_is_not_a_reference(text: str) -> None:
    assert find_references(f"Words {text} and more words.\n") == []


def test_clean_rules_keep_what_looks_like_manual_formatting_but_is_not() -> None:
    blocks = [header(1, words_to_inlines("1917 and After")), header(1, words_to_inlines("I. Introduction")),
              para("1. One item alone is a sentence, not a list."), para("Text.")]
    collector = Collector()
    cleaned = clean(blocks, Metadata(), collector)
    assert [b["c"][2][0]["c"] for b in cleaned[:2]] == ["1917", "Introduction"]
    assert cleaned[2]["t"] == "Para"                        # one numbered paragraph: no list
    assert collector.cleaned == {"number typed before a heading": 1}
