"""The pipeline's numbered steps, shown on a terminal and silent with --quiet (WeasyPrint's
habit of logging numbered steps)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO, TypeVar

T = TypeVar("T")


class Progress:
    def __init__(self, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.count = 0

    def step(self, message: str, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run one numbered step, saying what it does and how long it took."""
        self.count += 1
        self.say(f"[{self.count}] {message}...")
        started = time.perf_counter()
        result = function(*args, **kwargs)
        self.say(f"[{self.count}] {message}: done in {time.perf_counter() - started:.1f} s")
        return result

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stream, flush=True)
