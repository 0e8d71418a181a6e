"""Delivery: the printers and stores a book is made for, and what each of them requires.

`book.yaml` names them (`delivery: [kdp-print]`); each is a profile, a table of rules kept as
data in `profiles/<name>.yaml`, one file per printer or store, every rule with the page that
states it and the date it was read. A rule applies only to the books delivered there: a book
for an offset printer is never held to a print-on-demand page count.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

_FOLDER = "profiles"


@dataclass(frozen=True)
class Rule:
    """One requirement: its value, what it says in words, where it is stated, when read."""

    value: object
    says: str
    source: str
    read: str


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    kind: str                       # "print" or "ebook"
    rules: dict[str, Rule]

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
    rules = {key: Rule(rule["value"], rule["says"], rule["source"], str(rule["read"]))
             for key, rule in data.get("rules", {}).items()}
    return Profile(data["name"], data["title"], data["kind"], rules)
