"""Real examples of a class, shown beside the evolved image."""

from __future__ import annotations

import logging

import numpy as np

from ...core.datasets import example_digit
from ...core.errors import FoolingError
from ...core.models import MNIST_CLASSES

log = logging.getLogger(__name__)


def example_image(info, class_index: int, n: int) -> np.ndarray | None:
    """A real example of the class, when the model reads MNIST digits; else None."""
    if (tuple(info.class_names) != MNIST_CLASSES or info.channels != 1
            or tuple(info.image_size) != (28, 28)):
        return None
    try:
        return example_digit(class_index, n)
    except FoolingError as exc:
        log.warning("No example digit: %s", exc)
        return None
