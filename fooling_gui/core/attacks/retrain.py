"""The paper's n+1 experiment on MNIST: retrain LeNet with the fooling images as an
extra class, evolve again, repeat.

Round 0 evolves against the starting 10-class model. Each later round adds every
fooling image collected so far (elites that reached ``collect_above``) as class 10,
"fooling", retrains an 11-output LeNet on the training digits plus those images and
evolves against it again — still only for the 10 digit classes. If retraining
worked, evolution would need more generations (or fail) to reach 99 %.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ..images import from_uint8
from ..models.classifier import Classifier
from ..models.training import MnistSplit
from .evolved import evolve_against
from .training import accuracy, fooling_spec, train_module, with_fooling_class

DIGITS = tuple(range(10))
FOOLING_LABEL = 10


@dataclass(frozen=True)
class RetrainRound:
    """One round: the model evolved against, and how evolution fared.

    Attributes:
        round: 0 is the starting model; round r was retrained r times.
        model: the model's label.
        fooling_in_training: fooling images in this model's training set.
        clean_accuracy: top-1 accuracy on the held-out digits.
        digits_called_fooling: fraction of held-out digits the model puts in "fooling".
        median_generations_to_99: median over the 10 digits (``None``: not reached).
        classes_at_99, classes_at_9999: digits whose best image reached that confidence.
        best: per digit, the best confidence evolution reached.
        generations_to_99: per digit, first generation at ≥ 0.99 (``None``: never).
        fooling_collected: new fooling images this round contributes to the next.
        train_seconds, evolve_seconds: time spent retraining and evolving.
    """

    round: int
    model: str
    fooling_in_training: int
    clean_accuracy: float
    digits_called_fooling: float
    median_generations_to_99: float | None
    classes_at_99: int
    classes_at_9999: int
    best: tuple[float, ...]
    generations_to_99: tuple[int | None, ...]
    fooling_collected: int
    train_seconds: float
    evolve_seconds: float

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["best"] = list(self.best)
        d["generations_to_99"] = list(self.generations_to_99)
        return d


def retrain_experiment(base: Classifier, split: MnistSplit, *, rounds: int = 3,
                       generations: int = 200, batch: int = 200, epochs: int = 3,
                       seed: int = 0, collect_above: float = 0.99,
                       max_fooling_per_round: int = 1000, device: str = "cpu",
                       on_round: Callable[[RetrainRound], None] | None = None,
                       on_generation: Callable[[object], None] | None = None,
                       on_train_step: Callable[[int, int], None] | None = None
                       ) -> list[RetrainRound]:
    """Run round 0 against ``base`` and then ``rounds`` retrain-and-evolve rounds.

    Args:
        base: the starting 10-class LeNet (its weights seed the retrained models).
        split: training digits and held-out digits.
        rounds: retraining rounds after round 0.
        generations, batch: evolution budget per round.
        epochs: training epochs per retraining (warm-started from the previous model).
        seed: round r evolves with seed ``seed + r`` and trains with ``seed + r``.
        collect_above: confidence an elite needs to join the fooling class.
        max_fooling_per_round: at most this many new fooling images per round (an even
            random subset when more were found), so no round swamps the digits.
        device: torch device for training.
        on_round: called with each finished round (progress display).
        on_generation: passed to :func:`evolve_against` (progress, cancelling).
        on_train_step: called with ``(step, total)`` during each retraining.
    """
    rng = np.random.default_rng(seed)
    model = base
    fooling: list[np.ndarray] = []
    results = []
    train_seconds = 0.0
    for r in range(rounds + 1):
        if r > 0:
            start = time.perf_counter()
            model = _retrain(model, split, np.concatenate(fooling), r, epochs, seed + r, device,
                             on_train_step)
            train_seconds = time.perf_counter() - start
        evo = evolve_against(model, generations=generations, batch=batch, seed=seed + r,
                             classes=DIGITS, collect_above=collect_above,
                             on_generation=on_generation)
        new = evo.collected_images
        if len(new) > max_fooling_per_round:
            new = new[np.sort(rng.choice(len(new), max_fooling_per_round, replace=False))]
        n_train_fooling = sum(len(f) for f in fooling)
        fooling.append(new)
        probs = model.probabilities(split.test_images, batch_size=500).numpy()
        row = RetrainRound(
            round=r,
            model=model.spec.label,
            fooling_in_training=n_train_fooling,
            clean_accuracy=accuracy(model, split.test_images, split.test_labels),
            digits_called_fooling=(float((probs.argmax(axis=1) == FOOLING_LABEL).mean())
                                   if probs.shape[1] > FOOLING_LABEL else 0.0),
            median_generations_to_99=evo.median_generations_to_99,
            classes_at_99=int((evo.confidences >= 0.99).sum()),
            classes_at_9999=int((evo.confidences >= 0.9999).sum()),
            best=tuple(float(c) for c in evo.confidences),
            generations_to_99=tuple(None if g < 0 else int(g) for g in evo.first_99),
            fooling_collected=len(new),
            train_seconds=round(train_seconds, 2),
            evolve_seconds=round(evo.wall_seconds, 2),
        )
        results.append(row)
        if on_round is not None:
            on_round(row)
    return results


def _retrain(model: Classifier, split: MnistSplit, fooling: np.ndarray, round_index: int,
             epochs: int, seed: int, device: str,
             on_train_step: Callable[[int, int], None] | None = None) -> Classifier:
    """An 11-output LeNet trained on the digits plus ``fooling`` as class 10."""
    if model.spec.n_classes == FOOLING_LABEL:
        module = with_fooling_class(model.module, seed)
    else:  # already has the fooling class: continue from a copy
        module = copy.deepcopy(model.module).cpu()
    images = torch.cat([split.train_images, from_uint8(fooling)])
    labels = torch.cat([split.train_labels,
                        torch.full((len(fooling),), FOOLING_LABEL, dtype=torch.long)])
    module = train_module(module, images, labels, epochs=epochs, seed=seed, device=device,
                          on_step=on_train_step)
    spec = fooling_spec(round_index, len(split.train_labels), len(fooling))
    return Classifier(module, spec, device=device)
