"""``--run-for`` / ``--screenshot`` / ``--stats``: run the real window, picture it, report.

The README's screenshots and the responsiveness checks are made this way: evolution
starts as soon as the model is loaded, runs for the given time while a latency probe
watches the GUI thread, then the run is stopped, the window grabbed and the numbers
written.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from ..core.errors import FoolingError
from ..core.files import write_bytes, write_json
from .evolution_worker import RUNNING
from .latency_probe import LatencyProbe

log = logging.getLogger(__name__)

LOAD_GRACE_S = 120.0  # how long the model may take to load before we give up


class TimedRun(QObject):
    """Drives one timed session of ``window`` and quits the application at the end.

    Args:
        window: the shown :class:`~fooling_gui.ui.main_window.MainWindow`.
        run_for: seconds of evolution before the picture is taken.
        screenshot: PNG path, or None.
        stats: JSON path, or None.
        probe: the GUI-thread latency probe (already running).
    """

    def __init__(self, window, run_for: float, screenshot: Path | None, stats: Path | None,
                 probe: LatencyProbe):
        super().__init__(window)
        self.window = window
        self.view = window.evolution
        self.run_for = run_for
        self.screenshot = screenshot
        self.stats_path = stats
        self.probe = probe
        self.exit_code = 0
        self._t_first: float | None = None
        self._evals_first = 0
        self._t_last = 0.0
        self._evals_last = 0
        self._finishing = False
        self.view.frame_drawn.connect(self._frame_drawn)
        self.view.worker.state_changed.connect(self._state_changed)
        self.view.worker.failed.connect(self._failed)
        self._deadline = QTimer(self, singleShot=True)
        self._deadline.timeout.connect(self.finish)
        self._give_up = QTimer(self, singleShot=True, interval=int(LOAD_GRACE_S * 1000))
        self._give_up.timeout.connect(self._no_run)

    def begin(self) -> None:
        self.view.start()
        self._give_up.start()

    def _state_changed(self, state: str) -> None:
        if state == RUNNING and not self._deadline.isActive() and not self._finishing:
            self._give_up.stop()
            self.probe.reset()  # measure the GUI while evolution runs, not while loading
            self._deadline.start(int(self.run_for * 1000))

    def _failed(self, _message: str) -> None:
        if not self._deadline.isActive():  # the run could not start: report at once
            self.exit_code = 1
            QTimer.singleShot(0, self.finish)

    def _frame_drawn(self, frame) -> None:
        now = time.perf_counter()
        if self._t_first is None:
            self._t_first, self._evals_first = now, frame.snapshot.evaluations
        self._t_last, self._evals_last = now, frame.snapshot.evaluations

    def _no_run(self) -> None:
        self.view.show_error(f"Evolution did not start within {LOAD_GRACE_S:.0f} seconds.")
        self.exit_code = 1
        self.finish()

    def finish(self) -> None:
        """Stop the run, let its last frame arrive, then picture, report and quit."""
        if self._finishing:
            return
        self._finishing = True
        self._latency = self.probe.summary()  # before the stop and the grab disturb it
        if self.view.worker.running:
            # Stopping sends one last frame (the generations since the previous one);
            # picture the window once it is drawn, or after a few seconds regardless.
            self.view.frame_drawn.connect(self._final_frame_drawn)
            self._fallback = QTimer(self, singleShot=True, interval=5000)
            self._fallback.timeout.connect(self._capture)
            self._fallback.start()
            self.view.stop()
        else:
            QTimer.singleShot(0, self._capture)

    def _final_frame_drawn(self, frame) -> None:
        if self.view.worker.state == RUNNING:
            return
        self.view.frame_drawn.disconnect(self._final_frame_drawn)
        snap = frame.snapshot
        if self.view.inspector.cell < 0 and (snap.elite_generations >= 0).any():
            # Show one elite in the inspector too: the class the network is surest of.
            best = int(np.argmax(snap.confidences))
            self.view.worker.elite_details.connect(self._inspected)
            self.view.inspect(best)
        else:
            QTimer.singleShot(50, self._capture)  # let the widgets repaint first

    def _inspected(self, _details) -> None:
        QTimer.singleShot(100, self._capture)

    def _capture(self) -> None:
        if getattr(self, "_captured", False):
            return
        self._captured = True
        app = QApplication.instance()
        self.view.flush_drawing()
        app.processEvents()
        try:
            if self.screenshot is not None:
                save_screenshot(self.window, self.screenshot)
            if self.stats_path is not None:
                write_json(self.stats_path, self.collect_stats())
        except FoolingError as exc:
            print(f"fooling-gui: {exc}", file=sys.stderr)
            self.exit_code = 2
        if self.view.errors and self.exit_code == 0:
            self.exit_code = 1
        self.window.close()
        app.exit(self.exit_code)

    def collect_stats(self) -> dict:
        stats = self.view.stats()
        wall = self._t_last - self._t_first if self._t_first is not None else 0.0
        stats["evals_per_second_wall"] = (round((self._evals_last - self._evals_first) / wall, 1)
                                          if wall > 0 else 0.0)
        stats["run_for_seconds"] = self.run_for
        stats["event_loop_latency_ms"] = self._latency
        stats["errors"] = list(self.view.errors)
        return stats


def save_screenshot(window, path: Path) -> Path:
    """Grab the whole window (works offscreen) and write it as PNG through the one
    file writer (:func:`fooling_gui.core.files.write_atomic`)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not window.grab().save(buffer, "PNG"):
        raise FoolingError(f"Could not encode the screenshot for {path}.")
    buffer.close()
    return write_bytes(path, bytes(data.data()))
