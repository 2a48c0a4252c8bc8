"""The kiosk's worker-side session: evolution at a pace people can follow.

:class:`PacedSession` is the main window's
:class:`~fooling_gui.sessions.evolution_session.EvolutionSession` (same model cache, same
chunked, stoppable steps, same :class:`RunFrame` s) with two changes for an exhibit:
generations are spaced out to a fixed rate, and a run ends as soon as its image
reaches the target confidence. Used through an unchanged
:class:`~fooling_gui.ui.evolution_worker.EvolutionWorker`, so it runs in the worker
thread only. No Qt here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import FoolingError
from ..core.evolution import RunConfig
from .evolution_session import EvolutionSession, RunFrame
from .model_cache import ModelCache

log = logging.getLogger(__name__)

WAIT_SLICE_S = 0.05  # stop and pause act within this while waiting between generations


@dataclass(frozen=True)
class SavedImage:
    """Answer to :meth:`PacedSession.save_visitor_image`: where the image went, or why it did not."""

    folder: Path | None
    problem: str = ""


def wait_until(control, deadline: float, clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> None:
    """Sleep until ``deadline`` in short slices, honouring pause and stop.

    Raises:
        JobStopped: the job was asked to stop (from ``control.checkpoint``).
    """
    while True:
        control.checkpoint()
        remaining = deadline - clock()
        if remaining <= 0:
            return
        sleep(min(remaining, WAIT_SLICE_S))


class PacedSession(EvolutionSession):
    """An :class:`EvolutionSession` whose runs advance ``pace`` generations per second.

    Args:
        pace: generations per (real) second.
        target_confidence: a run returns once every cell's elite reaches this.
        load, device, models: as for :class:`EvolutionSession`.
    """

    def __init__(self, pace: float, target_confidence: float,
                 load: Callable[[str, bool], Any] | None = None, device: str = "cpu",
                 models: ModelCache | None = None):
        super().__init__(load=load, device=device, models=models)
        if pace <= 0:
            raise ValueError("pace must be positive")
        self.pace = pace
        self.target_confidence = target_confidence

    def evolve(self, control, config: RunConfig, seed_cell: int | None = None) -> Iterator[RunFrame]:
        steps = super().evolve(control, config, seed_cell)
        return self._paced(control, steps)

    def _paced(self, control, steps: Iterator[RunFrame]) -> Iterator[RunFrame]:
        period = 1.0 / self.pace
        due = time.monotonic()
        try:
            while True:
                try:
                    value = next(steps)
                except StopIteration as done:
                    return done.value
                yield value
                if self.reached_target():
                    return self.current_frame()
                # After a slow step, carry on at the pace instead of racing to catch up.
                due = max(due + period, time.monotonic())
                wait_until(control, due)
        finally:
            steps.close()

    def reached_target(self) -> bool:
        confidences = self.run.archive.confidences if self.run is not None else None
        return confidences is not None and confidences.size > 0 and \
            float(confidences.min()) >= self.target_confidence

    def save_visitor_image(self, out_dir: str | Path) -> SavedImage:
        """Save the current run's image as a gallery folder; never fails the worker.

        A visitor must not be interrupted by a full disk or a missing folder, so a
        problem comes back as :attr:`SavedImage.problem` instead of an error.
        """
        try:
            manifest = self.export(out_dir, overwrite=False)
        except (FoolingError, OSError) as exc:
            log.warning("Could not save the visitor's image: %s", exc)
            return SavedImage(None, str(exc))
        return SavedImage(Path(manifest).parent)
