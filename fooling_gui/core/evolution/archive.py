"""MAP-Elites archive with one cell per class (Nguyen et al. 2015).

Every cell keeps the single image with the highest probability for its class. Each
offspring competes for *every* cell, so one image can hold several cells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..encodings.base import Genome


@dataclass(frozen=True)
class Elite:
    """One archive cell's champion, safe to hand to another thread."""

    class_index: int
    class_name: str
    confidence: float
    generation: int
    image: np.ndarray  # (H, W, C) uint8, a private copy
    genome: Genome
    probabilities: np.ndarray  # (n_classes,) float32: the whole softmax, for top-k


class EliteArchive:
    """Elites for a fixed list of classes.

    Args:
        class_indices: the model classes that get a cell, in display order.
        class_names: all of the model's class names.
        image_shape: ``(H, W, C)`` of stored images.
    """

    def __init__(self, class_indices: Sequence[int], class_names: Sequence[str],
                 image_shape: tuple[int, int, int]):
        self.class_indices = np.asarray(class_indices, dtype=np.int64)
        self.class_names = tuple(class_names)
        n = len(self.class_indices)
        self._all_classes = np.array_equal(self.class_indices, np.arange(len(self.class_names)))
        self.confidences = np.full(n, -1.0, dtype=np.float64)  # -1: empty cell
        self.generations = np.full(n, -1, dtype=np.int64)
        self._images = np.zeros((n, *image_shape), dtype=np.uint8)
        # Change counters, so a frame can carry only what changed since an earlier one:
        # ``version`` counts the changes (a tell that improves a cell, a draw); each cell
        # keeps the version of its last new elite and of its last stored image (0: never).
        self.version = 0
        self.elite_versions = np.zeros(n, dtype=np.int64)
        self.image_versions = np.zeros(n, dtype=np.int64)
        # Cells whose image is drawn only when someone looks (see ``images``).
        self._stale: set[int] = set()
        self._draw: Callable[[list[Genome]], np.ndarray] | None = None
        self.probabilities = np.zeros((n, len(self.class_names)), dtype=np.float32)
        self.genomes: list[Genome | None] = [None] * n

    @property
    def images(self) -> np.ndarray:
        """``(cells, H, W, C)`` uint8 elite images (drawn now for cells told lazily)."""
        self.draw_pending()
        return self._images

    def images_of(self, cells: np.ndarray) -> np.ndarray:
        """A copy of the stored images of ``cells``, without drawing: a pending cell
        still holds its previous elite (or black)."""
        return self._images[cells]

    @property
    def pending(self) -> int:
        """Cells whose current elite has not been drawn yet."""
        return len(self._stale)

    def draw_pending(self, limit: int | None = None) -> int:
        """Draw the pending cells, lowest first, at most ``limit`` of them; returns how
        many are still pending. A 1000-class run can then show its first frame after
        drawing a screenful rather than all 1000 images."""
        if self._stale:
            self._draw_cells(sorted(self._stale)[:limit])
        return len(self._stale)

    def _draw_cells(self, cells: list[int]) -> None:
        cells = [c for c in cells if c in self._stale]
        if cells:
            self._images[cells] = self._draw([self.genomes[c] for c in cells])
            self._stale.difference_update(cells)
            self.version += 1
            self.image_versions[cells] = self.version

    def changed_since(self, version: int | None) -> tuple[np.ndarray, np.ndarray]:
        """``(cells with a new elite, cells with a new image)`` since ``version`` (None:
        since the start, i.e. every filled cell and every drawn image). A cell whose new
        elite is not drawn yet is in the first array only; its image follows once drawn.
        Reads only: asking twice gives the same answer."""
        filled = self.generations >= 0
        drawn = filled.copy()
        if self._stale:
            drawn[list(self._stale)] = False
        if version is None:
            return np.flatnonzero(filled), np.flatnonzero(drawn)
        return (np.flatnonzero(filled & (self.elite_versions > version)),
                np.flatnonzero(drawn & (self.image_versions > version)))

    def __len__(self) -> int:
        return len(self.class_indices)

    @property
    def filled(self) -> np.ndarray:
        """Indices of cells that hold an elite."""
        return np.flatnonzero(self.generations >= 0)

    def tell(self, genomes: Sequence[Genome], probabilities: np.ndarray, generation: int, *,
             images: Callable[[np.ndarray], np.ndarray] | None = None,
             draw: Callable[[list[Genome]], np.ndarray] | None = None) -> np.ndarray:
        """Offer a scored batch to every cell; returns the cells that improved.

        The winners' images come from exactly one of ``images`` and ``draw``.

        Args:
            genomes: the batch's genomes.
            probabilities: ``(B, n_classes)`` softmax of the batch.
            generation: the generation the batch belongs to.
            images: maps batch indices to their ``(k, H, W, C)`` uint8 images; only
                winners are converted, which matters for 256×256 colour images.
            draw: renders a list of genomes as uint8 images, called only when an image
                is looked at (:attr:`images`, :meth:`draw_pending`, :meth:`elite`).
                Early in a 1000-class run hundreds of cells improve every generation;
                most are beaten again before anyone looks.

        Raises:
            TypeError: neither or both of ``images`` and ``draw`` were given.
        """
        if (images is None) == (draw is None):
            raise TypeError("EliteArchive.tell takes exactly one image source: images or draw.")
        if self._all_classes:
            per_cell = probabilities  # no copy of a (400, 1000) array per generation
        else:
            per_cell = probabilities[:, self.class_indices]  # (B, cells)
        best_row = per_cell.argmax(axis=0)
        best = per_cell[best_row, np.arange(len(self))]
        improved = np.flatnonzero(best > self.confidences)
        if improved.size:
            rows = best_row[improved]
            self.confidences[improved] = best[improved]
            self.generations[improved] = generation
            self.version += 1
            self.elite_versions[improved] = self.version
            if draw is not None:
                self._draw = draw
                self._stale.update(int(c) for c in improved)
            else:
                unique_rows, inverse = np.unique(rows, return_inverse=True)
                self._stale.difference_update(int(c) for c in improved)
                self._images[improved] = images(unique_rows)[inverse]
                self.image_versions[improved] = self.version
            self.probabilities[improved] = probabilities[rows]
            for cell, row in zip(improved, rows):
                self.genomes[cell] = genomes[row]
        return improved

    def parent_genomes(self, n: int, rng: np.random.Generator) -> list[Genome]:
        """``n`` parents drawn uniformly from the filled cells."""
        cells = self.filled
        picks = cells[rng.integers(0, cells.size, size=n)]
        return [self.genomes[c] for c in picks]

    def elite(self, cell: int) -> Elite | None:
        if self.generations[cell] < 0:
            return None
        k = int(self.class_indices[cell])
        return Elite(
            class_index=k,
            class_name=self.class_names[k],
            confidence=float(self.confidences[cell]),
            generation=int(self.generations[cell]),
            image=self._image_of(cell),
            genome=self.genomes[cell],
            probabilities=self.probabilities[cell].copy(),
        )

    def _image_of(self, cell: int) -> np.ndarray:
        self._draw_cells([cell])  # only this one: the inspector must not wait for 1000
        return self._images[cell].copy()

    def elites(self) -> list[Elite]:
        """Every filled cell's elite, in cell order."""
        self.draw_pending()  # one batched draw rather than one per cell
        return [e for e in (self.elite(c) for c in range(len(self))) if e is not None]
