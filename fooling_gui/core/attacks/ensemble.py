"""Ensembles as a defence: is a committee of networks harder to fool than one?

``EnsembleClassifier`` combines members that share their classes; the evolution
engine runs against it like against any classifier, so :func:`compare_ensemble`
measures how many generations evolution needs to fool one member versus the
whole committee.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch

from ..errors import FoolingError
from ..images import from_uint8
from .evolved import EvolvedImages, evolve_against
from .wrapped import DerivedClassifier

ENSEMBLE_MODES = ("mean", "min")


class EnsembleClassifier(DerivedClassifier):
    """Several classifiers with the same classes answering as one.

    Args:
        classifiers: the members (Classifier or any derived classifier).
        mode: ``"mean"`` averages the members' probabilities (a proper distribution);
            ``"min"`` gives each class the *lowest* probability any member gives it —
            an image only scores high if every member agrees. In ``"min"`` mode a
            row sums to at most 1; ``log_probs`` returns the log of those values.

    Raises:
        FoolingError: no members, an unknown mode, or members whose class names or
            channels differ.
    """

    def __init__(self, classifiers: Sequence, mode: str = "mean"):
        members = list(classifiers)
        if not members:
            raise FoolingError("An ensemble needs at least one model.")
        if mode not in ENSEMBLE_MODES:
            raise FoolingError(f"Unknown ensemble mode {mode!r}; choose mean or min.")
        first = members[0].spec
        for m in members[1:]:
            if m.spec.class_names != first.class_names:
                raise FoolingError(f"{m.spec.label} and {first.label} have different classes, "
                                   "so they cannot vote together.")
            if m.spec.channels != first.channels:
                raise FoolingError(f"{m.spec.label} and {first.label} read different numbers "
                                   "of colour channels.")
        self.members = members
        self.mode = mode
        self.device = members[0].device
        names = ",".join(m.spec.name for m in members)
        self.spec = replace(
            first,
            name=f"ensemble-{mode}({names})",
            weights_sha256="",
            random_init=any(m.spec.random_init for m in members),
            description=f"{mode} of {len(members)} models: {names}",
        )

    def log_probs(self, images: torch.Tensor) -> torch.Tensor:
        parts = torch.stack([m.log_probs(images).to(self.device) for m in self.members])
        if self.mode == "mean":
            return torch.logsumexp(parts, dim=0) - math.log(len(self.members))
        return parts.min(dim=0).values


@dataclass(frozen=True)
class EnsembleComparison:
    """Evolution against one member and against the ensemble, same seed and budget.

    Attributes:
        single: the run against the first member alone.
        ensemble: the run against the ensemble.
        mode: the ensemble's mode.
        member_labels: the members, first is the single model.
        cross_confidence: ``(members,)`` mean confidence of the ensemble-evolved
            elites for their class on each member alone.
    """

    single: EvolvedImages
    ensemble: EvolvedImages
    mode: str
    member_labels: tuple[str, ...]
    cross_confidence: np.ndarray

    def to_dict(self) -> dict:
        return {
            "mode": self.mode,
            "members": list(self.member_labels),
            "single": self.single.summary(),
            "ensemble": self.ensemble.summary(),
            "ensemble_images_on_each_member": [float(c) for c in self.cross_confidence],
        }


def confidence_of(classifier, images: np.ndarray, classes: np.ndarray,
                  batch_size: int = 500) -> np.ndarray:
    """``(N,)`` probability ``classifier`` gives each uint8 image's own class."""
    if len(images) == 0:
        return np.zeros(0, dtype=np.float32)
    probs = classifier.probabilities(from_uint8(images), batch_size=batch_size).numpy()
    return probs[np.arange(len(images)), np.asarray(classes)]


def compare_ensemble(members: Sequence, *, mode: str = "mean", generations: int = 100,
                     batch: int = 200, seed: int = 0, encoding: str = "direct",
                     classes: Sequence[int] | None = None,
                     single: EvolvedImages | None = None,
                     on_generation: Callable[[object], None] | None = None) -> EnsembleComparison:
    """Evolve against ``members[0]`` and against the ensemble of all members.

    Both runs use the same seed, encoding, batch and generations, so the
    generations-to-99 % per class are directly comparable.

    Args:
        single: the run against ``members[0]`` with these settings, when already made
            (comparing several modes needs it once).
        on_generation: passed to :func:`evolve_against` (progress, cancelling).
    """
    ensemble = EnsembleClassifier(members, mode=mode)
    common = {"generations": generations, "batch": batch, "seed": seed,
              "encoding": encoding, "classes": classes, "on_generation": on_generation}
    single_run = single if single is not None else evolve_against(members[0], **common)
    ensemble_run = evolve_against(ensemble, **common)
    filled = ensemble_run.filled
    cross = np.array([
        float(confidence_of(m, ensemble_run.images[filled],
                            ensemble_run.class_indices[filled]).mean()) if filled.any() else 0.0
        for m in members])
    return EnsembleComparison(single_run, ensemble_run, mode,
                              tuple(m.spec.label for m in members), cross)
