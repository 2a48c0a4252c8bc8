"""Deb's bounded polynomial mutation, as in NSGA-II and Sferes.

Each selected value ``y`` in ``[low, high]`` moves by ``deltaq * (high - low)``, where
``deltaq`` follows a polynomial distribution with index ``eta`` (larger ``eta`` → smaller
steps). This is the "delta1/delta2" form of Deb's NSGA-II code: the distribution is
shaped by the distance to each bound, so a value near a bound rarely overshoots it.
The result is clipped to ``[low, high]`` all the same (float rounding).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch


def _deltaq(y, u, eta: float, low: float, high: float, where: Callable):
    """The normalised step for values ``y`` and uniform draws ``u`` (numpy or torch).

    Both branches are finite for every ``u`` in ``[0, 1]`` (their bases are ≥ 1 on the
    side they are not used), so computing both and selecting is safe.
    """
    span = high - low
    power = eta + 1.0
    delta1 = (y - low) / span
    delta2 = (high - y) / span
    val_low = 2.0 * u + (1.0 - 2.0 * u) * (1.0 - delta1) ** power
    val_high = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * (1.0 - delta2) ** power
    step_low = val_low ** (1.0 / power) - 1.0
    step_high = 1.0 - val_high ** (1.0 / power)
    return where(u <= 0.5, step_low, step_high)


def _check(eta: float, low: float, high: float, rate: float) -> None:
    if not high > low:
        raise ValueError(f"high ({high}) must exceed low ({low})")
    if eta < 0:
        raise ValueError(f"eta must be non-negative, got {eta}")
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must lie in [0, 1], got {rate}")


def polynomial_mutation_(x: torch.Tensor, eta: float, low: float, high: float, rate: float,
                         generator: torch.Generator) -> torch.Tensor:
    """In-place version of :func:`polynomial_mutation`; returns ``x``."""
    _check(eta, low, high, rate)
    if rate == 0.0 or x.numel() == 0:
        return x.clamp_(low, high)
    flat = x.view(-1)
    # Only the chosen ~rate fraction is transformed: the pow calls dominate otherwise.
    chosen = torch.rand(flat.shape, generator=generator, device=x.device) < rate
    idx = chosen.nonzero().squeeze(1)
    y = flat[idx]
    u = torch.rand(y.shape, generator=generator, device=x.device, dtype=y.dtype)
    y = y + _deltaq(y, u, eta, low, high, torch.where) * (high - low)
    flat[idx] = y.clamp_(low, high)
    return x


def polynomial_mutation(x: torch.Tensor, eta: float, low: float, high: float, rate: float,
                        generator: torch.Generator) -> torch.Tensor:
    """Mutate each value of ``x`` with probability ``rate``; ``x`` itself is unchanged.

    Args:
        x: float tensor of any shape with values in ``[low, high]``.
        eta: distribution index (the paper: 15).
        low, high: the bounds; the result is clipped to them.
        rate: per-value mutation probability.
        generator: torch generator on ``x``'s device; the only source of randomness.

    Returns:
        A new tensor of the same shape and dtype.
    """
    return polynomial_mutation_(x.clone(), eta, low, high, rate, generator)


def polynomial_mutation_np(x: np.ndarray, eta: float, low: float, high: float, rate: float,
                           rng: np.random.Generator) -> np.ndarray:
    """The numpy twin of :func:`polynomial_mutation` (for small arrays such as CPPN weights).

    Draws exactly ``2 * x.size`` uniforms from ``rng`` whatever is chosen, so the stream
    stays aligned across runs. Returns a new float64 array.
    """
    _check(eta, low, high, rate)
    y = np.array(x, dtype=np.float64)
    chosen = rng.random(y.shape) < rate
    u = rng.random(y.shape)
    moved = y + _deltaq(y, u, eta, low, high, np.where) * (high - low)
    return np.clip(np.where(chosen, moved, y), low, high)
