"""The preflight's content-stream reader agrees with pypdf's on every page of a real edition
and reads the PDF syntax WeasyPrint does not happen to write."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from bookbuild.preflight.tokens import ContentError, operations


def test_strings_numbers_names_arrays_and_dictionaries() -> None:
    stream = (rb"% a comment" b"\n"
              rb"/F1 9.5 Tf (a \(nested\) \\ (pair) \101\12 end) Tj <48 65 5> Tj"
              rb" [(A) -120 <4142> .5] TJ /P <</MCID 3 /On true>> BDC 1 0 0 -1 0 0 cm")
    ops = list(operations(stream))
    assert ops == [
        (["/F1", 9.5], "Tf"),
        ([b"a (nested) \\ (pair) A\n end"], "Tj"),
        ([b"He\x50"], "Tj"),
        ([[b"A", -120.0, b"AB", 0.5]], "TJ"),
        (["/P", {"/MCID": 3.0, "/On": "true"}], "BDC"),
        ([1.0, 0.0, 0.0, -1.0, 0.0, 0.0], "cm"),
    ]


def test_inline_image_data_is_skipped() -> None:
    stream = b"q BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff) [ EI Q"
    assert [op for _, op in operations(stream)] == ["q", "Q"]


@pytest.mark.parametrize("stream", [b"(never closed Tj", b"] TJ"])
def test_malformed_streams_raise_a_content_error(stream: bytes) -> None:
    with pytest.raises(ContentError):
        list(operations(stream))


def test_agrees_with_pypdf_on_every_page_of_the_essay(essay: Path) -> None:
    reader = PdfReader(next(essay.glob("*.pdf")))
    for page in reader.pages:
        contents = page.get_contents()
        ours = list(operations(contents.get_data()))
        theirs = ContentStream(contents, reader).operations
        assert [op for _, op in ours] == [op.decode() for _, op in theirs]
        for (mine, op), (other, _) in zip(ours, theirs, strict=True):
            if op in ("Tj", "TJ"):
                items = mine[0] if op == "TJ" else mine
                expected = other[0] if op == "TJ" else other
                assert [x if isinstance(x, bytes) else round(x, 3) for x in items] == [
                    bytes(y.original_bytes) if hasattr(y, "original_bytes") else round(float(y), 3)
                    for y in expected]
