"""Monitoring: resident memory, and a JSON heartbeat file rewritten every few seconds.

The heartbeat is written from a GUI-thread timer, so a file that stops changing means
the GUI is stuck or gone: the watchdog timer in ``packaging/`` then restarts the kiosk.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from ...core.errors import FoolingError
from ...core.files import write_json

log = logging.getLogger(__name__)


def resident_mb() -> float:
    """This process's resident memory now, in MiB (peak where the OS gives only that)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def trim_heap() -> bool:
    """Hand memory that Python and torch freed back to the OS (glibc only; else a no-op).

    glibc keeps freed blocks of the worker thread's arena for reuse, so resident memory
    creeps up over thousands of runs although nothing leaks; trimming after each cycle
    keeps it flat. Returns whether anything was done.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):  # musl and other C libraries have no malloc_trim
        return False


class Heartbeat(QObject):
    """Rewrites ``path`` with ``status()`` plus time, pid and memory every ``interval_s``.

    Args:
        path: the JSON file (its folder is created).
        interval_s: seconds between writes.
        status: returns the JSON-able facts to report.
    """

    def __init__(self, path: Path, interval_s: float, status: Callable[[], dict],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.status = status
        self.beats = 0
        self.started = time.monotonic()
        self._warned = False
        self._timer = QTimer(self, interval=max(int(interval_s * 1000), 100))
        self._timer.timeout.connect(self.beat)

    def start(self) -> None:
        self.beat()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def beat(self) -> None:
        now = datetime.now(timezone.utc)
        data = {"time": now.isoformat(timespec="seconds"), "unix_time": round(now.timestamp(), 3),
                "pid": os.getpid(), "uptime_s": round(time.monotonic() - self.started, 1),
                "rss_mb": round(resident_mb(), 1), **self.status()}
        try:
            write_json(self.path, data)
        except FoolingError as exc:
            if not self._warned:  # once: a read-only disk must not flood the log
                log.warning("Cannot write the heartbeat file: %s", exc)
                self._warned = True
            return
        self.beats += 1
