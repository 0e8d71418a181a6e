"""Smart punctuation: quotes, apostrophes, dashes and ellipses decided across markup, and the
spaces a line may not break at (parse/spacing.py).

Each golden case is Markdown run through the real parse (pandoc, then the typography and spacing
passes) and compared with the text a reader should see. The golden manuscript
(tests/faults/quotes/in) is built into all three editions, which must print the same text
(tests/faults/quotes/golden).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree, html

from bookbuild.parse import spacing, typography
from bookbuild.parse.pandoc import ReaderSettings, parse_sources
from bookbuild.parse.sources import SourceFile
from bookbuild.parse.typography import smarten
from bookbuild.verify import same_text, words
from conftest import bookbuild
from readers import pdf_text, squeeze

FAULT = Path(__file__).parent / "faults" / "quotes"
IN = FAULT / "in"
SLUG = "harbour-s-lamps"

# (rule, Markdown, the text a reader sees). Markup is shown as text only; a note call as [n].
CASES = [
    # the fault as reported
    ("apostrophe after a link", "[The quay](#quay)'s 'lamps' were lit.",
     "The quay’s ‘lamps’ were lit."),
    ("elided decades", "In the '80s and '90s the port 'boomed'.",
     "In the ’80s and ’90s the port ‘boomed’."),
    # apostrophes
    ("apostrophe between letters", "The quay's lamps don't fail.", "The quay’s lamps don’t fail."),
    ("apostrophe after digits", "The 1920's boom", "The 1920’s boom"),
    ("apostrophe after emphasis", "*Nature*'s reach", "Nature’s reach"),
    ("apostrophe after strong", "**Nature**'s 'own'", "Nature’s ‘own’"),
    ("apostrophe after a note call", "the harbour[^1]'s own\n\n[^1]: A note.",
     "the harbour[n]’s own"),
    ("apostrophe after an inline note", "the harbour^[A note.]'s own", "the harbour[n]’s own"),
    ("apostrophe after a closing bracket", "(Lee)'s quay", "(Lee)’s quay"),
    ("plural possessive", "the sailors' lamps", "the sailors’ lamps"),
    ("apostrophe after code", "the `git`'s log", "the git’s log"),
    # elisions
    ("elided year", "the class of '17 met", "the class of ’17 met"),
    ("elided words", "'Tis late; 'twas ever so. Give 'em a light 'cause it's dark.",
     "’Tis late; ’twas ever so. Give ’em a light ’cause it’s dark."),
    ("rock 'n' roll", "rock 'n' roll", "rock ’n’ roll"),
    ("elided word in dialogue", "\"I did, 'pon my word.\"", "“I did, ’pon my word.”"),
    ("elisions inside words", "at six o'clock, ma'am, in the fo'c'sle",
     "at six o’clock, ma’am, in the fo’c’sle"),
    ("quoted year is a quotation", "the novel '1984' and the year '17'",
     "the novel ‘1984’ and the year ‘17’"),
    # opening and closing quotes
    ("opening at paragraph start", '"Lamps," she said.', "“Lamps,” she said."),
    ("opening after a dash", "the port--'boomed'", "the port–‘boomed’"),
    ("opening after a bracket", "(\"lamps\") and ['quays']", "(“lamps”) and [‘quays’]"),
    ("nested quotes", "\"She said 'the lamps' were lit.\"", "“She said ‘the lamps’ were lit.”"),
    ("quote inside quote at the start", "\"'Lamps,' he said.\"", "“‘Lamps,’ he said.”"),
    ("spaced nested quotes", "\" 'Lamps,' he said, 'were lit--' \"",
     "“\u00a0‘Lamps,’ he said, ‘were lit–’\u00a0”"),        # and spacing.py's no-break spaces
    ("quotes around emphasis", "'*lamps*' lit", "‘lamps’ lit"),
    ("quotes around a link", "\"[the quay](#quay)\" said", "“the quay” said"),
    ("quotes inside emphasis", "*'lamps'*", "‘lamps’"),
    ("quotes across emphasis", "'the *lamps' were* lit", "‘the lamps’ were lit"),
    ("closing before a note call", "'lamps'[^1] were lit\n\n[^1]: A note.", "‘lamps’[n] were lit"),
    ("quotes across a line break", "\"the lamps\nwere lit\"", "“the lamps were lit”"),
    ("quotes in a table cell", "| a | b |\n|---|---|\n| 'x' | \"y\" |", "a b ‘x’ “y”"),
    ("quotes in a heading", "# The 'Lamps'", "The ‘Lamps’"),
    ("quotes in a list item", "- 'one'\n- \"two\"", "‘one’ “two”"),
    ("quotes in a note", "Lit.[^1]\n\n[^1]: The 'old' light, \"as [the quay](#quay)\" said.",
     "Lit.[n]"),
    ("unclosed quote opens (a quotation of several paragraphs)", "\"The lamps were lit.\n\n\"And then.\"",
     "“The lamps were lit. “And then.”"),
    ("inches", "5'10\" tall", "5’10” tall"),
    ("quotes in a line block", "| 'The lamps\n| were lit'", "‘The lamps were lit’"),
    # dashes, ellipses, abbreviations: what pandoc's smart did
    ("dashes", "1914--18, then---quietly; a - b ---- c",
     "1914–18, then\u2060—quietly; a - b\u00a0—- c"),        # spacing.py's joiner and space
    ("ellipsis", "and then... nothing.... ..", "and then… nothing…. .."),
    # pandoc's list puts a no-break space after "e.g."; spacing.py's titles also join "Dr." to a
    # name across a line break of the source
    ("no-break space after an abbreviation", "Mr. Lee and Dr.\nMoss, e.g. here",
     "Mr.\u00a0Lee and Dr.\u00a0Moss, e.g.\u00a0here"),
    # never inside code, raw HTML, URLs
    ("not in code", "`it's 'x' -- ...`", "it's 'x' -- ..."),
    ("not in a code block", "```\nit's 'x' -- ...\n```", "it's 'x' -- ..."),
    ("not in an autolink", "<https://example.org/a--b...c>", "https://example.org/a--b...c"),
    ("not in raw HTML", "<abbr title=\"it's -- x\">'y'</abbr>", "‘y’"),
    ("not in a URL", "[a](https://example.org/it's--x)", "a"),
    ("escaped marks stay straight", "\\'x\\' \\\"y\\\" \\-\\- \\.\\.\\.", "'x' \"y\" -- ..."),
    ("escape in code is kept", "`\\'x` \\'y", "\\'x 'y"),
]

MARKS = {"DoubleQuote": ("“", "”"), "SingleQuote": ("‘", "’")}


def _text(value: Any) -> str:
    """What a reader sees of inlines or blocks, Quoted nodes with English marks."""
    if isinstance(value, list):
        return "".join(_text(item) for item in value)
    t, c = value["t"], value.get("c")
    if t == "Str":
        return str(c)
    if t in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if t == "Quoted":
        open_, close = MARKS[c[0]["t"]]
        return open_ + _text(c[1]) + close
    if t in ("Note", "NoteRef"):
        return "[n]"
    if t in ("Code", "CodeBlock"):
        return str(c[1])
    if t in ("RawInline", "RawBlock", "HorizontalRule"):
        return ""
    if t in ("Span", "Link", "Image", "Cite"):
        return _text(c[1])
    if t == "Header":
        return _text(c[2])
    if t == "LineBlock":
        return " ".join(_text(line) for line in c)
    if t == "Table":
        cells = [cell[4] for part in (c[3][1], *(body[3] for body in c[4]))
                 for row in part for cell in row[1]]
        return " ".join(_text(cell) for cell in cells)
    if t in ("BulletList", "OrderedList"):
        items = c if t == "BulletList" else c[1]
        return " ".join(_text(item) for item in items)
    if t in ("Para", "Plain", "BlockQuote", "Emph", "Strong", "Underline", "Strikeout",
             "Superscript", "Subscript", "SmallCaps", "Div"):
        return _text(c if t != "Div" else c[1])
    raise AssertionError(f"no text for {t}")


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """Every case parsed at once: one pandoc process, as a book's chapters are."""
    folder = tmp_path_factory.mktemp("cases")
    sources = []
    for number, (_, markdown, _) in enumerate(CASES):
        path = folder / f"{number:02}.md"
        path.write_text(markdown + "\n", encoding="utf-8")
        sources.append(SourceFile(path=path, name=path.name, text=markdown + "\n",
                                  digest=hashlib.sha256(markdown.encode()).hexdigest()))
    blocks = parse_sources(sources, ReaderSettings(lang="en"), folder, jobs=1)
    return {rule: chapter for (rule, _, _), chapter in zip(CASES, blocks, strict=True)}


@pytest.mark.parametrize(("rule", "markdown", "expected"), CASES, ids=[case[0] for case in CASES])
def test_golden_case(parsed: dict[str, list[Any]], rule: str, markdown: str, expected: str) -> None:
    blocks = parsed[rule]
    text = " ".join(_text(block) for block in blocks)
    assert text == expected, markdown


# -- no-break spaces and word joiners (parse/spacing.py) ------------------------------------------

N, NN, WJ = "\u00a0", "\u202f", "\u2060"     # no-break, narrow no-break space, word joiner

# (rule, lang, Markdown, the text a reader sees), one or more per rule of spacing.RULES.
SPACING = [
    ("initials", "en", "A. M. Sheridan Smith and J. R. R. Tolkien",
     f"A.{N}M.{N}Sheridan Smith and J.{N}R.{N}R.{N}Tolkien"),
    ("initials hyphenated or closed up", "en", "J.-P. Sartre and J.R.R. Tolkien",
     f"J.-P.{N}Sartre and J.R.R.{N}Tolkien"),
    ("initials across emphasis and a line break", "en", "*A.* M.\nSmith", f"A.{N}M.{N}Smith"),
    ("initials need a capital after them", "en", "plan b. then and A. the", "plan b. then and A. the"),
    ("titles", "en", "Mr Smith, Mrs Lee, Dr Moss, St Paul and Mme Curie",
     f"Mr{N}Smith, Mrs{N}Lee, Dr{N}Moss, St{N}Paul and Mme{N}Curie"),
    ("titles need a name", "en", "the Dr who", "the Dr who"),
    ("a hard line break is kept", "en", "Mr\\\nSmith", "Mr Smith"),
    ("references", "en", "Vol. 2, Ch. IV, no. 5, ll. 4--6 and Fig. 7",
     f"Vol.{N}2, Ch.{N}IV, no.{N}5, ll.{N}4–6 and Fig.{N}7"),
    ("references need a number", "en", "Fig. A and Vol. one", "Fig. A and Vol. one"),
    ("section signs", "en", "§ 3, §§ 4--5, ¶ 2 and n° 7", f"§{N}3, §§{N}4–5, ¶{N}2 and n°{N}7"),
    ("units", "en", "10 km, 3.5 kg, 20 %, 5 per cent, 40 °C, 10 € and £ 5 at 3 p.m.",
     f"10{N}km, 3.5{N}kg, 20{N}%, 5{N}per{N}cent, 40{N}°C, 10{N}€ and £{N}5 at 3{N}p.m."),
    ("not units", "en", "5 in the morning, 3 A grades, 1917 was", "5 in the morning, 3 A grades, 1917 was"),
    ("digit groups", "en", "10 000 men and 1 000 000 roubles", f"10{N}000 men and 1{N}000{N}000 roubles"),
    ("not digit groups", "en", "in 1917 500 men, 12 3456", "in 1917 500 men, 12 3456"),
    ("spaced dashes", "en", "the port -- said Lee --- was lit", f"the port{N}– said Lee{N}— was lit"),
    ("unspaced em dashes", "en", "the port---lit---and *lamps*---quays",
     f"the port{WJ}—lit{WJ}—and lamps{WJ}—quays"),
    ("em dash after a note call", "en", "lit[^1]---and\n\n[^1]: A note.", f"lit[n]{WJ}—and"),
    ("two-em dash", "en", "Mr. K------ said", f"Mr.{N}K{WJ}—— said"),
    ("no joiner in code or an address", "en", "`a---b`, <https://x.org/a---b>, https://x.org/a—b",
     "a---b, https://x.org/a---b, https://x.org/a—b"),
    ("ellipses", "en", "and ... then . . . nothing . . . ; so",
     f"and{N}… then{N}.{N}.{N}. nothing{N}.{N}.{N}.{N}; so"),
    ("fr punctuation", "fr", "« Bonjour » ; quoi ? oui ! ainsi : rien",
     f"«{N}Bonjour{N}»{NN}; quoi{NN}? oui{NN}! ainsi{N}: rien"),
    ("fr digit groups", "fr", "10 000 habitants", f"10{NN}000 habitants"),
    ("fr dialogue dash may begin a line", "fr", "Oui, dit-il. --- Non. Le port -- dit-il -- était",
     f"Oui, dit-il. — Non. Le port{N}– dit-il{N}– était"),
    ("de guillemets are left alone", "de", "Er sagte » Hallo « und ging",
     "Er sagte » Hallo « und ging"),
]


@pytest.fixture(scope="module")
def spaced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """Every spacing case parsed, one pandoc process per language."""
    found: dict[str, list[Any]] = {}
    for lang in dict.fromkeys(case[1] for case in SPACING):
        folder = tmp_path_factory.mktemp(f"spacing-{lang}")
        cases = [case for case in SPACING if case[1] == lang]
        sources = []
        for number, (_, _, markdown, _) in enumerate(cases):
            path = folder / f"{number:02}.md"
            path.write_text(markdown + "\n", encoding="utf-8")
            sources.append(SourceFile(path=path, name=path.name, text=markdown + "\n",
                                      digest=hashlib.sha256(markdown.encode()).hexdigest()))
        blocks = parse_sources(sources, ReaderSettings(lang=lang), folder, jobs=1)
        found.update({case[0]: chapter for case, chapter in zip(cases, blocks, strict=True)})
    return found


@pytest.mark.parametrize(("rule", "lang", "markdown", "expected"), SPACING,
                         ids=[case[0] for case in SPACING])
def test_spacing_case(spaced: dict[str, list[Any]], rule: str, lang: str, markdown: str,
                      expected: str) -> None:
    text = " ".join(_text(block) for block in spaced[rule])
    assert text == expected, markdown


def test_a_no_break_space_is_a_str_merged_with_its_neighbours(spaced: dict[str, list[Any]]) -> None:
    """As pandoc writes one: renderers print it and need to know nothing of it."""
    (para,) = spaced["initials"]
    assert para["c"][:2] == [{"t": "Str", "c": f"A.{N}M.{N}Sheridan"}, {"t": "Space"}]
    (para,) = spaced["initials across emphasis and a line break"]
    assert para["c"][0]["t"] == "Emph" and para["c"][1] == {"t": "Str", "c": f"{N}M.{N}Smith"}


def test_citations_as_rendered_are_spaced_their_records_are_not() -> None:
    """citeproc's "p. 142" and "A. M. Smith" get no-break spaces; the citation's own suffix
    (source data, never printed) is left as it was."""
    suffix = [{"t": "Str", "c": ","}, {"t": "Space"}, {"t": "Str", "c": "p."}, {"t": "Space"},
              {"t": "Str", "c": "142"}]
    citation = {"citationId": "smith", "citationPrefix": [], "citationSuffix": suffix,
                "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 1, "citationHash": 0}
    rendered = [{"t": "Str", "c": "A."}, {"t": "Space"}, {"t": "Str", "c": "M."}, {"t": "Space"},
                {"t": "Str", "c": "Smith,"}, {"t": "Space"}, {"t": "Str", "c": "p."},
                {"t": "Space"}, {"t": "Str", "c": "142."}]
    blocks = [{"t": "Para", "c": [{"t": "Cite", "c": [[citation], rendered]}]}]
    spacing.space_blocks(blocks, "en")
    assert _text(blocks) == f"A.{N}M.{N}Smith, p.{N}142."
    assert [n["t"] for n in suffix] == ["Str", "Space", "Str", "Space", "Str"]


def test_the_checks_and_verify_read_a_no_break_space_as_a_space_and_a_joiner_as_nothing() -> None:
    """The duplicate check and the verify readers compare words (\\w+): a no-break space parts
    them, a word joiner before a dash is no part of one; titles compare as text."""
    assert words(f"A.{N}M.{N}Smith, p.{NN}142, port{WJ}—lit") == "a m smith p 142 port lit"
    from bookbuild.ast import words as model_words
    from bookbuild.checks.duplicates import _normal
    assert model_words({"t": "Str", "c": f"A.{N}M.{N}Smith port{WJ}—lit"}) == \
        ["a", "m", "smith", "port", "lit"]
    assert _normal(f"A.{N}M. Smith port{WJ}—lit") == " a m smith port lit "
    # An edition's reader squeezes white space; the model keeps no-break spaces and joiners.
    assert same_text(f"Lamps{WJ}—and Mr.{N}Lee", "Lamps—and Mr. Lee")
    assert not same_text("Lamps and Mr. Lee", "Lamps—and Mr. Lee")


def test_paired_quotes_are_quoted_nodes_so_the_renderer_picks_the_language_marks(
        parsed: dict[str, list[Any]]) -> None:
    (para,) = parsed["quotes around emphasis"]
    quoted = para["c"][0]
    assert quoted["t"] == "Quoted" and quoted["c"][0]["t"] == "SingleQuote"
    assert quoted["c"][1][0]["t"] == "Emph"
    (para,) = parsed["nested quotes"]
    inner = [n for n in para["c"][0]["c"][1] if n["t"] == "Quoted"]
    assert [n["c"][0]["t"] for n in inner] == ["SingleQuote"]


def test_a_note_is_its_own_stream(parsed: dict[str, list[Any]]) -> None:
    (para,) = parsed["quotes in a note"]
    note = para["c"][-1]
    assert note["t"] == "Note"
    assert _text(note["c"]) == "The ‘old’ light, “as the quay” said."


def test_quotes_crossing_markup_take_the_language_marks() -> None:
    blocks = [{"t": "Para", "c": [{"t": "Str", "c": "'the"}, {"t": "Space"},
                                  {"t": "Emph", "c": [{"t": "Str", "c": "lamps'"}]}]}]
    typography.smarten_blocks(blocks, "de")
    assert _text(blocks) == "‚the lamps‘"


def test_citeproc_quotes_are_left_alone() -> None:
    title = {"t": "Quoted", "c": [{"t": "DoubleQuote"}, [{"t": "Str", "c": "Lamps"}]]}
    cite = {"t": "Cite", "c": [[], [{"t": "Str", "c": "Lee,"}, {"t": "Space"}, title,
                                    {"t": "Str", "c": "'s"}, {"t": "Space"},
                                    {"t": "Str", "c": "vol."}, {"t": "Space"},
                                    {"t": "Str", "c": "2."}]]}
    blocks = [{"t": "Para", "c": [cite]}]
    typography.smarten_blocks(blocks, "en")
    content = blocks[0]["c"][0]["c"][1]
    assert content[2] is title
    assert _text(content) == "Lee, “Lamps”’s vol. 2."       # citeproc's "vol. 2" keeps its space


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en-GB", "Harbour's \"Lamps\"", "Harbour’s “Lamps”"),
    ("en", "'Tis the '80s -- Mr. Lee's...", "’Tis the ’80s – Mr.\u00a0Lee’s…"),
    ("de", "\"Lampen\" und 'Kais'", "„Lampen“ und ‚Kais‘"),
    ("fr", "\"Lampes\" d'or", "«\u00a0Lampes\u00a0» d’or"),
    ("en", "two\n  lines", "two\n  lines"),
    ("en", "", ""),
])
def test_smarten_plain_text(lang: str, text: str, expected: str) -> None:
    assert smarten(text, lang) == expected


@pytest.mark.parametrize("module", [typography, spacing], ids=["typography", "spacing"])
def test_pass_is_part_of_the_cache_key(tmp_path: Path, module: Any) -> None:
    from bookbuild.parse.pandoc import ast_keys
    source = SourceFile(path=tmp_path / "a.md", name="a.md", text="x", digest="")
    before = ast_keys([source], ReaderSettings(lang="en"))
    original = module.__file__
    copy = tmp_path / Path(original).name
    copy.write_text(Path(original).read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    try:
        module.__file__ = str(copy)
        assert ast_keys([source], ReaderSettings(lang="en")) != before
    finally:
        module.__file__ = original


# -- the three editions ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quotes")
    result = bookbuild("build", "--manuscript", IN, "--out", out)
    assert result.code == 0, result.stderr
    return out


def _golden() -> list[str]:
    return (FAULT / "golden" / "paragraphs.txt").read_text(encoding="utf-8").splitlines()


def _paragraphs(root: etree._Element) -> list[str]:
    """As a reader sees them: a word joiner (U+2060) is nothing."""
    return [squeeze("".join(p.itertext())).replace(WJ, "") for p in root.iter("{*}p", "p")]


def test_every_edition_prints_the_same_punctuation(out: Path) -> None:
    with zipfile.ZipFile(out / f"{SLUG}.epub") as archive:
        epub = _paragraphs(etree.fromstring(archive.read("EPUB/01-quay.xhtml")))
    page = html.parse(str(out / "html" / "01-quay.html")).getroot()
    web = _paragraphs(page.xpath("//main")[0])
    # A line may end after an unspaced em dash (never before it): the text goes on at once.
    pdf = squeeze(pdf_text(out / f"{SLUG}.pdf").replace("\u00ad", "").replace("—\n", "—"))
    for expected in _golden():
        assert expected in epub, ("epub", expected, epub)
        assert expected in web, ("html", expected, web)
        assert expected in pdf, ("pdf", expected)


def test_the_no_break_space_and_the_note_reach_the_editions(out: Path) -> None:
    with zipfile.ZipFile(out / f"{SLUG}.epub") as archive:
        chapter = archive.read("EPUB/01-quay.xhtml").decode()
        notes = archive.read("EPUB/notes.xhtml").decode()
    assert "Mr.\u00a0Lee" in chapter or "Mr.&#160;Lee" in chapter
    assert "The harbour’s ‘old’ light, “as" in notes


def test_the_word_joiner_reaches_the_screens_and_draws_nothing_in_the_pdf(out: Path) -> None:
    """`left---quietly`: the joiner keeps the em dash off the start of a line in every edition;
    the PDF draws it as nothing, so its text has no trace of it."""
    with zipfile.ZipFile(out / f"{SLUG}.epub") as archive:
        chapter = archive.read("EPUB/01-quay.xhtml").decode()
    web = (out / "html" / "01-quay.html").read_text(encoding="utf-8")
    assert f"left{WJ}—quietly" in chapter and f"left{WJ}—quietly" in web
    pdf = pdf_text(out / f"{SLUG}.pdf")
    assert re.search("left—\n?quietly", pdf) and WJ not in pdf
    assert not re.search("^[—–…]", pdf, re.MULTILINE)        # no line starts with one


def test_initials_and_a_volume_stay_on_one_line_in_the_essay(essay: Path) -> None:
    """The essay's notes, as citeproc renders them: "trans. A. M. Sheridan Smith" and
    "vol. 2" are joined by no-break spaces in the EPUB."""
    with zipfile.ZipFile(essay / "revolution-destroyed.epub") as archive:
        notes = archive.read("EPUB/notes.xhtml").decode().replace("&#160;", N).replace("&nbsp;", N)
    assert f"trans. A.{N}M.{N}Sheridan Smith" in notes
    assert f"vol.{N}2," in notes


def test_book_yaml_titles_get_the_same_typography(out: Path) -> None:
    """book.yaml's `title: Harbour's "Lamps"` is set as the chapters are, in every edition."""
    from readers import pdf_text
    title = "Harbour’s “Lamps”"
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{title}</title>" in index
    epubs = list(out.glob("*.epub"))
    with zipfile.ZipFile(epubs[0]) as archive:
        assert title in archive.read("EPUB/content.opf").decode()
    assert title in pdf_text(next(out.glob("*.pdf")))
