"""Where a generation's time goes: ask/mutate, plan, render, score, tell, snapshot.

Only ``bench --split`` switches a clock on. It waits for the device before each
reading (on a GPU work is queued, so without that a stage's time would show up in
whichever later stage first waits for it); with no clock the loop never waits.
"""

from __future__ import annotations

import time

import torch

STAGES = ("ask", "plan", "render", "score", "tell", "snapshot")


class StageClock:
    """Adds up seconds per stage between :meth:`start` and successive :meth:`lap` calls."""

    def __init__(self, device: str | torch.device = "cpu"):
        self.device = torch.device(device)
        self.seconds = dict.fromkeys(STAGES, 0.0)
        self._last = 0.0

    def _now(self) -> float:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        return time.perf_counter()

    def start(self) -> None:
        self._last = self._now()

    def lap(self, stage: str) -> None:
        """The time since the last reading belongs to ``stage``."""
        now = self._now()
        self.seconds[stage] += now - self._last
        self._last = now

    def shares(self) -> dict[str, float]:
        """Each stage's fraction of the total."""
        total = sum(self.seconds.values()) or 1.0
        return {k: v / total for k, v in self.seconds.items()}
