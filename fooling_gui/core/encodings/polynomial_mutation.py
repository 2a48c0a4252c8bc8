"""Polynomial mutation (Deb), in two forms.

Each selected value ``y`` in ``[low, high]`` moves by ``deltaq * (high - low)``, where
``deltaq`` follows a polynomial distribution with index ``eta`` (larger ``eta`` → smaller
steps), and the result is clipped to ``[low, high]``.

* ``"sferes"`` (the paper's code, Sferes2's ``EvoFloat``): ``deltaq = (2u)^(1/(eta+1)) - 1``
  for ``u < 0.5``, else ``1 - (2(1-u))^(1/(eta+1))``, whatever ``y`` is; the step is added
  and the result clipped, so a value near a bound often lands exactly on it.
* ``"deb"`` (NSGA-II's "delta1/delta2" form, fooling-gui's earlier default): the
  distribution is shaped by the distance to each bound, so a value near a bound rarely
  overshoots it.
"""

from __future__ import annotations

import numpy as np
import torch

from .draws import Draws, as_draws


MUTATION_FORMS = ("sferes", "deb")


def _deltaq_sferes(u, eta: float, xp):
    """Sferes' normalised step for uniform draws ``u`` (``xp``: numpy or torch),
    independent of the value it is added to: ``(2u)^p - 1`` below one half, else
    ``1 - (2(1 - u))^p``, with ``p = 1 / (eta + 1)``.

    Written without a branch select (one power, then the sign of ``u - 1/2``); the
    values are bit for bit those of the two-branch form.
    """
    power = 1.0 / (eta + 1.0)
    base = xp.minimum(u, 1.0 - u) * 2.0
    return xp.copysign(1.0 - base ** power, u - 0.5)


def _deltaq(y, u, eta: float, low: float, high: float, xp, form: str = "deb"):
    """The normalised step for values ``y`` and uniform draws ``u`` (``xp``: numpy or
    torch).

    Deb's two branches (``u <= 0.5`` moves down, otherwise up) are merged before each
    power so that only two powers are computed per value.
    """
    if form == "sferes":
        return _deltaq_sferes(u, eta, xp)
    where = xp.where
    span = high - low
    power = eta + 1.0
    lower = u <= 0.5
    # 1 - delta1 = (high - y) / span below, 1 - delta2 = (y - low) / span above.
    xy = where(lower, (high - y) / span, (y - low) / span) ** power
    val = where(lower, 2.0 * u + (1.0 - 2.0 * u) * xy, 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * xy)
    root = val ** (1.0 / power)
    return where(lower, root - 1.0, 1.0 - root)


def _check(eta: float, low: float, high: float, rate: float, form: str = "deb") -> None:
    if form not in MUTATION_FORMS:
        raise ValueError(f"unknown polynomial-mutation form {form!r}")
    if not high > low:
        raise ValueError(f"high ({high}) must exceed low ({low})")
    if eta < 0:
        raise ValueError(f"eta must be non-negative, got {eta}")
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must lie in [0, 1], got {rate}")


def _mutate_values(y: torch.Tensor, eta: float, low: float, high: float, draws: Draws,
                   form: str = "deb") -> torch.Tensor:
    u = draws.uniform(y.shape).to(y.dtype)
    step = _deltaq(y, u, eta, low, high, torch, form) * (high - low)
    return (y + step).clamp_(low, high)


def polynomial_mutation_(x: torch.Tensor, eta: float, low: float, high: float, rate: float,
                         source: Draws | torch.Generator | np.random.Generator,
                         form: str = "deb", masked: bool | None = None) -> torch.Tensor:
    """In-place version of :func:`polynomial_mutation` (``x`` must be contiguous).

    Vectorised over all values at once. ``masked``: draw a coin for every value and
    update under the mask (None: on a CUDA device), or transform only the drawn
    positions; the same law either way.
    """
    _check(eta, low, high, rate, form)
    draws = as_draws(source)
    flat = x.view(-1)
    if masked is None:
        masked = flat.device.type == "cuda"
    if masked:
        # One draw per value and a masked update: no value read back to the host (the
        # positions below need their count), so the loop never waits for the GPU.
        chosen = draws.uniform(flat.shape) < rate
        flat.copy_(torch.where(chosen, _mutate_values(flat.clone(), eta, low, high, draws,
                                                      form), flat))
        return x
    positions = draws.positions(flat.numel(), rate).to(flat.device)
    flat[positions] = _mutate_values(flat[positions], eta, low, high, draws, form)
    return x


def polynomial_mutation(x: torch.Tensor, eta: float, low: float, high: float, rate: float,
                        source: Draws | torch.Generator | np.random.Generator,
                        form: str = "deb") -> torch.Tensor:
    """Mutate each value of ``x`` with probability ``rate``; ``x`` itself is unchanged.

    Args:
        x: float tensor of any shape with values in ``[low, high]``.
        eta: distribution index (the paper: 15).
        low, high: the bounds; the result is clipped to them.
        rate: per-value mutation probability.
        source: the only source of randomness: a torch generator on ``x``'s device, a
            numpy generator (CPU), or :mod:`.draws`.
        form: ``"sferes"`` (the paper's code) or ``"deb"`` (see the module note).

    Returns:
        A new tensor of the same shape and dtype.
    """
    return polynomial_mutation_(x.clone(memory_format=torch.contiguous_format), eta, low, high,
                                rate, source, form)


def polynomial_mutation_np(x: np.ndarray, eta: float, low: float, high: float, rate: float,
                           rng: np.random.Generator, form: str = "deb") -> np.ndarray:
    """The numpy twin of :func:`polynomial_mutation` (for small arrays such as CPPN weights).

    Draws exactly ``2 * x.size`` uniforms from ``rng`` whatever is chosen, so the stream
    stays aligned across runs. Returns a new float64 array.
    """
    _check(eta, low, high, rate, form)
    y = np.array(x, dtype=np.float64)
    chosen = rng.random(y.shape) < rate
    u = rng.random(y.shape)
    moved = y + _deltaq(y, u, eta, low, high, np, form) * (high - low)
    return np.clip(np.where(chosen, moved, y), low, high)
