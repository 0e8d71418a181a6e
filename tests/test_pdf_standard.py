"""A joined print PDF is one PDF a printer's tools accept (ISO 32000-1 9.6.4): each subset tag
and each font name stands for one font program, the subsets of a face are merged into one, and
the output profile is embedded once. The preflight catches a file that breaks either rule, and
names the characters set in machine fonts or missing from every font."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from bookbuild.config import load_config
from bookbuild.diagnostics import Place
from bookbuild.preflight import Report as PreflightReport
from bookbuild.preflight import preflight
from bookbuild.preflight.resources import read_resources
from bookbuild.writers.pdf import join
from bookbuild.writers.pdf.finish import finisher
from bookbuild.writers.pdf.geometry import geometry
from conftest import ROOT, bookbuild

SLUG = "ten-days-that-shook-the-world"
FAULTS = Path(__file__).resolve().parent / "faults"
STYLE = (ROOT / "styles" / "css" / "print.css").as_uri()


def test_ten_days_has_one_program_per_tag_and_name_and_one_output_profile(
        ten_days: Path, ten_days_preflight: PreflightReport) -> None:
    pdf = ten_days / f"{SLUG}.pdf"
    found = read_resources(PdfReader(pdf))
    assert found.by_tag and all(len(programs) == 1 for programs in found.by_tag.values())
    assert all(len(programs) == 1 for programs in found.by_name.values())
    # One font per face: the four parts' subsets were merged.
    faces = [name.partition("+")[2] for name in found.by_name]
    assert len(faces) == len(set(faces)) >= 2
    assert list(found.cmyk_profiles) == [found.intent_profile]
    report = ten_days_preflight         # `preflight` of the same PDF, read once (conftest.py)
    assert report.passed, [f.to_text() for f in report.findings if f.is_error]


def test_ten_days_passes_qpdf_check(ten_days: Path) -> None:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed")
    done = subprocess.run(["qpdf", "--check", str(ten_days / f"{SLUG}.pdf")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors" in done.stdout


def _parts(tmp_path: Path) -> list[tuple[Path, set[str]]]:
    """Two parts laid out apart, as `split` writes them: the same face, different subsets."""
    config, _ = load_config(FAULTS / "tall-image" / "in")
    shape = geometry(config, 40, False, False)
    texts = ["Alpha beta gamma, <i>italic delta</i>.", "Quixotic jazz: 0123456789 <i>zephyr</i>!"]
    parts = []
    for index, text in enumerate(texts):
        path = tmp_path / f"part-{index}.pdf"
        html = HTML(string=f"<style>{shape.page_css()}</style><p>{text}</p>", base_url=str(ROOT))
        html.write_pdf(str(path), stylesheets=[STYLE], pdf_variant="pdf/x-4",
                       finisher=finisher(shape, False, "00000000-0000-0000-0000-000000000000"))
        parts.append((path, set()))
    return parts


def test_join_merges_subsets_reproducibly(tmp_path: Path) -> None:
    parts = _parts(tmp_path)
    first, second = tmp_path / "one.pdf", tmp_path / "two.pdf"
    join.join_parts(parts, first)
    join.join_parts(parts, second)
    assert first.read_bytes() == second.read_bytes()
    reader = PdfReader(first)
    text = [page.extract_text() for page in reader.pages]
    assert "Alpha beta gamma" in text[0] and "Quixotic jazz: 0123456789" in text[1]
    found = read_resources(reader)
    assert all(len(programs) == 1 for programs in found.by_name.values())
    faces = [name.partition("+")[2] for name in found.by_name]
    assert len(faces) == len(set(faces))
    # Both pages use the one merged font of each face.
    fonts = [{str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
             for page in reader.pages]
    assert fonts[0] & fonts[1]
    assert len(found.cmyk_profiles) == 1


def test_preflight_fails_a_join_that_keeps_each_parts_resources(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    parts = _parts(tmp_path)
    monkeypatch.setattr(join, "share_resources", lambda writer: None)
    joined = tmp_path / "old.pdf"
    join.join_parts(parts, joined)
    config, _ = load_config(FAULTS / "tall-image" / "in")
    codes = {f.code for f in preflight(joined, config).findings if f.is_error}
    assert {"pdf-subset-tag", "pdf-output-profile"} <= codes


def test_preflight_names_machine_font_and_notdef_characters(tmp_path: Path) -> None:
    manuscript = FAULTS / "pdf-standard" / "in"
    result = bookbuild("build", "--draft", "--format", "pdf", "--manuscript", manuscript,
                       "--out", tmp_path)
    # A draft is written even though its preflight fails (exit status 1).
    assert result.code in (0, 1) and (tmp_path / "t.pdf").is_file(), result.stderr[-2000:]
    config, _ = load_config(manuscript)

    def locate(char: str) -> Place | None:
        return Place("01.md", 5) if char in "港口" else Place("01.md", 7) if char == "𓀀" else None

    report = preflight(tmp_path / "t.pdf", config, locate=locate)
    errors = [f for f in report.findings if f.is_error]
    missing = [f for f in errors if f.code == "pdf-missing-glyph"]
    assert any("U+13000 EGYPTIAN HIEROGLYPH A001" in f.message for f in missing)
    assert all(f.message.startswith("page ") for f in missing)
    foreign = [f for f in errors if f.code == "pdf-foreign-font"]
    if foreign:             # a machine font has 港 (Droid Sans Fallback here): named, placed
        assert any("U+6E2F CJK UNIFIED IDEOGRAPH-6E2F" in f.message for f in foreign)
        assert all(f.place == Place("01.md", 5) for f in foreign)
        assert not any("U+0020" in f.message for f in foreign)
    else:                   # no font has it: a .notdef box, caught as a missing glyph
        assert any("U+6E2F" in f.message for f in missing)
