"""Worker processes must not outlive their parent: an orphan would keep scanning, hold pipes open, or keep
listening on the service's port."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


def watch_parent(parent: int, on_orphaned: Callable[[], None], every: float = 0.5) -> None:
    """Call ``on_orphaned`` (in a daemon thread) once ``parent`` is no longer this process's parent (at
    once if it is not now). ``parent`` must come from the parent itself (its ``os.getpid()``, passed to the
    child): a child that asks ``os.getppid()`` after its parent died gets the reaper's pid, and would watch
    that instead."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        on_orphaned()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
