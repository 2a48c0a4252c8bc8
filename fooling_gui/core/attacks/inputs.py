"""Real images to attack, at the size and colour depth the model reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def fit_to_model(image: np.ndarray, spec) -> np.ndarray:
    """``(H, W, C)`` uint8 with ``spec.channels`` channels at ``spec.image_size`` (shorter
    side scaled to fit, centre cut: see :func:`fooling_gui.core.images.fit_image`); the
    attack works at the size the app saves images."""
    from ..images import fit_image, to_channels

    return fit_image(to_channels(image, spec.channels), spec.image_size)


def load_for_model(path: str | Path, spec) -> np.ndarray:
    """Read an image file (FoolingError when it is missing or unreadable) and
    :func:`fit_to_model` it."""
    from ..images import load_image

    return fit_to_model(load_image(path, spec.channels), spec)
