"""Immutable pictures of a run, made in the worker thread and drawn by the GUI.

A frame carries what changed since an earlier frame — the images of the cells that
changed and the generations completed since — plus the small per-cell arrays whole
(confidences, generations: 16 bytes a cell). Its consumer keeps the frame's
:attr:`Snapshot.cursor` and asks for the next frame since it; a frame asked since no
cursor (``since=None``) is whole: every drawn image, the whole history. For a
1000-class ImageNet run that is the difference between about 200 MB and a few MB per
frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .stats import GenerationStats


@dataclass(frozen=True)
class FrameCursor:
    """Where a consumer of frames stands: pass it as ``since`` for the next frame.

    Attributes:
        archive_version: the archive's change counter when the frame was made.
        history_length: generations in the run's history then.
    """

    archive_version: int
    history_length: int


@dataclass(frozen=True)
class Snapshot:
    """One frame of a run: what a view needs to catch up with it. Arrays are copies.

    Attributes:
        since: the cursor this frame continues from; None: a whole frame (a view that
            starts afresh takes it as everything).
        cursor: the cursor to ask the next frame since.
        model_label: model name, flagged when its weights are random.
        encoding: ``"direct"`` or ``"cppn"``.
        generation, evaluations, wall_seconds, evals_per_second: progress.
        class_indices: the model class of each cell, in display order.
        class_names: the name of each cell's class.
        confidences: ``(cells,)`` every cell's elite confidence (-1 for an empty cell).
        elite_generations: ``(cells,)`` generation each elite was found (-1 empty).
        image_cells: ``(k,)`` the cells whose image changed since ``since``
            (whole frame: every cell with a drawn image), ascending.
        images: ``(k, H, W, C)`` uint8, those cells' images.
        improved: cells with a new elite since ``since`` (whole frame: every filled
            cell); a new elite's image may come in a later frame (see ``pending_images``).
        pending_images: cells whose current elite is not drawn yet.
        new_stats: the generations completed since ``since`` (whole frame: all).
        offspring: ``(k, H, W, C)`` uint8, the latest generation's first offspring.
        offspring_best: ``(k,)`` each offspring's best confidence over the cells.
        finished: the run reached its generation budget.
    """

    since: FrameCursor | None
    cursor: FrameCursor
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
    image_cells: np.ndarray
    images: np.ndarray
    improved: np.ndarray
    pending_images: int
    new_stats: tuple[GenerationStats, ...]
    offspring: np.ndarray
    offspring_best: np.ndarray
    finished: bool

    @property
    def whole(self) -> bool:
        """Carries everything (asked since no cursor)."""
        return self.since is None

    def follows(self, cursor: FrameCursor | None) -> bool:
        """Whether a consumer standing at ``cursor`` (None: holding nothing) is up to
        date after taking this frame: it is whole, or continues from ``cursor``."""
        return self.since is None or self.since == cursor

    def image_of(self, cell: int) -> np.ndarray | None:
        """``cell``'s new image in this frame, or None when it did not change."""
        i = int(np.searchsorted(self.image_cells, cell))
        if i < self.image_cells.size and self.image_cells[i] == cell:
            return self.images[i]
        return None

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays this frame made (its history is shared, not copied)."""
        return sum(a.nbytes for a in (self.class_indices, self.confidences,
                                      self.elite_generations, self.image_cells, self.images,
                                      self.improved, self.offspring, self.offspring_best))

    @property
    def min_confidence(self) -> float:
        return float(self.confidences.min()) if self.confidences.size else 0.0
