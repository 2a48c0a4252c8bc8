"""Immutable pictures of a run, made in the worker thread and drawn by the GUI."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .stats import GenerationStats


@dataclass(frozen=True)
class Snapshot:
    """Everything a view needs to draw a run at one moment. Arrays are copies.

    Attributes:
        model_label: model name, flagged when its weights are random.
        encoding: ``"direct"`` or ``"cppn"``.
        generation, evaluations, wall_seconds, evals_per_second: progress.
        class_indices: the model class of each cell, in display order.
        class_names: the name of each cell's class.
        confidences: ``(cells,)`` elite confidence (-1 for an empty cell).
        elite_generations: ``(cells,)`` generation each elite was found (-1 empty).
        elite_images: ``(cells, H, W, C)`` uint8; with ``pending_images`` > 0 some
            cells still show an earlier elite (or black) until a later snapshot.
        image_versions: ``(cells,)`` bumped each time a cell's image changes.
        pending_images: cells whose current elite is not drawn in this snapshot.
        improved: cells that improved since the previous snapshot of this run.
        new_stats: the generations completed since the previous snapshot, so a plot
            can append them even though only the latest snapshot is drawn.
        offspring: ``(k, H, W, C)`` uint8, the latest generation's first offspring.
        offspring_best: ``(k,)`` each offspring's best confidence over the cells.
        finished: the run reached its generation budget.
    """

    model_label: str
    encoding: str
    generation: int
    evaluations: int
    wall_seconds: float
    evals_per_second: float
    class_indices: np.ndarray
    class_names: tuple[str, ...]
    confidences: np.ndarray
    elite_generations: np.ndarray
    elite_images: np.ndarray
    image_versions: np.ndarray
    pending_images: int
    improved: np.ndarray
    new_stats: tuple[GenerationStats, ...]
    offspring: np.ndarray
    offspring_best: np.ndarray
    finished: bool

    @property
    def min_confidence(self) -> float:
        return float(self.confidences.min()) if self.confidences.size else 0.0
