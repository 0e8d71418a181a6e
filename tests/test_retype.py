"""A page reference's number set again in its box once its page is known (`writers.pdf.retype`):
kept only when exactly as wide as the number it replaces, so that no line moves."""

from __future__ import annotations

import io
from typing import Any

import pypdf
from weasyprint import HTML

from bookbuild.writers.pdf.retype import page_ref_targets, retype_page_refs

FONT = "font-family: 'Gentium Book Plus', serif"
PAGE = f"""<html><head><style>
@font-face {{ font-family: 'Gentium Book Plus'; src: url(styles/fonts/GentiumBookPlus-Regular.ttf) }}
@page {{ size: 300pt 400pt; margin: 20pt }}
p {{ {FONT}; font-size: 11pt; text-align: justify; hyphens: auto }}
</style></head><body lang="en">
<p>The terror is told in the second chapter, on p.&nbsp;<span class="page-folio"
data-target="terror">000</span>, and the wages on p.&nbsp;<span class="page-folio"
data-target="wages">7</span>, where the delegates of the districts read out their reports one
after another while the lamps were lit in the long room above the printing works.</p>
</body></html>"""


def _document() -> Any:
    from conftest import ROOT
    return HTML(string=PAGE, base_url=str(ROOT) + "/").render()


def _placed(document: Any) -> list[tuple[str, float, float]]:
    """Every text box: its text and where it stands."""
    found: list[tuple[str, float, float]] = []

    def walk(box: Any) -> None:
        if type(box).__name__ == "TextBox":
            found.append((box.text, round(box.position_x, 3), round(box.position_y, 3)))
        for child in getattr(box, "children", ()):
            walk(child)
    for page in document.pages:
        walk(page._page_box)
    return found


def _text(document: Any) -> str:
    data = io.BytesIO()
    document.write_pdf(data)
    return " ".join(pypdf.PdfReader(data).pages[0].extract_text().split())


def test_a_number_as_wide_as_the_guess_is_set_in_place_and_nothing_moves() -> None:
    document = _document()
    assert page_ref_targets(document.pages) == {"terror", "wages"}
    before = _placed(document)
    unresolved = retype_page_refs(document.pages, {"terror": "142", "wages": "9"})
    assert unresolved == set()
    after = _placed(document)
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    # Only the two numbers changed, each in the very place of the guess it replaced.
    assert [(old[0], new[0]) for old, new in changed] == [("000", "142"), ("7", "9")]
    assert all(old[1:] == new[1:] for old, new in changed)
    text = _text(document)
    assert "on p. 142, and the wages on p. 9, where" in text


def test_a_number_of_another_width_or_an_unknown_target_is_left_for_a_new_layout() -> None:
    document = _document()
    before = _placed(document)
    unresolved = retype_page_refs(document.pages, {"terror": "14", "other": "3"})
    assert unresolved == {"terror", "wages"}          # two figures for three; wages not known
    assert _placed(document) == before
    assert "on p. 000, and the wages on p. 7," in _text(document)


def test_a_number_already_right_is_left_alone() -> None:
    document = _document()
    before = _placed(document)
    assert retype_page_refs(document.pages, {"terror": "000", "wages": "7"}) == set()
    assert _placed(document) == before
