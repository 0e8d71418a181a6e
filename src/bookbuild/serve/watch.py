"""Serve stage: notice when the manuscript changes, by polling its folder.

Polling rather than inotify or FSEvents: the standard library has no file-system events, polling
behaves the same on every system and on network drives, and a manuscript is a few dozen files, so
a scan costs well under a millisecond.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

POLL_SECONDS = 0.25      # how often the folder is scanned
SETTLE_SECONDS = 0.15    # a change counts once the folder has stayed the same this long...
SETTLE_LIMIT = 2.0       # ...or after this long, for a program that keeps writing

Stamp = tuple[int, int, int]        # modification time (ns), size, inode
Snapshot = dict[str, Stamp]         # by path relative to the manuscript folder, with / separators

# Editors' temporary files: vim's swap files and its "4913" write test, emacs' backups, lock
# files (".#name") and autosaves ("#name#"). Saving a chapter creates and removes them.
_TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak")


def ignored(name: str) -> bool:
    """Hidden files and folders and editors' temporary files are not part of the book."""
    return name.startswith((".", "#")) or name.endswith(_TEMP_SUFFIXES) or name == "4913"


class Watcher:
    """Compares scans of the manuscript folder; `wait()` returns once something has changed."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.excluded: set[str] = set()
        self.last = self.scan()

    def exclude(self, path: Path) -> None:
        """Leave out a folder or file inside the manuscript (the HTML edition and the PDF, when
        OUT is inside it: else each build would start the next)."""
        try:
            relative = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return
        self.excluded.add(relative)
        # Filtered rather than scanned again: a change made since the last scan still counts.
        self.last = {name: stamp for name, stamp in self.last.items()
                     if name != relative and not name.startswith(relative + "/")}

    def wait(self) -> list[str]:
        """Block until files have changed and the folder has settled; the changed names."""
        while True:
            time.sleep(POLL_SECONDS)
            current = self.scan()
            if current == self.last:
                continue
            current = self._settle(current)
            changed = sorted(name for name in current.keys() | self.last.keys()
                             if current.get(name) != self.last.get(name))
            self.last = current
            if changed:             # else a file came and went while settling
                return changed

    def scan(self) -> Snapshot:
        snapshot: Snapshot = {}
        self._scan(self.root, "", snapshot)
        return snapshot

    def _scan(self, folder: Path, prefix: str, snapshot: Snapshot) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:             # the folder went away mid-scan (or was never there)
            return
        for entry in entries:
            if ignored(entry.name):
                continue
            name = prefix + entry.name
            if name in self.excluded:
                continue
            try:
                # Symbolic links to folders are not followed: a link loop would never end.
                if entry.is_dir(follow_symlinks=False):
                    self._scan(Path(entry.path), name + "/", snapshot)
                    continue
                stat = entry.stat()
            except OSError:         # removed between listing and stat: the next scan sees it
                continue
            snapshot[name] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def _settle(self, current: Snapshot) -> Snapshot:
        """Wait for writes to finish: an editor may save in several steps, a script many files."""
        deadline = time.monotonic() + SETTLE_LIMIT
        while time.monotonic() < deadline:
            time.sleep(SETTLE_SECONDS)
            again = self.scan()
            if again == current:
                break
            current = again
        return current
