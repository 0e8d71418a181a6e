"""Write stage: the record of what a build made again and what it took from the build cache.

Each edition's writer notes, by name, the pieces it made (a chapter laid out, the back matter)
and the pieces it reused; the print editions are written in a second process, so the record
travels back with their result (`schedule.Written`) and is gathered here for the whole build.
Tests and benchmarks read `LAST_BUILD`; nothing in the build depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class EditionRecord:
    """One edition: the pieces made in this build and the pieces taken from the cache."""

    made: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)

    def note(self, name: str, reused: bool) -> None:
        (self.reused if reused else self.made).append(name)


@dataclass
class BuildRecord:
    """Every edition of the last build, by edition name ("pdf", "epub"...)."""

    editions: dict[str, EditionRecord] = field(default_factory=dict)

    def made(self, edition: str) -> list[str]:
        return self.editions.get(edition, EditionRecord()).made

    def reused(self, edition: str) -> list[str]:
        return self.editions.get(edition, EditionRecord()).reused


LAST_BUILD = BuildRecord()
