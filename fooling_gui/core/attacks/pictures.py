"""An attack's outcome as pictures and bar rows: the perturbation in colour, the top
classes before and after."""

from __future__ import annotations

import numpy as np

TOP_K = 5  # bars shown for models with many classes; 10-class models show all
DARKER = np.array([79, 150, 240], dtype=np.float64)  # blue: the push made a pixel darker
BRIGHTER = np.array([245, 165, 36], dtype=np.float64)  # orange: it made it brighter


def perturbation_picture(perturbation: np.ndarray, epsilon: float) -> np.ndarray:
    """``(H, W, C)`` change in pixel units → ``(H, W, 3)`` uint8 through the diverging map
    (channels averaged): ±epsilon reach the ends, so even a tiny push is visible."""
    mean = np.asarray(perturbation, dtype=np.float64).mean(axis=2)
    t = np.clip(mean / max(epsilon, 1e-12), -1.0, 1.0)[:, :, None]
    rgb = np.where(t < 0, -t * DARKER, t * BRIGHTER)  # black where nothing changed
    return np.round(rgb).astype(np.uint8)


def bar_rows(probs: np.ndarray, class_names, k: int = TOP_K) -> tuple[tuple[int, str, float], ...]:
    """All classes in order for 10-class models, else the ``k`` most likely."""
    if len(class_names) <= 10:
        order = range(len(class_names))
    else:
        order = np.argsort(-probs, kind="stable")[:k]
    return tuple((int(i), str(class_names[int(i)]), float(probs[int(i)])) for i in order)
