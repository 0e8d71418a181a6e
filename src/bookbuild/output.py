"""Write stage helpers: outputs appear whole or not at all.

Each edition is written to a temporary name beside its target and moved into place at the end,
so an interrupted build (Ctrl-C, a killed process, a full disk) leaves the previous edition.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` (file or folder) that replaces it on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp",
                                 dir=target.parent))
    staged = temp / target.name
    try:
        yield staged
        _replace(staged, target)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def remove_leftovers(target: Path) -> None:
    """Remove what a killed build left beside `target` (its temporary copy, or the old edition
    moved aside); a build still running keeps its own, known by its process id."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:(\d+)\.\w+\.tmp|old-(\d+))")
    for sibling in target.parent.iterdir():
        match = pattern.fullmatch(sibling.name)
        if match and not _alive(int(match.group(1) or match.group(2))):
            if match.group(2) and not target.exists():
                os.replace(sibling, target)     # killed between the two renames: put it back
            elif sibling.is_dir():
                shutil.rmtree(sibling, ignore_errors=True)
            else:
                sibling.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _replace(staged: Path, target: Path) -> None:
    if staged.is_dir():
        # A folder cannot be swapped in one step: move the old one aside first, then drop it.
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(staged, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staged, target)
