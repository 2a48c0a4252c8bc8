"""Do fooling images transfer? Images evolved against one model, scored on others.

The result is a matrix: row = the model the images were evolved against (source),
column = the model that scores them (target), value = mean probability the target
gives the class the image was evolved for. The diagonal is the evolved confidence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import FoolingError
from ..images import from_uint8
from .evolved import evolve_against


@dataclass(frozen=True)
class TransferMatrix:
    """Source × target scores of evolved images.

    Attributes:
        sources: labels of the models images were evolved against (rows).
        targets: labels of the models that scored them (columns).
        mean_confidence: ``(S, T)`` mean probability of each image's class.
        at_99: ``(S, T)`` fraction of images the target gives ≥ 0.99 for their class.
        top1: ``(S, T)`` fraction of images whose top-1 on the target is their class.
        n_images: ``(S,)`` images per source.
    """

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    mean_confidence: np.ndarray
    at_99: np.ndarray
    top1: np.ndarray
    n_images: np.ndarray

    def to_dict(self) -> dict:
        return {"sources": list(self.sources), "targets": list(self.targets),
                "mean_confidence": self.mean_confidence.round(6).tolist(),
                "at_99": self.at_99.round(6).tolist(), "top1": self.top1.round(6).tolist(),
                "n_images": self.n_images.tolist()}


def transfer_matrix(galleries: Mapping[str, tuple[np.ndarray, np.ndarray]],
                    targets: Mapping[str, object], batch_size: int = 500) -> TransferMatrix:
    """Score every gallery on every target model.

    Args:
        galleries: source label → ``(images uint8 (N, H, W, C), classes (N,))``.
        targets: target label → classifier; class indices must mean the same on all.
        batch_size: forward-pass chunk size.

    Raises:
        FoolingError: a class index the target does not have.
    """
    s_labels, t_labels = tuple(galleries), tuple(targets)
    shape = (len(s_labels), len(t_labels))
    mean_conf, at_99, top1 = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    counts = np.zeros(len(s_labels), dtype=np.int64)
    for i, (images, classes) in enumerate(galleries.values()):
        classes = np.asarray(classes, dtype=np.int64)
        counts[i] = len(classes)
        if not len(classes):
            continue
        x = from_uint8(images)
        for j, (name, model) in enumerate(targets.items()):
            if classes.max() >= model.spec.n_classes:
                raise FoolingError(f"{name} has no class {int(classes.max())}.")
            probs = model.probabilities(x, batch_size=batch_size).numpy()
            own = probs[np.arange(len(classes)), classes]
            mean_conf[i, j] = own.mean()
            at_99[i, j] = (own >= 0.99).mean()
            top1[i, j] = (probs.argmax(axis=1) == classes).mean()
    return TransferMatrix(s_labels, t_labels, mean_conf, at_99, top1, counts)


def transfer_experiment(models: Sequence, *, generations: int = 100, batch: int = 200,
                        seeds: Sequence[int] = (0,), encoding: str = "direct",
                        extra_targets: Sequence = (),
                        on_generation: Callable[[object], None] | None = None
                        ) -> tuple[TransferMatrix, list[dict]]:
    """Evolve against each model (one run per seed), then score everything on all.

    Args:
        models: sources and targets (classifiers with the same classes).
        generations, batch, encoding: evolution budget of each run.
        seeds: one run per seed per source model; each contributes its final elites.
        extra_targets: models that only score (e.g. a random-weights baseline).
        on_generation: passed to :func:`evolve_against` (progress, cancelling).

    Returns:
        The matrix and, per source model, the summaries of its evolution runs.
    """
    galleries: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    runs = []
    for model in models:
        imgs, classes, summaries = [], [], []
        for seed in seeds:
            evo = evolve_against(model, generations=generations, batch=batch, seed=seed,
                                 encoding=encoding, on_generation=on_generation)
            keep = evo.filled
            imgs.append(evo.images[keep])
            classes.append(evo.class_indices[keep])
            s = evo.summary()
            s.pop("per_class")
            summaries.append({"seed": seed, **s})
        galleries[_unique(model.spec.label, galleries)] = (np.concatenate(imgs),
                                                           np.concatenate(classes))
        runs.append({"source": model.spec.label, "runs": summaries})
    targets: dict[str, object] = {}
    for m in [*models, *extra_targets]:
        targets[_unique(m.spec.label, targets)] = m
    return transfer_matrix(galleries, targets), runs


def _unique(label: str, taken: Mapping) -> str:
    """``label``, or ``label #2`` … when two models share a label."""
    k, out = 1, label
    while out in taken:
        k += 1
        out = f"{label} #{k}"
    return out
