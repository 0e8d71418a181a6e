"""The pipeline's numbered steps, shown on a terminal and silent with --quiet (WeasyPrint's
habit of logging numbered steps)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO, TypeVar

T = TypeVar("T")


class Progress:
    def __init__(self, quiet: bool = False, stream: TextIO | None = None, label: str = "") -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.count = 0
        self.label = label          # steps of a second process are numbered apart: [pdf 1]
        self.pages = 0

    def child(self, label: str) -> Progress:
        return Progress(self.quiet, self.stream, label)

    def step(self, message: str, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run one numbered step, saying what it does and how long it took."""
        self.count += 1
        number = f"[{self.label} {self.count}]" if self.label else f"[{self.count}]"
        self.say(f"{number} {message}...")
        started = time.perf_counter()
        result = function(*args, **kwargs)
        self.say(f"{number} {message}: done in {time.perf_counter() - started:.1f} s")
        return result

    def page_laid_out(self) -> None:
        """Counts pages as WeasyPrint lays them out; says so every 200 pages."""
        self.pages += 1
        if self.pages % 200 == 0:
            where = f"{self.label}: " if self.label else ""
            self.say(f"    {where}{self.pages:,} pages laid out")

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stream, flush=True)
