"""The most probable classes of one softmax vector, as ``(index, name, probability)``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TOP_K = 5


def top_classes(probabilities: np.ndarray, class_names: Sequence[str],
                k: int = TOP_K) -> tuple[tuple[int, str, float], ...]:
    """The ``k`` most probable classes of one softmax vector, most probable first."""
    k = min(k, probabilities.shape[0])
    order = np.argsort(-probabilities, kind="stable")[:k]
    return tuple((int(i), class_names[int(i)], float(probabilities[i])) for i in order)
