"""Visitor inactivity: after a while a warning with a countdown, then time's up."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QObject, QTimer, Signal

TICK_MS = 250


class IdleWatch(QObject):
    """Counts down while nobody touches the screen.

    :meth:`poke` on every sign of a visitor. After ``idle_ms`` without one,
    :attr:`warning` is emitted, then :attr:`tick` with the whole seconds left (each
    time that number changes), and after ``warning_ms`` more :attr:`expired`.
    A poke during the warning cancels it (:attr:`cancelled`).

    Args:
        idle_ms: quiet time before the warning.
        warning_ms: how long the warning lasts (the countdown shows real seconds).
    """

    warning = Signal()
    tick = Signal(int)
    expired = Signal()
    cancelled = Signal()

    def __init__(self, idle_ms: int, warning_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self.warning_ms = warning_ms
        self.active = False
        self.warning_shown = False
        self._deadline = 0.0
        self._last_shown = -1
        self._idle = QTimer(self, singleShot=True, interval=idle_ms)
        self._idle.timeout.connect(self._warn)
        self._ticker = QTimer(self, interval=TICK_MS)
        self._ticker.timeout.connect(self._tick)

    def start(self) -> None:
        """Begin watching (a visit began)."""
        self.active = True
        self.poke()

    def stop(self) -> None:
        """Stop watching (the visit ended); no signal is emitted."""
        self.active = False
        self.warning_shown = False
        self._idle.stop()
        self._ticker.stop()

    def poke(self) -> None:
        """Someone is there: restart the quiet time; cancel a warning."""
        if not self.active:
            return
        if self.warning_shown:
            self.warning_shown = False
            self._ticker.stop()
            self.cancelled.emit()
        self._idle.start()

    @property
    def seconds_left(self) -> int:
        return max(0, math.ceil(self._deadline - time.monotonic()))

    def _warn(self) -> None:
        if not self.active:
            return
        self.warning_shown = True
        self._deadline = time.monotonic() + self.warning_ms / 1000.0
        self._last_shown = -1
        self.warning.emit()
        self._tick()
        self._ticker.start()

    def _tick(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            self.stop()
            self.expired.emit()
            return
        shown = math.ceil(left)
        if shown != self._last_shown:
            self._last_shown = shown
            self.tick.emit(shown)
