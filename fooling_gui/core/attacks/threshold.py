"""A "none of these" answer as a defence: reject any image whose top probability is
below a threshold. Measured as the trade-off between fooling images still accepted
and real digits wrongly rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_THRESHOLDS = (0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999)


@dataclass(frozen=True)
class ThresholdRow:
    """One threshold ``t``: an image is accepted when its top probability is ≥ ``t``.

    Attributes:
        threshold: ``t``.
        fooling_accepted: fraction of fooling images accepted (the defence failed).
        real_rejected: fraction of real images rejected (the cost of the defence).
        real_accepted_accuracy: accuracy on the real images that were accepted
            (``None`` when no real image was, or no labels were given).
        noise_accepted: fraction of random-noise images accepted (``None`` if none given).
    """

    threshold: float
    fooling_accepted: float
    real_rejected: float
    real_accepted_accuracy: float | None
    noise_accepted: float | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _fraction(mask: np.ndarray) -> float:
    return float(mask.mean()) if mask.size else 0.0


def threshold_table(fooling_probs: np.ndarray, real_probs: np.ndarray,
                    real_labels: np.ndarray | None = None,
                    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
                    noise_probs: np.ndarray | None = None) -> list[ThresholdRow]:
    """The accept/reject trade-off at each threshold.

    Args:
        fooling_probs: ``(N, n_classes)`` probabilities of fooling images.
        real_probs: ``(M, n_classes)`` probabilities of real images.
        real_labels: ``(M,)`` true labels, for the accuracy of accepted real images.
        thresholds: the ``t`` values.
        noise_probs: ``(K, n_classes)`` probabilities of random-noise images.
    """
    fool_top = np.asarray(fooling_probs).max(axis=1) if len(fooling_probs) else np.zeros(0)
    real_probs = np.asarray(real_probs)
    real_top = real_probs.max(axis=1) if len(real_probs) else np.zeros(0)
    noise_top = None if noise_probs is None else np.asarray(noise_probs).max(axis=1)
    correct = None
    if real_labels is not None and len(real_probs):
        correct = real_probs.argmax(axis=1) == np.asarray(real_labels)
    rows = []
    for t in thresholds:
        accepted = real_top >= t
        acc = None
        if correct is not None and accepted.any():
            acc = float(correct[accepted].mean())
        rows.append(ThresholdRow(
            threshold=float(t),
            fooling_accepted=_fraction(fool_top >= t),
            real_rejected=_fraction(~accepted),
            real_accepted_accuracy=acc,
            noise_accepted=None if noise_top is None else _fraction(noise_top >= t),
        ))
    return rows
