"""Run an expensive redraw at most every ``interval_ms``, always ending on the latest data."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """Leading- and trailing-edge throttle for GUI-thread work (superqt's idea).

    :meth:`request` runs ``callback`` at once if it has not run within the interval,
    otherwise once when the interval is over — so bursts cost one call per interval
    and the last request is never lost.
    """

    def __init__(self, interval_ms: int, callback: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self.interval_ms = interval_ms
        self._callback = callback
        self._last = float("-inf")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    def request(self) -> None:
        if self._timer.isActive():
            return  # a trailing call is already scheduled
        wait_ms = self.interval_ms - (time.monotonic() - self._last) * 1000.0
        if wait_ms <= 0:
            self._fire()
        else:
            self._timer.start(int(wait_ms) + 1)

    def flush(self) -> None:
        """Run a scheduled call now (before a screenshot, in tests)."""
        if self._timer.isActive():
            self._timer.stop()
            self._fire()

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def cancel(self) -> None:
        self._timer.stop()

    def _fire(self) -> None:
        self._last = time.monotonic()
        self._callback()
