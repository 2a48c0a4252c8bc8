"""How responsive the GUI is: a timer in the GUI thread that measures how late it fires."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer


class LatencyProbe(QObject):
    """Fires every ``interval_ms`` and records the delay beyond that interval.

    A busy GUI thread (slow drawing, a worker hogging the GIL) shows up as late
    firings. :meth:`summary` gives p50/p99/max in milliseconds.
    """

    def __init__(self, interval_ms: int = 10, parent: QObject | None = None):
        super().__init__(parent)
        self.interval_ms = interval_ms
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._fired)
        self._last: float | None = None
        self._delays: list[float] = []

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._last = None

    def reset(self) -> None:
        self._delays.clear()
        if self._last is not None:
            self._last = time.perf_counter()

    @property
    def samples(self) -> int:
        return len(self._delays)

    def _fired(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            late = (now - self._last) * 1000.0 - self.interval_ms
            self._delays.append(max(late, 0.0))
        self._last = now

    def summary(self) -> dict[str, float]:
        """``{"p50", "p99", "max", "samples"}``; delays in milliseconds."""
        if not self._delays:
            return {"p50": 0.0, "p99": 0.0, "max": 0.0, "samples": 0}
        d = np.asarray(self._delays)
        return {"p50": round(float(np.percentile(d, 50)), 2),
                "p99": round(float(np.percentile(d, 99)), 2),
                "max": round(float(d.max()), 2), "samples": int(d.size)}
