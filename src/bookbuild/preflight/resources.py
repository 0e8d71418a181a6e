"""Preflight stage: the resources a printer's tools tell apart by name or share, file-wide.

ISO 32000-1 9.6.4: a subset tag names one subset; a RIP or imposition tool that caches fonts by
name may use one part's subset for another's text and drop glyphs. So no tag, and no BaseFont
name, may stand for two different font programs. And the output profile is one object: every
CMYK colour space uses the output intent's profile, and no second copy, or second CMYK profile,
is carried.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

_PROGRAMS = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass
class Resources:
    """The font programs behind each name and tag, and the CMYK profiles in the file."""

    by_name: dict[str, dict[bytes, int]] = field(default_factory=dict)    # name: digest: object
    by_tag: dict[str, dict[bytes, str]] = field(default_factory=dict)     # tag: digest: name
    cmyk_profiles: dict[int, bytes] = field(default_factory=dict)         # object: digest
    intent_profile: int | None = None


def embedded(font: Any) -> bool:
    """Whether a font dictionary (a simple font, or a Type0 font's descendant) carries its
    program (ISO 32000-1 9.9: FontFile, FontFile2 or FontFile3 in its descriptor)."""
    descriptor = font.get("/FontDescriptor") or \
        font.get("/DescendantFonts", [None])[0].get_object().get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in _PROGRAMS)


def pdfx_intent(catalog: Any) -> bool:
    """Whether a document catalog has a PDF/X output intent with its destination profile."""
    intents = [i.get_object() for i in catalog.get("/OutputIntents", [])]
    return any(i.get("/S") == "/GTS_PDFX" and i.get("/DestOutputProfile") for i in intents)


def read_resources(reader: PdfReader) -> Resources:
    """Every object of the file once (a font or a profile nothing draws still goes to print)."""
    found = Resources()
    catalog: Any = reader.trailer["/Root"]
    for intent in catalog.get("/OutputIntents", []):
        reference = intent.get_object().raw_get("/DestOutputProfile")
        if hasattr(reference, "idnum"):
            found.intent_profile = reference.idnum
    numbers = sorted(set(reader.xref.get(0, {})) | set(reader.xref_objStm))
    for number in numbers:
        try:
            obj = reader.get_object(number)
        except (ValueError, KeyError, OSError):
            continue
        if isinstance(obj, StreamObject) and "/N" in obj and "/Subtype" not in obj:
            data = obj.get_data()
            if data[36:40] == b"acsp" and obj["/N"] == 4:
                found.cmyk_profiles[number] = hashlib.sha256(data).digest()
        elif isinstance(obj, DictionaryObject) and obj.get("/Type") == "/FontDescriptor":
            program = next((obj.raw_get(key) for key in _PROGRAMS if key in obj), None)
            if program is None:
                continue
            name = str(obj.get("/FontName", "?")).lstrip("/")
            digest = hashlib.sha256(program.get_object().get_data()).digest()
            found.by_name.setdefault(name, {}).setdefault(digest, getattr(program, "idnum", 0))
            tag, plus, _ = name.partition("+")
            if plus and len(tag) == 6:
                found.by_tag.setdefault(tag, {}).setdefault(digest, name)
    return found


def subset_problems(found: Resources) -> list[str]:
    """What breaks the rule that one tag, and one name, is one font program."""
    problems = []
    for tag, programs in sorted(found.by_tag.items()):
        if len(programs) > 1:
            names = sorted(set(programs.values()))
            problems.append(
                f"the subset tag {tag} names {len(programs)} different font programs "
                f"({', '.join(names)}); a printer's RIP or imposition tool that tells fonts apart "
                "by name can take the wrong subset and drop glyphs (ISO 32000-1 9.6.4). Build the "
                "PDF again with this bookbuild, which gives each face one subset; a PDF from "
                "elsewhere needs its fonts merged or retagged (for instance by Acrobat's preflight)")
    tagged = {name for programs in found.by_tag.values() for name in programs.values()
              if len(programs) > 1}
    for name, objects in sorted(found.by_name.items()):
        if len(objects) > 1 and name not in tagged:
            problems.append(
                f"the font name {name} stands for {len(objects)} different font programs "
                f"(objects {', '.join(str(n) for n in sorted(objects.values()))}); printers' tools "
                "that tell fonts apart by name can mix them up. Build the PDF again with this "
                "bookbuild, or give each program a name of its own")
    return problems


def profile_problems(found: Resources) -> list[str]:
    """More than one CMYK profile object: copies of the output profile, or different ones."""
    profiles = found.cmyk_profiles
    if len(profiles) <= 1:
        return []
    intent = profiles.get(found.intent_profile or 0)
    distinct = set(profiles.values())
    others = sorted(n for n in profiles if n != found.intent_profile)
    if len(distinct) == 1:
        return [f"the output profile is embedded {len(profiles)} times (objects "
                f"{', '.join(str(n) for n in sorted(profiles))}); every CMYK colour space should "
                "use the output intent's profile, once. Build the PDF again with this bookbuild"]
    differing = [n for n in others if profiles[n] != intent]
    return [f"the file holds {len(distinct)} different CMYK profiles (objects "
            f"{', '.join(str(n) for n in differing)} differ from the output intent's"
            f"{'' if intent else ', which is missing'}); a printer converts colour with one "
            "profile, the output intent's: use that one everywhere (one @color-profile "
            "device-cmyk in the print stylesheet) and build the PDF again"]
