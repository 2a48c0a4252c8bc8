"""Running the evolution engine for the defence experiments and summarising a run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EvolvedImages:
    """What one seeded MAP-Elites run against one classifier produced.

    Attributes:
        model_label: the classifier the images were evolved against.
        class_indices: ``(cells,)`` the evolved classes.
        images: ``(cells, H, W, C)`` uint8 final elites (black where a cell is empty).
        confidences: ``(cells,)`` each elite's confidence for its class (-1: empty).
        first_99, first_9999: ``(cells,)`` first generation whose elite reached 0.99 /
            0.9999 (-1: never).
        generations: generations run after the random start.
        evaluations: images scored.
        wall_seconds: time spent evolving.
        collected_images: ``(M, H, W, C)`` uint8, every distinct elite that reached
            ``collect_above`` during the run (empty when not collecting).
        collected_classes: ``(M,)`` the class each collected image was an elite of.
    """

    model_label: str
    class_indices: np.ndarray
    images: np.ndarray
    confidences: np.ndarray
    first_99: np.ndarray
    first_9999: np.ndarray
    generations: int
    evaluations: int
    wall_seconds: float
    collected_images: np.ndarray
    collected_classes: np.ndarray

    @property
    def filled(self) -> np.ndarray:
        return self.confidences >= 0

    @property
    def median_confidence(self) -> float:
        return float(np.median(np.clip(self.confidences, 0.0, None)))

    @property
    def median_generations_to_99(self) -> float | None:
        return median_generations(self.first_99)

    def summary(self) -> dict:
        """JSON-ready per-class and overall figures."""
        return {
            "model": self.model_label,
            "generations": self.generations,
            "evaluations": self.evaluations,
            "wall_seconds": round(self.wall_seconds, 2),
            "median_confidence": self.median_confidence,
            "median_generations_to_99": self.median_generations_to_99,
            "classes_at_99": int((self.confidences >= 0.99).sum()),
            "classes_at_9999": int((self.confidences >= 0.9999).sum()),
            "per_class": [
                {"class": int(k), "confidence": float(c), "generations_to_99": _gen(g99),
                 "generations_to_9999": _gen(g9999)}
                for k, c, g99, g9999 in zip(self.class_indices, self.confidences,
                                            self.first_99, self.first_9999)
            ],
        }


def _gen(g: int) -> int | None:
    return None if g < 0 else int(g)


def median_generations(first: np.ndarray) -> float | None:
    """Median over classes of "first generation reaching a level"; classes that never
    reached it count as later than any that did. ``None`` when the median never did."""
    first = np.asarray(first, dtype=np.float64)
    if first.size == 0:
        return None
    med = float(np.median(np.where(first < 0, np.inf, first)))
    return None if not np.isfinite(med) else med


def evolve_against(classifier, *, generations: int, batch: int = 200, seed: int = 0,
                   encoding: str = "direct", classes: Sequence[int] | None = None,
                   collect_above: float | None = None, eval_batch: int | None = None,
                   device: str | None = None,
                   on_generation: Callable[[object], None] | None = None) -> EvolvedImages:
    """Run MAP-Elites against ``classifier`` and summarise the run.

    Args:
        classifier: anything with ``.spec`` and ``.probabilities(images, batch_size)``.
        generations: generations after the random start.
        batch: offspring per generation.
        seed: seeds the run.
        encoding: ``"direct"`` or ``"cppn"``.
        classes: the classes that get a cell (``None``: all).
        collect_above: also keep every new elite at or above this confidence (the
            fooling images a retraining round adds to the training set).
        eval_batch: largest forward-pass batch.
        device: where images are rendered (default: the classifier's device).
        on_generation: called with each generation's stats (progress); an exception it
            raises (a cancelled GUI job) ends the run and propagates.
    """
    from ..evolution import EvolutionRun, RunConfig, first_generation_reaching

    config = RunConfig(model=classifier.spec.name, encoding=encoding, batch=batch,
                       generations=generations, classes=None if classes is None else tuple(classes),
                       seed=seed, device=str(device or classifier.device),
                       random_init=classifier.spec.random_init,
                       eval_batch=eval_batch)
    run = EvolutionRun(config, classifier=classifier)
    archive = run.archive
    kept_images: list[np.ndarray] = []
    kept_classes: list[np.ndarray] = []
    for stats in run.iterate():
        if on_generation is not None:
            on_generation(stats)
        if collect_above is None:
            continue
        # A cell whose elite dates from this generation holds a new image.
        new = np.flatnonzero((archive.generations == stats.generation)
                             & (archive.confidences >= collect_above))
        if new.size:
            # One image may win several cells at once; keep it once.
            _, first = np.unique(archive.images[new].reshape(new.size, -1), axis=0,
                                 return_index=True)
            new = new[np.sort(first)]
            kept_images.append(archive.images[new].copy())
            kept_classes.append(archive.class_indices[new].copy())
    shape = archive.images.shape[1:]
    return EvolvedImages(
        model_label=classifier.spec.label,
        class_indices=archive.class_indices.copy(),
        images=archive.images.copy(),
        confidences=archive.confidences.copy(),
        first_99=first_generation_reaching(run.history, 0.99),
        first_9999=first_generation_reaching(run.history, 0.9999),
        generations=run.generation,
        evaluations=run.evaluations,
        wall_seconds=run.wall_seconds,
        collected_images=(np.concatenate(kept_images) if kept_images
                          else np.zeros((0, *shape), dtype=np.uint8)),
        collected_classes=(np.concatenate(kept_classes) if kept_classes
                           else np.zeros(0, dtype=np.int64)),
    )
