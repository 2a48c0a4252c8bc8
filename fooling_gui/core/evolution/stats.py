"""Per-generation statistics that feed the plots, the CLI and the manifest."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GenerationStats:
    """The archive after one generation.

    Attributes:
        generation: 0 is the random start.
        evaluations: images scored so far, in the whole run.
        wall_seconds: time spent evolving so far (pauses excluded).
        best: ``(cells,)`` float32, each cell's elite confidence (0 for empty cells).
        mean, median: of ``best`` across cells.
        coverage: fraction of cells holding an elite.
        above_99, above_9999: cells at ≥ 0.99 and ≥ 0.9999.
        improved: how many cells improved in this generation.
    """

    generation: int
    evaluations: int
    wall_seconds: float
    best: np.ndarray
    mean: float
    median: float
    coverage: float
    above_99: int
    above_9999: int
    improved: int

    @classmethod
    def of(cls, confidences: np.ndarray, generation: int, evaluations: int,
           wall_seconds: float, improved: int) -> GenerationStats:
        best = np.clip(confidences, 0.0, None).astype(np.float32)
        return cls(
            generation=generation,
            evaluations=evaluations,
            wall_seconds=wall_seconds,
            best=best,
            mean=float(best.mean()),
            median=float(np.median(best)),
            coverage=float((confidences >= 0).mean()),
            above_99=int((confidences >= 0.99).sum()),
            above_9999=int((confidences >= 0.9999).sum()),
            improved=improved,
        )

    def to_dict(self) -> dict:
        """JSON-ready summary (per-class values rounded for readability)."""
        return {
            "generation": self.generation,
            "evaluations": self.evaluations,
            "wall_seconds": round(self.wall_seconds, 3),
            "mean": self.mean,
            "median": self.median,
            "coverage": self.coverage,
            "above_99": self.above_99,
            "above_9999": self.above_9999,
            "improved": self.improved,
        }


def first_generation_reaching(history: list[GenerationStats], threshold: float) -> np.ndarray:
    """Per cell, the first generation whose best is ≥ ``threshold`` (-1 if never)."""
    if not history:
        return np.zeros(0, dtype=np.int64)
    best = np.stack([s.best for s in history])  # (generations, cells)
    reached = best >= threshold
    first = reached.argmax(axis=0)
    gens = np.array([s.generation for s in history])
    return np.where(reached.any(axis=0), gens[first], -1)
