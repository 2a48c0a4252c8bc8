"""The kiosk's evolution worker, watched: replaced by a fresh one when it stops progressing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ...core.evolution import RunConfig
from ...sessions.model_cache import ModelKey
from ...sessions.paced_session import PacedSession, SavedImage
from ..evolution_worker import FINISHED, EvolutionWorker

log = logging.getLogger(__name__)

WATCHDOG_MS = 2000


class GuardedWorker(QObject):
    """An :class:`EvolutionWorker` that is replaced when it stalls.

    While a run or a model load is outstanding, every sign of progress (a frame, a
    state change, a loaded model) resets a clock; after ``stall_seconds`` without one
    the worker is shut down, a new one made by ``factory`` takes over, and
    :attr:`stalled` is emitted. Signals of a replaced worker are dropped, so
    listeners only ever hear the current one.

    Signals:
        frame(RunFrame), state_changed(str), failed(str): as the worker's own.
        image_saved(SavedImage): answer to :meth:`save_image` (never an error).
        stalled: the worker was replaced.
    """

    frame = Signal(object)
    state_changed = Signal(str)
    failed = Signal(str)
    image_saved = Signal(SavedImage)
    stalled = Signal()

    def __init__(self, factory: Callable[[], EvolutionWorker], stall_seconds: float,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._factory = factory
        self.stall_seconds = stall_seconds
        self.busy_since: float | None = None
        self.replacements = 0
        self._loads = 0  # model loads outstanding
        self._stuck: list[EvolutionWorker] = []  # threads that would not end in time
        self.worker = self._make()
        self._watchdog = QTimer(self, interval=WATCHDOG_MS)
        self._watchdog.timeout.connect(self.check)

    def _make(self) -> EvolutionWorker:
        worker = self._factory()
        worker.setParent(self)
        worker.frame.connect(lambda f, w=worker: self._current(w) and self._progress(f))
        worker.state_changed.connect(lambda s, w=worker: self._current(w) and self._state(s))
        worker.failed.connect(lambda m, w=worker: self._current(w) and self._failed(m))
        return worker

    def _current(self, worker: EvolutionWorker) -> bool:
        return worker is self.worker

    # -- requests ------------------------------------------------------------------
    def start(self, config: RunConfig) -> None:
        self.busy_since = time.monotonic()
        self.worker.start(config)

    def reset(self) -> None:
        """Stop and forget the run (a model load still counts as outstanding)."""
        self.worker.reset()
        if not self._loads:
            self.busy_since = None

    def load_model(self, key: ModelKey | str, then: Callable[[object], None]) -> None:
        """Load ``key``'s model in the worker; ``then(LoadedModel)`` unless the worker was
        replaced."""
        self._loads += 1
        self.busy_since = time.monotonic()
        worker = self.worker
        job = worker.load_model(key)
        job.returned.connect(lambda info: self._current(worker) and self._loaded(info, then))

    def save_image(self, folder) -> None:
        """Save the run's image as a gallery in ``folder``; answers with ``image_saved``."""
        worker = self.worker
        job = worker.request(PacedSession.save_visitor_image, folder)
        job.returned.connect(lambda saved: self._current(worker) and self.image_saved.emit(saved))

    def start_watching(self) -> None:
        self._watchdog.start()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        self._watchdog.stop()
        self.worker.shutdown(timeout_ms)

    # -- bookkeeping ---------------------------------------------------------------
    def _loaded(self, info, then: Callable[[object], None]) -> None:
        self._loads = max(0, self._loads - 1)
        self.busy_since = None
        then(info)

    def _progress(self, frame) -> None:
        self.busy_since = time.monotonic()
        self.frame.emit(frame)

    def _state(self, state: str) -> None:
        if state == FINISHED and not self._loads:
            self.busy_since = None
        self.state_changed.emit(state)

    def _failed(self, message: str) -> None:
        self._loads = 0
        self.busy_since = None
        self.failed.emit(message)

    def check(self) -> None:
        """Replace the worker if it has made no progress for ``stall_seconds``."""
        if self.busy_since is None or time.monotonic() - self.busy_since < self.stall_seconds:
            return
        old = self.worker
        self.worker = self._make()
        self.busy_since = None
        self._loads = 0
        self.replacements += 1
        if old.shutdown(2000):
            old.deleteLater()
        else:
            self._stuck.append(old)  # a QThread must not be deleted while it runs
        log.warning("The evolution worker made no progress for %.0f s; replaced it.",
                    self.stall_seconds)
        self.stalled.emit()
