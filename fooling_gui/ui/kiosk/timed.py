"""``--kiosk --run-for S [--stats JSON] [--screenshot PNG]``: a timed kiosk run and its report.

Soak tests use this: the real kiosk runs for ``S`` seconds while resident memory is
sampled, then the counters, errors, memory curve and GUI latency are written, the
screen optionally pictured, and the application quits (exit code 1 if any error).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from ...core.errors import FoolingError
from ...core.files import write_json
from ..latency_probe import LatencyProbe
from ..timed_run import save_screenshot
from .config import KioskConfig, describe
from .heartbeat import resident_mb

RSS_SAMPLE_S = 5.0
RSS_SAMPLES_KEPT = 4000  # beyond this, every other sample is dropped (days-long runs)
WARMUP_S = 120.0  # memory growth is measured from here (model loaded, caches warm)
PROBE_INTERVAL_MS = 50  # coarse enough that the probe's own samples do not add up


class RssSampler(QObject):
    """Samples resident memory every ``interval_s`` as ``(seconds since start, MiB)``."""

    def __init__(self, interval_s: float = RSS_SAMPLE_S, parent: QObject | None = None):
        super().__init__(parent)
        self.samples: list[tuple[float, float]] = []
        self.started = time.monotonic()
        self._timer = QTimer(self, interval=int(interval_s * 1000))
        self._timer.timeout.connect(self.sample)

    def start(self) -> None:
        self.started = time.monotonic()
        self.sample()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def sample(self) -> None:
        self.samples.append((round(time.monotonic() - self.started, 1), round(resident_mb(), 1)))
        if len(self.samples) > RSS_SAMPLES_KEPT:
            self.samples = self.samples[::2]

    def summary(self) -> dict:
        if not self.samples:
            return {}
        mbs = [mb for _, mb in self.samples]
        t_end = self.samples[-1][0]
        warmup = min(WARMUP_S, t_end / 5.0)
        after = [mb for t, mb in self.samples if t >= warmup]
        return {"first": mbs[0], "min": min(mbs), "max": max(mbs), "last": mbs[-1],
                "warmup_seconds": round(warmup, 1),
                "growth_after_warmup": round(after[-1] - after[0], 1) if after else 0.0,
                "max_growth_after_warmup": round(max(after) - after[0], 1) if after else 0.0}


class KioskTimedRun(QObject):
    """Quits the kiosk after ``run_for`` seconds, writing stats and a screenshot first.

    Args:
        controller: the running :class:`~.controller.KioskController`.
        run_for: seconds.
        stats: JSON path, or None.
        screenshot: PNG path, or None.
        config: the settings in use; problems: what was wrong with the file.
    """

    def __init__(self, controller, run_for: float, stats: Path | None, screenshot: Path | None,
                 config: KioskConfig, problems: list[str], parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self.window = controller.window
        self.run_for = run_for
        self.stats_path = stats
        self.screenshot = screenshot
        self.config = config
        self.problems = problems
        self.exit_code = 0
        self.rss = RssSampler(parent=self)
        self.probe = LatencyProbe(PROBE_INTERVAL_MS, self)
        self._deadline = QTimer(self, singleShot=True, interval=int(run_for * 1000))
        self._deadline.timeout.connect(self.finish)
        self._t0 = time.monotonic()

    def begin(self) -> None:
        self._t0 = time.monotonic()
        self.rss.start()
        self.probe.start()
        self._deadline.start()

    def finish(self) -> None:
        app = QApplication.instance()
        self.rss.sample()
        self.rss.stop()
        latency = self.probe.summary()
        self.probe.stop()
        try:
            if self.screenshot is not None:
                app.processEvents()
                save_screenshot(self.window, self.screenshot)
            if self.stats_path is not None:
                write_json(self.stats_path, self.collect_stats(latency))
        except FoolingError as exc:
            print(f"fooling-gui: {exc}", file=sys.stderr)
            self.exit_code = 2
        if self.controller.error_count and self.exit_code == 0:
            self.exit_code = 1
        self.controller.shutdown()
        self.window.allow_close()
        self.window.close()
        app.exit(self.exit_code)

    def collect_stats(self, latency: dict) -> dict:
        c = self.controller
        return {
            "run_for_seconds": self.run_for,
            "elapsed_seconds": round(time.monotonic() - self._t0, 1),
            "time_scale": self.config.time_scale,
            "rss_sample_seconds": RSS_SAMPLE_S,
            "rss_mb": [{"t": t, "mb": mb} for t, mb in self.rss.samples],
            "rss_mb_summary": self.rss.summary(),
            "attract_cycles": c.attract_cycles,
            "visitor_sessions": c.visitor_sessions,
            "saved_images": c.saved_images,
            "generations_shown": c.generations_shown,
            "errors": list(c.errors),
            "error_count": c.error_count,
            "final_state": c.state,
            "window_size": [self.window.width(), self.window.height()],
            "screen_size": [self.window.screen().geometry().width(),
                            self.window.screen().geometry().height()],
            "event_loop_latency_ms": latency,
            "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg")
            else None,
            "config_problems": list(self.problems),
            "config": describe(self.config),
        }


def timed_run_factory(args) -> Callable:
    """What ``--run-for``/``--stats``/``--screenshot`` ask of the kiosk, as the
    ``timed_run`` argument of :func:`~.app.run_kiosk`."""
    def attach(controller, config: KioskConfig, problems: list[str], parent: QObject):
        return KioskTimedRun(controller, args.run_for, args.stats, args.screenshot, config,
                             problems, parent=parent)

    return attach
