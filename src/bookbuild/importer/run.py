"""Import, the steps in order (the package docstring lists them): `import_manuscript`."""

from __future__ import annotations

from pathlib import Path

from bookbuild.ast import Node
from bookbuild.diagnostics import BookError, Diagnostic
from bookbuild.importer.clean import clean
from bookbuild.importer.document import Document
from bookbuild.importer.errors import ImportFailure
from bookbuild.importer.media import write_images
from bookbuild.importer.notes import notes_from_links
from bookbuild.importer.read import read_document
from bookbuild.importer.references import find_references
from bookbuild.importer.report import REPORT_NAME, Collector, ImportReport, Item
from bookbuild.importer.revisions import resolve_revisions
from bookbuild.importer.split import Chapter, split_chapters
from bookbuild.importer.text import guess_headings
from bookbuild.importer.web import remove_leftovers, standfirst, take_byline
from bookbuild.importer.write import (
    check_target,
    finish_metadata,
    publish,
    staging,
    write_chapters,
    write_folder_files,
)
from bookbuild.progress import Progress

__all__ = ["ImportFailure", "ImportReport", "import_manuscript"]


def import_manuscript(source: Path, to: Path, progress: Progress | None = None,
                      check: bool = True) -> ImportReport:
    """Make the manuscript folder `to` from the document `source`; `check` runs bookbuild's
    checks on the result and adds their findings to the report."""
    progress = progress or Progress(quiet=True)
    check_target(to)
    collector = Collector()
    document = progress.step(f"Reading {source.name}", read_document, source, collector)
    blocks = progress.step("Cleaning up the text", prepare, document, collector)
    chapters = split_chapters(blocks, document.meta.title, collector)
    finish_metadata(document.meta, chapters, source, collector)
    with staging(to) as folder:
        images = progress.step("Writing the manuscript", _write, document, chapters, folder, collector)
        findings = progress.step("Checking the new manuscript", _check, folder) if check else []
        report = _report(document, to, chapters, images, collector, findings)
        (folder / REPORT_NAME).write_text(report.text(Path(".")), encoding="utf-8")
        publish(folder, to)
    return report


def prepare(document: Document, collector: Collector) -> list[Node]:
    """The document's blocks, from what the word processor or the site made to the text."""
    blocks = document.blocks
    if document.kind == "docx":
        blocks = resolve_revisions(blocks, collector)
    if document.kind == "html":
        blocks = notes_from_links(blocks, collector)
    if document.kind in ("html", "text"):
        blocks = remove_leftovers(blocks, collector)
        blocks = take_byline(blocks, document.meta, collector)
    if document.kind == "text":
        blocks = guess_headings(blocks, document.meta, collector)
    blocks = clean(blocks, document.meta, collector)
    if document.kind in ("html", "text"):
        standfirst(blocks, collector)
    return blocks


def _write(document: Document, chapters: list[Chapter], folder: Path, collector: Collector) -> list[str]:
    """The folder's files; the names of the images written."""
    for chapter in chapters:
        chapter.blocks = write_images(chapter.blocks, document.media, folder, collector)
    texts = write_chapters(chapters, folder, collector)
    for name, text in texts.items():
        for reference in find_references(text):
            keys = ", ".join(f"{key} ({work})" if work else key
                             for key, work in zip(reference.keys, reference.works, strict=True))
            collector.add("typed-reference", f"“{reference.text}” looks like a reference typed "
                          f"in the text: cite it as {reference.citation} once references.bib has "
                          f"an entry for {keys}", name, reference.line)
    write_folder_files(folder, document.meta, document.source)
    images = folder / "images"
    return sorted(f"images/{p.name}" for p in images.iterdir()) if images.is_dir() else []


def _check(folder: Path) -> list[Diagnostic]:
    from bookbuild.pipeline import check

    try:
        return check(folder, Progress(quiet=True))[1]
    except BookError as exc:
        return exc.diagnostics


def _report(document: Document, to: Path, chapters: list[Chapter], images: list[str],
            collector: Collector, findings: list[Diagnostic]) -> ImportReport:
    meta = document.meta
    metadata = {"title": meta.title, "subtitle": meta.subtitle,
                "author": ", ".join(meta.authors), "lang": meta.lang}
    origins = {key: meta.origin.get("authors" if key == "author" else key, "") for key in metadata}
    items = [item for item in collector.items if item.message]
    items += [Item(f.code, f.message, f.place.file, f.place.line, f.severity.value) for f in findings]
    return ImportReport(document.source, to, [c.name for c in chapters], images,
                        {k: v for k, v in metadata.items() if v}, origins, items,
                        dict(collector.cleaned), collector.removed, findings)
