"""Settings that change while the server runs, without a restart.

The files the settings come from (a settings file where the program has
one, and the token file) are read again when they change (their inode,
size or time, looked at every second: an edit on the host of a read-only
mount and Kubernetes' swap of a ConfigMap or Secret both show) and on SIGHUP.
Everything is read and checked before anything is applied: a file that
cannot be used is named in one log line and the settings in force stay.
What comes from the environment cannot change under a running process: it
takes effect at the next start. Standard library only, like env.py.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from .access import Access
from .env import ConfigError

logger = logging.getLogger(__name__)
INTERVAL_S = 1.0


def stamp(path: Path | None) -> tuple[int, int, int] | None:
    """What changes when the file is written or replaced; None when it is not there."""
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


class Reloader:
    """`refresh` reads and checks everything first, raising ConfigError before
    it applies anything when it cannot; then it applies it and names what
    changed."""

    def __init__(self, files: Sequence[Path | None], refresh: Callable[[], list[str]]) -> None:
        self.files, self.refresh = list(files), refresh
        self.seen = self.stamps()

    def stamps(self) -> list[tuple[int, int, int] | None]:
        return [stamp(path) for path in self.files]

    def check(self) -> None:
        """Reload when a file changed since the last look."""
        now = self.stamps()
        if now != self.seen:
            self.seen = now
            self.reload()

    def reload(self) -> None:
        try:
            changed = self.refresh()
        except ConfigError as exc:
            logger.error("not reloaded: %s; the settings in force stay", exc)
            return
        logger.info("reloaded: %s", ", ".join(changed) if changed else "nothing changed")


def update_access(held: Access, new: Access) -> list[str]:
    """Put new's tokens into the Access the server holds; ["tokens"] if they changed."""
    if (new.tokens, new.source) == (held.tokens, held.source):
        return []
    held.tokens, held.source = new.tokens, new.source
    return ["tokens"]


def watch(reloader: Reloader, interval: float = INTERVAL_S) -> Callable[[], None]:
    """Look at the files every interval, and reload at once on SIGHUP, in a
    daemon thread; the function returned stops it."""
    stopped, wake = threading.Event(), threading.Event()

    def run() -> None:
        while True:
            woken = wake.wait(interval)
            wake.clear()
            if stopped.is_set():
                return
            if woken:
                reloader.seen = reloader.stamps()
                reloader.reload()
            else:
                reloader.check()

    def stop() -> None:
        stopped.set()
        wake.set()

    signal.signal(signal.SIGHUP, lambda signum, frame: wake.set())
    threading.Thread(target=run, name="reload", daemon=True).start()
    return stop
