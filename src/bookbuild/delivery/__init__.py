"""Delivery: the printers and stores a book is made for, and what each of them requires.

`book.yaml` names them (`delivery: [kdp-print, apple]`); each is a profile, a table of rules kept
as data in `profiles/<name>.yaml`, one file per printer or store, every rule with the page that
states it and the date it was read. A rule applies only to the books delivered there: a book
for an offset printer is never held to a print-on-demand page count.

The checks that read the rules are in this package too: `manuscript` (what book.yaml and the
text decide, run with the other checks), `printed` (the print PDF, from the preflight's facts)
and `ebook` (the EPUB once it is written).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:                   # the config validates names against `profile_names`
    from bookbuild.config import BookConfig

_FOLDER = "profiles"
KINDS = ("print", "ebook")


@dataclass(frozen=True)
class Rule:
    """One requirement: its value, what it says in words, where it is stated, when read.

    `note` says where sources conflict or how a value was found (a calculator's readings, a
    copy of the page); `dated` is the date the source itself bears, when it bears one."""

    value: object
    says: str
    source: str
    read: str
    note: str | None = None
    dated: str | None = None

    def cited(self) -> str:
        """`says (source, read date)`, as every finding quotes a rule."""
        return f"{self.says} ({self.source}, read {self.read})"


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    kind: str                       # "print" or "ebook"
    rules: dict[str, Rule]
    short: str = ""                 # the printer's or store's name alone: "KDP", "Lulu"

    def __post_init__(self) -> None:
        if not self.short:
            object.__setattr__(self, "short", self.title)

    def rule(self, name: str) -> Rule | None:
        return self.rules.get(name)


def profile_names() -> tuple[str, ...]:
    """The profiles bookbuild knows, sorted."""
    folder = resources.files(__package__).joinpath(_FOLDER)
    return tuple(sorted(entry.name.removesuffix(".yaml") for entry in folder.iterdir()
                        if entry.name.endswith(".yaml")))


@cache
def profile(name: str) -> Profile:
    """The profile called `name`; KeyError when there is none (config validation names them)."""
    if name not in profile_names():
        raise KeyError(name)
    text = resources.files(__package__).joinpath(_FOLDER, f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    rules = {key: Rule(rule["value"], rule["says"], rule["source"], str(rule["read"]),
                       rule.get("note"), str(rule["dated"]) if rule.get("dated") else None)
             for key, rule in data.get("rules", {}).items()}
    return Profile(data["name"], data["title"], data["kind"], rules,
                   data.get("short") or data["title"])


_named = profile                    # for functions whose argument is called `profile`


def print_profiles(config: BookConfig) -> list[Profile]:
    """The printers book.yaml's `delivery` names, in its order."""
    return [p for p in map(profile, config.delivery) if p.kind == "print"]


def ebook_profiles(config: BookConfig) -> list[Profile]:
    """The ebook stores book.yaml's `delivery` names, in its order."""
    return [p for p in map(profile, config.delivery) if p.kind == "ebook"]


def spine_width(profile: Profile | None, paper: str, pages: int) -> tuple[float, str]:
    """The spine's width in inches for a paperback of `pages` pages on `paper` (white, cream),
    and how it was found, in words, with its source: the printer's `spine` rule, either inches
    per page by paper (KDP; IngramSpark's calculator readings) or pages per inch plus a constant
    (Lulu, whatever the paper). With no profile, or one without the rule: KDP's calipers
    (`printspec.PAPERS`)."""
    from bookbuild.printspec import PAPERS

    rule = profile.rule("spine") if profile is not None else None
    value = rule.value if rule is not None else None
    if rule is not None and profile is not None and isinstance(value, dict):
        if "pages-per-inch" in value:
            per_inch, add = float(value["pages-per-inch"]), float(value.get("add", 0))
            width = pages / per_inch + add
            return width, (f"{pages} pages / {per_inch:g} pages per inch + {add:g} in "
                           f"({profile.short}, any paper: {rule.source}, read {rule.read}) "
                           f"= {width:.3f} in")
        per_page = value.get("per-page")
        if isinstance(per_page, dict) and per_page:
            chosen = paper if paper in per_page else next(iter(per_page))
            caliper = float(per_page[chosen])
            width = pages * caliper
            return width, (f"{pages} pages x {caliper:g} in ({profile.short}, {chosen} paper: "
                           f"{rule.source}, read {rule.read}) = {width:.3f} in")
    kdp = _named("kdp-print").rule("spine")
    chosen = paper if paper in PAPERS else "white"
    caliper = PAPERS[chosen]
    width = pages * caliper
    where = f"{kdp.source}, read {kdp.read}" if kdp is not None else "KDP's calipers"
    return width, f"{pages} pages x {caliper:g} in (KDP, {chosen} paper: {where}) = {width:.3f} in"
