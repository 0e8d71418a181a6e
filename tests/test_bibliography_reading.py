"""A .bib file is read the way its author wrote it: classic BibTeX or BibLaTeX.

BibLaTeX splits publisher, location, institution and organization into lists at " and ", BibTeX
keeps them literal, so `publisher = {Chapel and Hall}` must not print "Chapel; Hall" from a
BibTeX file. The golden manuscript (tests/faults/bibliography/in) holds one BibTeX file and one
BibLaTeX file; every edition must print each as its author meant. The smaller cases read a
bibliography in-process: the dialect guessed from the content, the book.yaml setting overriding
it, and the warning at an ambiguous " and ".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from bookbuild.config import load_config
from bookbuild.parse.bibliography import Bibliography, read_bibliography
from bookbuild.parse.bibtex import BIBLATEX, BIBTEX, decide_dialect, scan_bibtex, undot
from conftest import bookbuild
from readers import epub_documents, epub_notes, html_notes, pdf_text, squeeze
from test_cli import write_book

IN = Path(__file__).parent / "faults" / "bibliography" / "in"
SLUG = "harbour-records"
MOSS_NOTE = "Antonín Moss, A History of the Harbour (Oxford and New York: Chapel and Hall, 2001), 4."
QUAY_NOTE = "Rosa Quay, Cranes and Capstans (London: Board of Trade and Navigation, 1990), 12."
LEE_NOTE = "Ann Lee, Quays (London; New York: Faber and Faber, 2010), 7."
MOSS_ENTRY = "Moss, Antonín. A History of the Harbour. Oxford and New York: Chapel and Hall, 2001."
LEE_ENTRY = "Lee, Ann. Quays. London; New York: Faber and Faber, 2010."

CLASSIC = r"""@book{moss2001,
  author    = {Moss, Anton{\'\i}n},
  title     = {A History of the Harbour},
  publisher = {Chapel and Hall},
  address   = {Oxford and New York},
  year      = {2001},
}
"""
MODERN = r"""@book{moss2001,
  author    = {Moss, Anton{\'\i}n},
  title     = {A History of the Harbour},
  publisher = {Chapel and Hall},
  location  = {Oxford and New York},
  date      = {2001},
}

@online{web2020,
  title        = {Harbour Cams},
  organization = {{Port and Harbour Trust}},
  url          = {https://example.org},
  urldate      = {2020-05-01},
}

@report{joint2019,
  title       = {Tides},
  institution = {{Marine Institute} and {Coastal Survey}},
  type        = {Technical report},
  date        = {2019},
}
"""


def _read(tmp_path: Path, bib: str, setting: str = "", suffix: str = ".bib") -> Bibliography:
    book = write_book(tmp_path / "m", f"title: T\nbibliography: refs{suffix}\n{setting}",
                      {"01.md": "# One\n\nText.[@moss2001, p. 4]\n", f"refs{suffix}": bib})
    config, _ = load_config(book)
    bibliography = read_bibliography(config)
    assert bibliography is not None
    return bibliography


def _data(bibliography: Bibliography, key: str = "moss2001") -> dict[str, object]:
    return bibliography.entries[key].data


# -- the dialect of a file ----------------------------------------------------------------------

def test_a_classic_bibtex_file_keeps_publisher_and_address_literal(tmp_path: Path) -> None:
    bibliography = _read(tmp_path, CLASSIC)
    data = _data(bibliography)
    assert data["publisher"] == "Chapel and Hall"
    assert data["publisher-place"] == "Oxford and New York"
    assert data["author"] == [{"family": "Moss", "given": "Antonín"}]
    assert bibliography.diagnostics == []


def test_a_biblatex_file_reads_location_as_a_list_and_warns_at_the_ambiguous_publisher(
        tmp_path: Path) -> None:
    bibliography = _read(tmp_path, MODERN)
    data = _data(bibliography)
    assert data["publisher-place"] == "Oxford; New York"       # a list of places, as meant
    assert data["publisher"] == "Chapel; Hall"                 # BibLaTeX's reading, warned about
    assert _data(bibliography, "web2020")["publisher"] == "Port and Harbour Trust"  # braced: one
    assert _data(bibliography, "joint2019")["publisher"] == "Marine Institute; Coastal Survey"
    # Only the unbraced publisher is ambiguous; location and the braced fields are not reported.
    [warning] = bibliography.diagnostics
    assert (warning.code, warning.severity.value) == ("bibliography-ambiguous-and", "warning")
    assert (warning.place.file, warning.place.line) == ("refs.bib", 4)
    message = warning.message
    assert "publisher = {Chapel and Hall} of moss2001" in message
    assert "list of 2 publishers (Chapel; Hall)" in message
    assert "it uses location, which only BibLaTeX knows" in message
    assert "publisher = {{Chapel and Hall}}" in message          # one name
    assert "publisher = {{Chapel} and {Hall}}" in message        # a list, unambiguous
    # Reading this file as BibTeX would drop its location, so the setting is not suggested.
    assert "bibliography-format" not in message


def test_the_setting_overrides_the_guess_both_ways(tmp_path: Path) -> None:
    forced = _read(tmp_path / "a", CLASSIC, "bibliography-format: biblatex\n")
    assert _data(forced)["publisher"] == "Chapel; Hall"
    assert _data(forced)["publisher-place"] == "Oxford; New York"
    [warning] = forced.diagnostics
    assert warning.place.line == 4
    assert "book.yaml sets bibliography-format: biblatex" in warning.message
    assert "set 'bibliography-format: bibtex'" in warning.message

    # A file with BibLaTeX's date and urldate but BibTeX's address: the setting says BibTeX.
    mixed = CLASSIC.replace("year      = {2001}", "date = {2001}, urldate = {2020-01-01}")
    assert _data(_read(tmp_path / "b", mixed))["publisher"] == "Chapel; Hall"   # guessed
    literal = _read(tmp_path / "c", mixed, "bibliography-format: bibtex\n")
    assert _data(literal)["publisher"] == "Chapel and Hall"
    assert literal.diagnostics == []


def test_a_dot_bibtex_file_is_bibtex(tmp_path: Path) -> None:
    bibliography = _read(tmp_path, CLASSIC.replace("address", "location"), suffix=".bibtex")
    assert _data(bibliography)["publisher"] == "Chapel and Hall"


@pytest.mark.parametrize(("bib", "expected", "reason"), [
    ("@book{a, author={A B}, title={T}, publisher={P and Q}}", BIBTEX, "nothing only BibLaTeX"),
    ("@article{a, title={T}, journal={J}, year={1990}}", BIBTEX, "journal, year"),
    ("@article{a, title={T}, journaltitle={J}, date={1990}}", BIBLATEX, "journaltitle, date"),
    ("@online{a, title={T}, url={u}}", BIBLATEX, "@online"),
    # Zotero's BibTeX export adds urldate to address/year entries: still BibTeX.
    ("@book{a, title={T}, address={A}, year={1990}, urldate={2020-01-01}}", BIBTEX, "address, year"),
    # One location is enough: a BibTeX reading would drop it without a word.
    ("@book{a, address={A}, year={1}}\n@book{b, location={L}, year={2}, journal={J}}", BIBLATEX,
     "location"),
])
def test_the_dialect_is_decided_by_the_content(bib: str, expected: str, reason: str) -> None:
    dialect = decide_dialect(scan_bibtex(bib), None, ".bib")
    assert dialect.format == expected
    assert reason in dialect.reason


def test_the_scanner_reads_macros_quotes_comments_and_lines() -> None:
    text = ('% a comment with an @ sign: me@example.org\n'
            '@comment{ @book{ignored, publisher = {X and Y}} }\n'
            '@string{ch = "Chapel"}\n'
            '@preamble{"\\newcommand{\\noop}[1]{}"}\n'
            '@BOOK(q1,\n'
            '  Publisher = ch # " and " # {Hall},\n'
            '  title = "A {"}quoted{"} title",\n'
            '  year = 2001\n'
            ')\n'
            '@book{broken, title = {unclosed\n'
            '@book{after, publisher={Q}}\n')
    records = scan_bibtex(text)
    assert [(r.kind, r.key, r.line) for r in records] == [("book", "q1", 5), ("book", "after", 11)]
    fields = records[0].fields
    assert fields["publisher"].value == "Chapel and Hall"
    assert fields["publisher"].line == 6
    assert fields["title"].value == 'A {"}quoted{"} title'
    assert fields["year"].value == "2001"


# -- every edition, through the real command line --------------------------------------------------

@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    before = {p: p.read_bytes() for p in IN.rglob("*") if p.is_file()}
    out = tmp_path_factory.mktemp("bibliography")
    result = bookbuild("build", "--manuscript", IN, "--out", out)
    assert result.code == 0, result.stderr
    assert {p: p.read_bytes() for p in IN.rglob("*") if p.is_file()} == before
    return out


def _bibliography_entries(root: etree._Element) -> list[str]:
    return [squeeze("".join(div.itertext()))
            for div in root.xpath("//*[contains(concat(' ', @class, ' '), ' csl-entry ')]")]


def test_every_edition_prints_each_file_as_its_author_meant(out: Path) -> None:
    expected = [MOSS_NOTE, QUAY_NOTE, LEE_NOTE]
    assert [n.text for n in epub_notes(out / f"{SLUG}.epub")] == expected
    assert [n.text for n in html_notes(out / "html")] == expected
    documents = epub_documents(out / f"{SLUG}.epub")
    epub_entries = [entry for root in documents.values() for entry in _bibliography_entries(root)]
    html_entries = _bibliography_entries(html.parse(str(out / "html" / "bibliography.html")).getroot())
    for entries in (epub_entries, html_entries):
        assert MOSS_ENTRY in entries and LEE_ENTRY in entries, entries
        assert not any("Chapel; Hall" in entry or "Oxford; New York" in entry for entry in entries)
    index = (out / "html" / "js" / "search-index.js").read_text(encoding="utf-8")
    assert "Oxford and New York: Chapel and Hall" in index and "Chapel; Hall" not in index
    text = squeeze(pdf_text(out / f"{SLUG}.pdf"))
    for printed in (MOSS_NOTE, QUAY_NOTE, LEE_NOTE, MOSS_ENTRY, LEE_ENTRY):
        assert printed in text, printed
    assert "Chapel; Hall" not in text and "ı" not in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_pdftotext_reads_the_literal_fields(out: Path) -> None:
    text = squeeze(subprocess.run(["pdftotext", str(out / f"{SLUG}.pdf"), "-"], check=True,
                                  capture_output=True, text=True).stdout)
    assert MOSS_NOTE in text and LEE_ENTRY in text


def test_the_epub_holds_no_split_publisher(out: Path) -> None:
    with zipfile.ZipFile(out / f"{SLUG}.epub") as archive:
        text = "".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                       if name.endswith(".xhtml"))
    assert "Chapel and Hall" in text and "Chapel; Hall" not in text


# The warning's golden case is tests/checks/bibliography-ambiguous-and (run by test_checks.py).


# -- dotless i and j under LaTeX accents ---------------------------------------------------------

@pytest.mark.parametrize(("accent", "i", "j"), [
    ("\\'", "í", "j\u0301"), ("\\`", "ì", "j\u0300"), ("\\^", "î", "ĵ"), ('\\"', "ï", "j\u0308"),
    ("\\~", "ĩ", "j\u0303"), ("\\=", "ī", "j\u0304"), ("\\.", "i", "j"), ("\\u", "ĭ", "j\u0306"),
    ("\\v", "ǐ", "ǰ"), ("\\H", "i\u030b", "j\u030b"),
])
def test_every_accent_on_a_dotless_i_or_j_becomes_the_letter(tmp_path: Path, accent: str, i: str,
                                                              j: str) -> None:
    bib = f"@book{{moss2001, author = {{Moss, A{accent}{{\\i}}x and B{accent}{{\\j}}y, Cy}}, " \
          "title = {T}, year = {2001}}\n"
    authors = _data(_read(tmp_path, bib))["author"]
    assert authors == [{"family": "Moss", "given": f"A{i}x"}, {"family": f"B{j}y", "given": "Cy"}]


def test_undot_leaves_a_plain_dotless_i_and_marks_below_alone() -> None:
    assert undot("Kırıkkale") == "Kırıkkale"
    assert undot("ı\u0323") == "ı\u0323"                 # a dot below: still dotless
    assert undot("ı\u0323\u0301") == "i\u0323\u0301"     # a mark above among others
    assert undot("ı\u0307") == "i"                       # the dot above is the i's own


def test_a_csl_json_bibliography_is_normalised_to_nfc(tmp_path: Path) -> None:
    items = [{"id": "moss2001", "type": "book", "title": "Cafe\u0301s",
              "author": [{"family": "Moss", "given": "Antoni\u0301n"}]}]
    data = _data(_read(tmp_path, json.dumps(items), suffix=".json"))
    assert data["title"] == "Cafés" and data["author"] == [{"family": "Moss", "given": "Antonín"}]
