"""Delivery: the printers' and stores' profiles as data, and the checks that read them.

For each of the seven profiles a tiny manuscript (or a PDF's facts, or an EPUB) breaks one of
its rules, and the finding must name the rule in its own words with the page that states it.
The EPUB is built once for the module and then varied: its package document or cover rewritten,
book.yaml's `delivery` changed on the book model.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from bookbuild.delivery import (
    KINDS,
    Profile,
    Rule,
    ebook_profiles,
    print_profiles,
    profile,
    profile_names,
    spine_width,
)
from bookbuild.delivery.ebook import EBOOK_CODES, check_epub
from bookbuild.delivery.manuscript import check_delivery
from bookbuild.delivery.printed import PRINT_CODES, Measured, PrintFacts, check_print
from bookbuild.diagnostics import Diagnostic, Severity
from bookbuild.model import Book
from bookbuild.pipeline import build, load
from bookbuild.progress import Progress
from test_cli import write_book

KDP_PAGES = "https://kdp.amazon.com/en_US/help/topic/G201834180"
KIND = {"kdp-print": "print", "ingramspark": "print", "lulu": "print", "kdp-ebook": "ebook",
        "apple": "ebook", "kobo": "ebook", "google-play": "ebook"}


# -- the profiles as data ----------------------------------------------------------------------

def test_every_profile_loads_with_its_kind() -> None:
    assert set(profile_names()) == set(KIND)
    for name in profile_names():
        loaded = profile(name)
        assert loaded.name == name and loaded.kind == KIND[name] and loaded.kind in KINDS
        assert loaded.title and loaded.short and loaded.rules


@pytest.mark.parametrize("name", sorted(KIND))
def test_every_rule_names_its_source_and_when_it_was_read(name: str) -> None:
    for key, rule in profile(name).rules.items():
        assert re.fullmatch(r"https://[\w.-]+\.[a-z]+/\S*", rule.source), (key, rule.source)
        assert datetime.date.fromisoformat(rule.read) <= datetime.date(2026, 12, 1), key
        assert rule.says.strip() and not rule.says.endswith("."), key
        if rule.dated is not None:
            assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", rule.dated), key
        if rule.note is not None:
            assert rule.note.strip(), key


def test_the_rules_have_the_shapes_others_read() -> None:
    for printer in ("kdp-print", "ingramspark", "lulu"):
        rules = profile(printer).rules
        assert isinstance(rules["min-pages"].value, int) and isinstance(rules["max-pages"].value, int)
        assert all(re.fullmatch(r"\d+(\.\d+)?x\d+(\.\d+)?in", size) for size in rules["trims"].value)
        assert "5.5x8.5in" in rules["trims"].value and "6x9in" in rules["trims"].value
        assert rules["bleed"].value == 0.125
        assert all(isinstance(up_to, int) and isinstance(inches, float)
                   for up_to, inches in rules["gutters"].value)
        assert set(rules["barcode"].value) == {"width", "height", "margin"}
        assert isinstance(rules["spine-text-min-pages"].value, int)
        assert isinstance(rules["spine"].value, dict)
        assert "pdfx" in rules
    assert profile("ingramspark").rule("pdfx").value == ["PDF/X-1a:2001", "PDF/X-3:2002"]
    assert profile("kdp-print").rule("pdfx").value is None
    assert profile("ingramspark").rule("ink-limit").value == 240
    assert profile("kdp-print").rule("spine-text-min-pages").value == 80
    assert "79" in (profile("kdp-print").rule("spine-text-min-pages").note or "")
    for store in ("kdp-ebook", "apple", "kobo", "google-play"):
        rules = profile(store).rules
        assert rules["isbn"].value in ("required", "optional", "none")
    assert profile("kdp-ebook").rule("cover-aspect").value == {"ratio": 1.6, "tolerance": 0.05}
    assert "amazon.com" in profile("apple").rule("no-store-links").value
    assert "amazon.com" not in profile("kdp-ebook").rule("no-store-links").value


def test_spine_width_says_how_it_was_found() -> None:
    kdp = spine_width(profile("kdp-print"), "white", 312)
    assert kdp == (pytest.approx(0.702624), "312 pages x 0.002252 in (KDP, white paper: "
                   "https://kdp.amazon.com/en_US/help/topic/G201953020, read 2026-12-01) = 0.703 in")
    assert spine_width(None, "cream", 312)[0] == pytest.approx(0.78)
    assert "0.0025 in (KDP, cream paper: https://kdp.amazon.com/" in spine_width(None, "cream", 312)[1]
    lulu = spine_width(profile("lulu"), "cream", 444)
    assert lulu == (pytest.approx(1.06), "444 pages / 444 pages per inch + 0.06 in (Lulu, any "
                    "paper: https://help.api.lulu.com/en/support/solutions/articles/64000254616, "
                    "read 2026-12-01) = 1.060 in")
    ingram, words = spine_width(profile("ingramspark"), "cream", 200)
    assert ingram == pytest.approx(0.444) and "SpineCalculator" in words
    assert spine_width(profile("apple"), "white", 100)[0] == pytest.approx(0.2252)   # KDP's


# -- the manuscript: book.yaml and the text ------------------------------------------------------

def _book(tmp_path: Path, config: str, text: str = "# One\n\nA line.\n") -> Book:
    root = write_book(tmp_path / "m", "title: T\n" + config, {"01-one.md": text})
    return load(root, Progress(quiet=True))


def _messages(findings: list[Diagnostic], code: str) -> list[str]:
    return [f"{f.place}: {f.message}" for f in findings if f.code == code]


def test_kdp_print_a_trim_kdp_does_not_print(tmp_path: Path) -> None:
    book = _book(tmp_path, "isbn: 9780306406157\ndelivery: kdp-print\npdf:\n  trim: 3x5in\n")
    assert [p.name for p in print_profiles(book.config)] == ["kdp-print"]
    assert _messages(list(check_delivery(book)), "delivery-trim") == [
        "book.yaml:5: the trim 3 x 5 in: Amazon KDP Print (paperback): a paperback is printed at "
        "one of KDP's trim sizes (6 x 9 in is the default) "
        "(https://kdp.amazon.com/en_US/help/topic/G201857950, read 2026-12-01); set pdf.trim to "
        "a size it prints, such as 4.13x6.81in or 4.06x7.17in"]


def test_kdp_print_a_metric_trim_it_prints_is_accepted(tmp_path: Path) -> None:
    book = _book(tmp_path, "isbn: 9780306406157\ndelivery: [kdp-print]\npdf:\n  trim: a5\n")
    assert list(check_delivery(book)) == []


def test_ingramspark_needs_an_isbn(tmp_path: Path) -> None:
    book = _book(tmp_path, "isbn: {epub: 9780306406157}\ndelivery: [ingramspark]\n")
    (found,) = check_delivery(book)
    assert (found.code, found.severity, str(found.place)) == ("delivery-isbn", Severity.WARNING,
                                                              "book.yaml:2")
    assert found.message == (
        "no ISBN for the print edition: IngramSpark (paperback): a book needs an ISBN (its "
        "EAN-13 barcode is on the back cover) "
        "(https://www.ingramspark.com/hubfs/downloads/file-creation-guide.pdf, read 2026-12-01); "
        "add 'isbn:' to book.yaml (one for every edition, or {pdf: ...} for this one)")


def test_lulu_a_trim_lulu_does_not_list(tmp_path: Path) -> None:
    book = _book(tmp_path, "delivery: [lulu, kdp-print]\nisbn: 9780306406157\n"
                 "pdf:\n  trim: 5.06x7.81in\n")
    assert _messages(list(check_delivery(book)), "delivery-trim") == [
        "book.yaml:5: the trim 5.06 x 7.81 in: Lulu (paperback): a book is printed at one of "
        "Lulu's sizes (Pocketbook, Digest, A5, US Trade, Royal, Comic, Executive, Crown Quarto, "
        "Small Square, Square, A4, US Letter, Small Landscape, US Letter Landscape) "
        "(https://blog.lulu.com/choosing-the-right-book-size/, read 2026-12-01); set pdf.trim to "
        "a size it prints, such as 5.5x8.5in or 5.83x8.27in"]


def test_apple_rejects_links_to_other_stores(tmp_path: Path) -> None:
    text = ("# One\n\nBuy it [on Amazon](https://www.amazon.co.uk/dp/1).\n\n"
            "Or [on Apple](https://books.apple.com/book/1), or see <https://amazonia.example/>.\n")
    book = _book(tmp_path, "publisher: P\ndelivery: [apple, kdp-ebook]\n", text)
    assert _messages(list(check_delivery(book)), "delivery-store-link") == [
        "01-one.md:3: a link to https://www.amazon.co.uk/dp/1: Apple Books: a book may not link "
        "to another store that sells books (\"Competing Website\") "
        "(https://the-digital-reader.com/apple-no-longer-wants-you-to-mention-that-other-ebookstore/, "
        "read 2026-12-01); remove the link to amazon.co.uk or deliver to Apple a copy without it",
        "01-one.md:5: a link to https://books.apple.com/book/1: Amazon KDP eBook (Kindle): a "
        "Kindle book may not link to other eBook stores than Amazon "
        "(https://kdp.amazon.com/en_US/help/topic/GQ6JQ7FM6C72HE4X, read 2026-12-01); remove the "
        "link to books.apple.com or deliver to Kindle a copy without it"]


def test_apple_wants_a_publisher(tmp_path: Path) -> None:
    book = _book(tmp_path, "delivery: [apple]\n")
    assert _messages(list(check_delivery(book)), "delivery-metadata") == [
        "book.yaml:1: no publisher: Apple Books: a book names its publisher (with title, author, "
        "description, category, language and date) "
        "(https://help.apple.com/itc/applebooksstoreformatting/en.lproj/static.html, read "
        "2026-12-01); add 'publisher:' to book.yaml (your own name or imprint when you publish "
        "the book yourself)"]


def test_no_delivery_no_findings(tmp_path: Path) -> None:
    text = "# One\n\nBuy it [on Amazon](https://www.amazon.com/dp/1).\n"
    book = _book(tmp_path, "pdf:\n  trim: 3x5in\n", text)
    assert list(check_delivery(book)) == []
    assert print_profiles(book.config) == [] and ebook_profiles(book.config) == []


# -- the print PDF's facts --------------------------------------------------------------------

def _facts(**changes: object) -> PrintFacts:
    facts = PrintFacts(pages=200, trim=(5.5, 8.5), bleed=False, pdfx="PDF/X-4",
                       fonts_embedded=True, min_text=8.0, min_line=Measured(1.0, 1),
                       min_image_ppi=Measured(300.0, 1, "1200 x 800 px"),
                       file="t.pdf")
    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]


def _delivered(book: Book, *names: str, **config: object) -> Book:
    return dataclasses.replace(book, config=dataclasses.replace(book.config, delivery=names,
                                                                **config))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Book:
    root = write_book(tmp_path_factory.mktemp("plain") / "m", "title: T\n",
                      {"01-one.md": "# One\n\nA line.\n"})
    return load(root, Progress(quiet=True))


def test_kdp_print_too_few_pages(plain: Book) -> None:
    (found,) = check_print(_delivered(plain, "kdp-print"), _facts(pages=12))
    assert (found.code, found.severity, str(found.place)) == ("print-pages", Severity.ERROR, "t.pdf")
    assert found.message == (
        "12 pages: Amazon KDP Print (paperback): a paperback needs at least 24 pages (black ink "
        f"on white or cream paper) ({KDP_PAGES}, read 2026-11-30); add pages or choose a smaller trim")


def test_kdp_print_most_pages_by_paper_and_width(plain: Book) -> None:
    kdp = _delivered(plain, "kdp-print")
    assert check_print(kdp, _facts(pages=800)) == []
    (cream,) = check_print(_delivered(plain, "kdp-print", paper="cream"), _facts(pages=800))
    assert cream.message.startswith("800 pages: Amazon KDP Print (paperback): the most pages "
                                    "depend on the trim's width")
    assert cream.message.endswith("; at most 776 here: choose a larger trim or split the book")
    (wide,) = check_print(kdp, _facts(pages=600, trim=(8.5, 11.0)))
    assert "at most 590 here" in wide.message and KDP_PAGES in wide.message


def test_kdp_print_type_lines_and_images(plain: Book) -> None:
    found = check_print(_delivered(plain, "kdp-print"),
                        _facts(min_text=6.0, min_line=Measured(0.25, 3),
                               min_image_ppi=Measured(150.0, 4, "600 x 400 px"), pdfx=None,
                               fonts_embedded=False))
    assert [(f.code, f.severity) for f in found] == [
        ("print-fonts", Severity.ERROR), ("print-type-size", Severity.ERROR),
        ("print-line-weight", Severity.WARNING), ("print-image-ppi", Severity.WARNING)]
    assert found[1].message == (
        "the smallest type is 6 pt: Amazon KDP Print (paperback): type is at least 7 pt "
        "(https://kdp.amazon.com/en_US/help/topic/G201857950, read 2026-12-01); set nothing "
        "smaller than 7 pt (notes, captions, tables, superscripts)")
    assert found[2].message.startswith("a line 0.25 pt thick on page 3 of the PDF: ")
    # No image of the book has that size: the finding names its pixels and page, in the PDF.
    assert found[3].message.startswith("an image of 600 x 400 px is printed at 150 ppi on page 4 "
                                       "of the PDF: ")
    assert str(found[3].place) == "t.pdf"
    assert check_print(_delivered(plain, "kdp-print"), _facts(min_text=6.98)) == []


def test_a_coarse_image_is_found_at_its_line(tmp_path: Path) -> None:
    root = write_book(tmp_path / "m", "title: T\ndelivery: [kdp-print]\n", {
        "01-one.md": "# One\n\nA line.\n\n![A map](map.png)\n\n![A plan](plan.png)\n"})
    Image.new("RGB", (900, 600), "white").save(root / "map.png")
    Image.new("RGB", (600, 400), "white").save(root / "plan.png")
    book = load(root, Progress(quiet=True))
    (found,) = check_print(book, _facts(min_image_ppi=Measured(150.0, 4, "600 x 400 px")))
    assert (found.code, str(found.place)) == ("print-image-ppi", "01-one.md:7")
    assert found.message.startswith("plan.png (600 x 400 px) is printed at 150 ppi on page 4 of "
                                    "the PDF: Amazon KDP Print (paperback): ")


def test_ingramspark_takes_pdf_x1a_or_x3_only(plain: Book) -> None:
    ingram = _delivered(plain, "ingramspark", "kdp-ebook")
    (found,) = check_print(ingram, _facts(pdfx="PDF/X-4"))
    assert (found.code, found.severity) == ("print-pdfx", Severity.ERROR)
    assert found.message == (
        "the PDF is PDF/X-4: IngramSpark (paperback): the PDF is PDF/X-1a:2001 or PDF/X-3:2002 "
        "(https://www.ingramspark.com/hubfs/downloads/file-creation-guide.pdf, read 2026-12-01); "
        "build it with --format pdf-x1a (a PDF/X-1a:2001 for this printer)")
    assert check_print(ingram, _facts(pdfx="PDF/X-1a:2001")) == []
    assert check_print(_delivered(plain, "kdp-print", "lulu"), _facts(pdfx=None)) == []


def test_lulu_too_few_pages(plain: Book) -> None:
    (found,) = check_print(_delivered(plain, "lulu"), _facts(pages=24))
    assert found.message == (
        "24 pages: Lulu (paperback): a paperback has at least 32 pages (a hardcover 24) "
        "(https://assets.lulu.com/media/guides/en/lulu-book-creation-guide.pdf, read 2026-12-01); "
        "add pages or choose a smaller trim")


def test_print_codes_are_distinct_from_the_checks() -> None:
    from bookbuild.checks.codes import SEVERITY
    assert not (set(PRINT_CODES) | set(EBOOK_CODES)) & set(SEVERITY)
    assert not set(PRINT_CODES) & set(EBOOK_CODES)


# -- the EPUB -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def epub(tmp_path_factory: pytest.TempPathFactory) -> tuple[Book, Path]:
    """A tiny book's EPUB, built once with the real pipeline (no publisher, no ISBN)."""
    base = tmp_path_factory.mktemp("epub")
    root = write_book(base / "m", "title: Tiny\nauthor: A. Writer\nlang: en\n",
                      {"01-one.md": "# One\n\nA line of text.\n"})
    result = build(root, base / "out", ["epub"], Progress(quiet=True))
    assert result.outputs, [f.to_text() for f in result.findings]
    return result.book, result.outputs[0]


def _rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of the EPUB with each file as `change` returns it (None: left out)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info, data)
    return target


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "white").save(out, "JPEG" if mode == "CMYK" else "PNG")
    return out.getvalue()


def _with_cover(epub: tuple[Book, Path], tmp_path: Path, cover: bytes) -> Path:
    return _rewrite(epub[1], tmp_path / "covered.epub",
                    lambda name, data: cover if name.endswith("images/cover.png") else data)


def _with_opf(epub: tuple[Book, Path], tmp_path: Path, edit: Callable[[str], str]) -> Path:
    return _rewrite(epub[1], tmp_path / "edited.epub",
                    lambda name, data: edit(data.decode()).encode() if name.endswith(".opf") else data)


def test_the_built_epub_passes_every_store_but_apple(epub: tuple[Book, Path]) -> None:
    book, path = epub
    stores = _delivered(book, "kdp-ebook", "kobo", "google-play", "kdp-print")
    assert [p.name for p in ebook_profiles(stores.config)] == ["kdp-ebook", "kobo", "google-play"]
    assert check_epub(stores, path) == []
    assert check_epub(book, path) == []                     # delivered nowhere


def test_kdp_ebook_wants_a_cover_of_1_6(epub: tuple[Book, Path], tmp_path: Path) -> None:
    path = _with_cover(epub, tmp_path, _png(1000, 1000))
    (found,) = check_epub(_delivered(epub[0], "kdp-ebook"), path)
    assert (found.code, found.severity, str(found.place)) == ("epub-cover-aspect", Severity.WARNING,
                                                              "covered.epub")
    assert found.message == (
        "the cover is 1000 x 1000 px, 1.00 times as tall as wide: Amazon KDP eBook (Kindle): the "
        "cover is 1.6 times as tall as it is wide (2,560 x 1,600 px is ideal) "
        "(https://kdp.amazon.com/en_US/help/topic/G6GTK3T3NUHKLEFX, read 2026-12-01); make it "
        "1.6 times as tall as wide, e.g. 1000 x 1600 px")


def test_kdp_ebook_takes_no_fixed_layout_or_cmyk_cover(epub: tuple[Book, Path],
                                                       tmp_path: Path) -> None:
    fixed = _with_opf(epub, tmp_path, lambda opf: opf.replace(
        "</metadata>", '<meta property="rendition:layout">pre-paginated</meta></metadata>'))
    (found,) = check_epub(_delivered(epub[0], "kdp-ebook"), fixed)
    assert (found.code, found.severity) == ("epub-layout", Severity.ERROR)
    assert found.message.startswith("the EPUB is fixed-layout (rendition:layout pre-paginated): "
                                    "Amazon KDP eBook (Kindle): a text eBook is reflowable")
    assert "https://kdp.amazon.com/en_US/help/topic/GPNJPYK298J8TRRV, read 2026-12-01" in found.message
    cmyk = _with_cover(epub, tmp_path, _png(1600, 2560, "CMYK"))
    found = check_epub(_delivered(epub[0], "kdp-ebook", "apple"), cmyk)
    assert [f.code for f in found if f.code != "epub-metadata"] == ["epub-cover-colour"] * 2
    assert found[0].message.startswith("the cover is in CMYK colour: Amazon KDP eBook (Kindle): "
                                       "the cover is in RGB colour, not CMYK (")


def test_apple_wants_a_publisher_in_the_epub(epub: tuple[Book, Path]) -> None:
    book, path = epub
    (found,) = check_epub(_delivered(book, "apple"), path)
    assert (found.code, found.severity, str(found.place)) == ("epub-metadata", Severity.ERROR,
                                                              "book.yaml:1")
    assert found.message == (
        "the EPUB names no publisher (dc:publisher): Apple Books: a book names its publisher "
        "(with title, author, description, category, language and date) "
        "(https://help.apple.com/itc/applebooksstoreformatting/en.lproj/static.html, read "
        "2026-12-01); add publisher: to book.yaml and build it again")


def test_kobo_needs_the_language(epub: tuple[Book, Path], tmp_path: Path) -> None:
    path = _with_opf(epub, tmp_path, lambda opf: re.sub(r"<dc:language>[^<]*</dc:language>", "", opf))
    (found,) = check_epub(_delivered(epub[0], "kobo"), path)
    assert (found.code, str(found.place)) == ("epub-metadata", "book.yaml:3")    # lang:
    assert found.message == (
        "the EPUB names no language (dc:language): Kobo Writing Life: an EPUB must pass an EPUB "
        "validator, and EPUB requires the book's language (dc:language) "
        "(https://github.com/kobolabs/epub-spec#common-qa-failure-issues, read 2026-12-01); set "
        "lang: in book.yaml and build it again")


def test_google_play_a_small_cover_and_none(epub: tuple[Book, Path], tmp_path: Path) -> None:
    google = _delivered(epub[0], "google-play")
    (small,) = check_epub(google, _with_cover(epub, tmp_path, _png(500, 800)))
    assert (small.code, small.severity) == ("epub-cover-size", Severity.ERROR)
    assert small.message == (
        "the cover is 500 x 800 px: Google Play Books: the cover is at least 640 px on each side "
        "(https://support.google.com/books/partner/answer/3424254, read 2026-12-01); give "
        "book.yaml a cover-image: an image of at least 640 x 640 px, ideally 1600 x 2560 px; do "
        "not enlarge a small one")
    bare = _with_opf(epub, tmp_path, lambda opf: opf.replace(' properties="cover-image"', "")
                     .replace('<meta name="cover" content="cover-image"></meta>', ""))
    (missing,) = check_epub(google, bare)
    assert missing.code == "epub-cover-missing"
    assert "the EPUB contains the front cover's image" in missing.message


def test_a_file_over_the_limit(epub: tuple[Book, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    book, path = epub
    tiny = Profile("tiny", "A Tiny Store", "ebook", {
        "max-file-mb": Rule(0.001, "an EPUB is at most 1 kB", "https://example.org/limits",
                            "2026-12-01")})
    monkeypatch.setattr("bookbuild.delivery.ebook.ebook_profiles", lambda config: [tiny])
    (found,) = check_epub(book, path)
    assert (found.code, found.severity) == ("epub-too-large", Severity.ERROR)
    assert re.fullmatch(r"\S+\.epub is 0\.\d MB: A Tiny Store: an EPUB is at most 1 kB "
                        r"\(https://example\.org/limits, read 2026-12-01\); make its images "
                        r"smaller or fewer", found.message)


def test_an_unreadable_epub(epub: tuple[Book, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"not a zip")
    (found,) = check_epub(_delivered(epub[0], "kobo"), broken)
    assert found.code == "epub-unreadable" and found.is_error


def test_kdp_ebook_wants_the_epub_isbn_its_own(tmp_path: Path) -> None:
    shared = _book(tmp_path / "a", "isbn: 9780306406157\ndelivery: [kdp-print, kdp-ebook]\n")
    (found,) = check_delivery(shared)
    assert (found.code, found.severity, str(found.place)) == ("delivery-isbn", Severity.WARNING,
                                                              "book.yaml:2")
    assert found.message.startswith(
        "the EPUB carries the print edition's ISBN 9780306406157: Amazon KDP eBook (Kindle): an "
        "eBook's ISBN is never one from a print version of the book")
    assert found.message.endswith("give each edition its own ISBN (isbn: {pdf: 9780306406157, "
                                  "epub: ...}), or none to the EPUB")
    # Its own ISBN, or none (KDP gives an eBook an ASIN), is right; so is the one ISBN of a
    # book delivered only in print.
    for config in ("isbn: {pdf: 9780306406157, epub: 9781402894626}\ndelivery: [kdp-ebook]\n",
                   "isbn: {pdf: 9780306406157}\ndelivery: [kdp-print, kdp-ebook]\n",
                   "isbn: 9780306406157\ndelivery: [kdp-print, ingramspark]\n"):
        assert list(check_delivery(_book(tmp_path / str(len(config)), config))) == [], config


def test_an_isbn_per_edition_names_the_edition_that_is_wrong() -> None:
    from bookbuild.config.schema import Invalid, isbn
    assert isbn({"pdf": "978-0-306-40615-7", "epub": "0-306-40615-2"}) == {
        "pdf": "9780306406157", "epub": "9780306406157"}     # an ISBN-10 becomes its 978 form
    with pytest.raises(Invalid, match=r"^the epub edition's 978030640615X is not an ISBN"):
        isbn({"pdf": "9780306406157", "epub": "978030640615X"})
    with pytest.raises(Invalid, match=r"^the pdf edition's 9780306406158 is not a valid ISBN: "
                                      r"its check digit is wrong"):
        isbn({"pdf": "9780306406158"})
