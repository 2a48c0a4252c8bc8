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

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch


MUTATION_FORMS = ("sferes", "deb")


def _deltaq_sferes(u, eta: float, where: Callable):
    """Sferes' normalised step for uniform draws ``u`` (numpy or torch), independent of
    the value it is added to."""
    power = 1.0 / (eta + 1.0)
    lower = u < 0.5
    base = where(lower, 2.0 * u, 2.0 * (1.0 - u)) ** power
    return where(lower, base - 1.0, 1.0 - base)


def _deltaq(y, u, eta: float, low: float, high: float, where: Callable, form: str = "deb"):
    """The normalised step for values ``y`` and uniform draws ``u`` (numpy or torch).

    Deb's two branches (``u <= 0.5`` moves down, otherwise up) are merged before each
    power so that only two powers are computed per value.
    """
    if form == "sferes":
        return _deltaq_sferes(u, eta, where)
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


def bernoulli_positions(n: int, rate: float, generator: torch.Generator,
                        device: torch.device | str = "cpu") -> torch.Tensor:
    """Sorted indices in ``[0, n)``, each present independently with probability ``rate``.

    Drawn as geometric gaps between successes, so the cost follows the number chosen
    (``rate · n``) rather than ``n``: for 200 colour 256×256 genomes that is 10× fewer
    random numbers than one uniform per value.
    """
    if rate <= 0.0 or n == 0:
        return torch.empty(0, dtype=torch.long, device=device)
    if rate >= 1.0:
        return torch.arange(n, device=device)
    log_miss = math.log1p(-rate)
    expected = n * rate
    chunks, end = [], -1
    while end < n - 1:
        m = int(expected + 6.0 * math.sqrt(expected) + 16)
        u = 1.0 - torch.rand(m, generator=generator, device=device, dtype=torch.float64)
        gaps = torch.floor(torch.log(u) / log_miss).to(torch.long) + 1  # ≥ 1
        positions = torch.cumsum(gaps, 0) + end
        chunks.append(positions)
        end = int(positions[-1])
    positions = torch.cat(chunks)
    return positions[positions < n]


def _mutate_values(y: torch.Tensor, eta: float, low: float, high: float,
                   generator: torch.Generator, form: str = "deb") -> torch.Tensor:
    u = torch.rand(y.shape, generator=generator, device=y.device, dtype=y.dtype)
    step = _deltaq(y, u, eta, low, high, torch.where, form) * (high - low)
    return (y + step).clamp_(low, high)


def polynomial_mutation_(x: torch.Tensor, eta: float, low: float, high: float, rate: float,
                         generator: torch.Generator, form: str = "deb") -> torch.Tensor:
    """In-place version of :func:`polynomial_mutation` (``x`` must be contiguous)."""
    polynomial_mutation_many_([x], eta, low, high, rate, generator, form)
    return x


def polynomial_mutation_many_(tensors: Sequence[torch.Tensor], eta: float, low: float,
                              high: float, rate: float, generator: torch.Generator,
                              form: str = "deb") -> None:
    """Mutate a list of contiguous tensors in place as if they were one flat vector.

    Vectorised over all values at once; only the chosen ones are transformed.
    """
    _check(eta, low, high, rate, form)
    if not tensors:
        return
    device = tensors[0].device
    if device.type == "cuda" and len(tensors) == 1:
        # One draw per value and a masked update: no value read back to the host (the
        # positions below need their count), so the loop never waits for the GPU.
        flat = tensors[0].view(-1)
        chosen = torch.rand(flat.shape, generator=generator, device=device) < rate
        flat.copy_(torch.where(chosen, _mutate_values(flat.clone(), eta, low, high, generator,
                                                      form), flat))
        return
    sizes = [t.numel() for t in tensors]
    positions = bernoulli_positions(sum(sizes), rate, generator, device)
    if len(set(sizes)) == 1:  # the usual case: a batch of same-shaped genomes
        owner = torch.div(positions, sizes[0], rounding_mode="floor")
        starts = torch.arange(len(sizes), device=device) * sizes[0]
    else:
        ends = torch.tensor(sizes, device=device).cumsum(0)
        starts = ends - torch.tensor(sizes, device=device)
        owner = torch.searchsorted(ends, positions, right=True)
    counts = torch.bincount(owner, minlength=len(tensors)).tolist()
    pieces = (positions - starts[owner]).split(counts)
    flats = [t.view(-1) for t in tensors]
    old = torch.cat([flat[idx] for flat, idx in zip(flats, pieces)])
    new = _mutate_values(old, eta, low, high, generator, form).split(counts)
    for flat, idx, values in zip(flats, pieces, new):
        flat[idx] = values


def polynomial_mutation(x: torch.Tensor, eta: float, low: float, high: float, rate: float,
                        generator: torch.Generator, form: str = "deb") -> torch.Tensor:
    """Mutate each value of ``x`` with probability ``rate``; ``x`` itself is unchanged.

    Args:
        x: float tensor of any shape with values in ``[low, high]``.
        eta: distribution index (the paper: 15).
        low, high: the bounds; the result is clipped to them.
        rate: per-value mutation probability.
        generator: torch generator on ``x``'s device; the only source of randomness.
        form: ``"sferes"`` (the paper's code) or ``"deb"`` (see the module note).

    Returns:
        A new tensor of the same shape and dtype.
    """
    return polynomial_mutation_(x.clone(memory_format=torch.contiguous_format), eta, low, high,
                                rate, generator, form)


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
    moved = y + _deltaq(y, u, eta, low, high, np.where, form) * (high - low)
    return np.clip(np.where(chosen, moved, y), low, high)
