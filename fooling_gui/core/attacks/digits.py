"""Choosing real digits to attack so that every class is represented."""

from __future__ import annotations

import numpy as np

from ..errors import FoolingError


def spread_indices(labels: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices taking classes in turn (0, 1, …, 9, 0, 1, …), in data order.

    The shipped sample is sorted by label, so its first 100 digits would all be
    zeros; this picks 10 of each instead.
    """
    labels = np.asarray(labels)
    if not 1 <= n <= labels.size:
        raise FoolingError(f"Choose between 1 and {labels.size} digits, not {n}.")
    # Rank of each image within its class, then order by (rank, class).
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.searchsorted(sorted_labels, sorted_labels, side="left")
    rank = np.empty_like(order)
    rank[order] = np.arange(labels.size) - starts
    return np.lexsort((labels, rank))[:n]
