"""A whole sweep's progress: runs done and failed, images scored, time left."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sweep import PlannedRun


@dataclass(frozen=True)
class SweepProgress:
    """The whole sweep's progress, for a bar or a status line."""

    runs_total: int
    runs_done: int
    runs_failed: int
    runs_skipped: int
    images_total: int
    images_done: int
    elapsed_s: float
    eta_s: float | None
    message: str = ""



class SweepReporter:
    """Turns run ends and generation counts into :class:`SweepProgress` calls."""

    def __init__(self, planned: list[PlannedRun], callback):
        self.callback = callback
        self.planned = {p.run.run_id: p for p in planned}
        self.total = sum(p.images for p in planned)
        self.skipped = sum(p.row is not None for p in planned)
        self.base = sum(p.images for p in planned if p.row is not None)
        self.finished_images = 0
        self.done = self.failed = 0
        self.running: dict[str, int] = {}
        self.ended: set[str] = set()
        self.start = time.monotonic()
        self.last_text = ""

    def run_ended(self, p: PlannedRun, ok: bool, text: str = "") -> None:
        self.running.pop(p.run.run_id, None)
        self.ended.add(p.run.run_id)
        self.finished_images += p.images
        if ok:
            self.done += 1
        else:
            self.failed += 1
        self.last_text = f"{p.run.run_id} {'done' if ok else 'failed: ' + text}"
        self._emit()

    def tick(self, generations: dict[str, int]) -> None:
        for run_id, gens in generations.items():
            if run_id not in self.ended:
                cfg = self.planned[run_id].config
                self.running[run_id] = min(gens, cfg.generations + 1) * cfg.batch
        self._emit()

    def final(self) -> None:
        self._emit()

    def _emit(self) -> None:
        if self.callback is None:
            return
        progressed = self.finished_images + sum(self.running.values())
        elapsed = time.monotonic() - self.start
        remaining = self.total - self.base - progressed
        eta = remaining * elapsed / progressed if progressed > 0 and elapsed > 1 else None
        self.callback(SweepProgress(len(self.planned), self.skipped + self.done, self.failed,
                                    self.skipped, self.total,
                                    min(self.total, self.base + progressed), elapsed,
                                    eta if remaining > 0 else 0.0, self.last_text))
