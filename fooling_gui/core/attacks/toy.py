"""The ten-input logistic regression that shows why small pushes add up.

With weights ``W = (-1,-1,1,-1,1,-1,1,1,-1,1)`` the input
``x = (2,-1,3,-2,2,2,1,-4,5,1)`` scores ``sigmoid(W·x) = sigmoid(-3) ≈ 0.047``.
Moving every input by only 0.5 in the sign of its weight raises ``W·x`` by
``0.5 * sum|W| = 5`` and the score to ``sigmoid(2) ≈ 0.88``. FGSM does exactly this
to the thousands of pixels of an image.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

TOY_WEIGHTS = (-1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0, 1.0)
TOY_INPUT = (2.0, -1.0, 3.0, -2.0, 2.0, 2.0, 1.0, -4.0, 5.0, 1.0)


def sigmoid(z: float | np.ndarray) -> float | np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class LogisticToy:
    """An immutable logistic regression ``sigmoid(W·x)`` and its current input.

    ``step`` and ``step_all`` return a new toy, so a view can keep the history.

    Attributes:
        weights: the fixed weights ``W``.
        x: the current input.
        start: the input the toy began with (for ``reset`` and ``moved``).
        step_size: how far one push moves an input (0.5 turns 0.047 into 0.88).
    """

    weights: tuple[float, ...] = TOY_WEIGHTS
    x: tuple[float, ...] = TOY_INPUT
    start: tuple[float, ...] = field(default=TOY_INPUT)
    step_size: float = 0.5

    def __post_init__(self) -> None:
        if not (len(self.weights) == len(self.x) == len(self.start)):
            raise ValueError("weights, x and start must have the same length")

    @property
    def size(self) -> int:
        return len(self.weights)

    def logit(self, x: np.ndarray | None = None) -> float:
        """``W·x`` for the current (or the given) input."""
        v = np.asarray(self.x if x is None else x, dtype=np.float64)
        return float(np.dot(np.asarray(self.weights, dtype=np.float64), v))

    def score(self, x: np.ndarray | None = None) -> float:
        """``sigmoid(W·x)``: the probability the model gives the positive class."""
        return float(sigmoid(self.logit(x)))

    def contributions(self) -> np.ndarray:
        """``W_i * x_i`` per input: which inputs pull the score up or down."""
        return np.asarray(self.weights) * np.asarray(self.x)

    def gradient_sign(self) -> np.ndarray:
        """Sign of d score / d x, which is the sign of each weight."""
        return np.sign(np.asarray(self.weights, dtype=np.float64))

    def step(self, i: int) -> LogisticToy:
        """Move input ``i`` by ``step_size`` in the sign of its weight."""
        if not 0 <= i < self.size:
            raise IndexError(f"input {i} is not one of the toy's {self.size} inputs")
        x = np.asarray(self.x, dtype=np.float64).copy()
        x[i] += self.step_size * self.gradient_sign()[i]
        return replace(self, x=tuple(float(v) for v in x))

    def step_all(self) -> LogisticToy:
        """Move every input once: the FGSM step with ``epsilon = step_size``."""
        x = np.asarray(self.x, dtype=np.float64) + self.step_size * self.gradient_sign()
        return replace(self, x=tuple(float(v) for v in x))

    def reset(self) -> LogisticToy:
        return replace(self, x=self.start)

    def moved(self) -> np.ndarray:
        """How far each input is from where it started."""
        return np.asarray(self.x) - np.asarray(self.start)

    def max_change(self) -> float:
        """The largest single-input change (the L∞ size of the push)."""
        return float(np.abs(self.moved()).max())
