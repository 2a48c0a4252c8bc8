"""The flags a worker job shares with the GUI: pause, resume, stop, throttled sends.

No Qt here: sessions take a :class:`JobControl` and call :meth:`JobControl.checkpoint`
inside long steps, so they run (and are tested) without a GUI. The window's
:class:`~fooling_gui.ui.job_thread.JobRunner` creates one per job and connects
:meth:`JobControl.publish` to its throttled signal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

DEFAULT_INTERVAL_S = 1.0 / 30.0


class JobStopped(Exception):
    """Raised by :meth:`JobControl.checkpoint` when the job was asked to stop."""


class JobControl:
    """The thread-safe flags one job shares with its GUI-side :class:`Job` handle.

    The GUI thread calls :meth:`pause`, :meth:`resume`, :meth:`stop`; the job calls
    :meth:`checkpoint`, :meth:`emit_due` and :meth:`publish` from the worker thread.
    """

    def __init__(self, interval_s: float = DEFAULT_INTERVAL_S):
        self.interval_s = interval_s
        self._cond = threading.Condition()
        self._paused = False
        self._stopped = False
        self._last_emit = float("-inf")
        self._delivered = True  # the GUI has received the last value sent
        self._publish: Callable[[Any], None] | None = None  # set by the worker
        self._notify: Callable[[str], None] | None = None  # set by the worker

    # -- GUI side ------------------------------------------------------------------
    def pause(self) -> None:
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stop_requested(self) -> bool:
        return self._stopped

    # -- job side ------------------------------------------------------------------
    def checkpoint(self) -> None:
        """Block while paused; raise :class:`JobStopped` once stop was requested."""
        with self._cond:
            blocked = self._paused and not self._stopped
        if blocked and self._notify is not None:
            self._notify("paused")  # the GUI learns at once that the job is holding
        with self._cond:
            while self._paused and not self._stopped:
                self._cond.wait()
            stopped = self._stopped
        if stopped:
            raise JobStopped
        if blocked and self._notify is not None:
            self._notify("resumed")

    def emit_due(self) -> bool:
        """True when a value yielded now would be sent to the GUI at once."""
        return self._delivered and time.monotonic() - self._last_emit >= self.interval_s

    def publish(self, value: Any) -> None:
        """Offer ``value`` as if it were yielded (for callbacks deep inside a step,
        such as download progress). Throttled like a yield."""
        if self._publish is not None and value is not None:
            self._publish(value)

    # -- worker bookkeeping --------------------------------------------------------
    def _mark_sent(self) -> None:
        self._delivered = False
        self._last_emit = time.monotonic()

    def _mark_delivered(self) -> None:
        self._delivered = True
