"""Real images to attack, at the size and colour depth the model reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import FoolingError


def fit_to_model(image: np.ndarray, spec) -> np.ndarray:
    """``(H, W, C)`` uint8 resized (bilinear) to ``spec.image_size`` with
    ``spec.channels`` channels: the attack works at the size the app saves images."""
    from PIL import Image

    image = np.asarray(image, dtype=np.uint8)
    if image.ndim == 2:
        image = image[:, :, None]
    if image.shape[2] != spec.channels:
        if spec.channels == 3:
            image = np.repeat(image[:, :, :1], 3, axis=2)
        else:  # ITU-R 601 luma, as everywhere else in the app
            grey = image[:, :, :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114],
                                                                  dtype=np.float32)
            image = np.clip(grey.round(), 0, 255).astype(np.uint8)[:, :, None]
    h, w = spec.image_size
    if image.shape[:2] != (h, w):
        pil = Image.fromarray(image[:, :, 0] if spec.channels == 1 else image)
        image = np.asarray(pil.resize((w, h), Image.BILINEAR), dtype=np.uint8)
        image = image[:, :, None] if image.ndim == 2 else image
    return image


def load_for_model(path: str | Path, spec) -> np.ndarray:
    """Read an image file (FoolingError when it is missing or unreadable) and
    :func:`fit_to_model` it."""
    from ..images import load_image

    path = Path(path)
    if not path.is_file():
        raise FoolingError(f"No image file at {path}.")
    return fit_to_model(load_image(path, spec.channels), spec)
