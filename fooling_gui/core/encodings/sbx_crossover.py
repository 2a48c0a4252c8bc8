"""Simulated binary crossover (Deb & Agrawal 1995) as the paper's code ran it.

The original fooling code (Sferes2's ``EvoFloat``, ``cross_over_type = sbx``) makes
offspring in pairs: two elites are drawn, and with probability ``cross_rate`` (0.5)
*every* gene of the two children is recombined by SBX with index ``eta_c`` (10);
otherwise the children are the two parents in random order. Each child is then
mutated. Per gene, one uniform ``u`` gives two values (the lower one shaped by the
distance to the lower bound, the upper one by the distance to the upper bound), both
clipped, and a coin decides which child gets which.

Sferes leaves a gene untouched when the parents agree on it (within float32 epsilon),
and the children are freshly built genomes whose genes start at 0.5: so such a gene
becomes 0.5 in both children (``equal_genes="half"``). Parents that share a lineage
agree on most pixels, so an SBX child is often mostly grey; ``equal_genes="keep"``
(the textbook behaviour) copies the parents' value instead.
"""

from __future__ import annotations

import torch

EQUAL_GENES = ("half", "keep")
_FLOAT32_EPS = float(torch.finfo(torch.float32).eps)


def _betaq(u: torch.Tensor, beta: torch.Tensor, eta: float) -> torch.Tensor:
    power = 1.0 / (eta + 1.0)
    alpha = 2.0 - beta.pow(-(eta + 1.0))
    low_branch = (u * alpha).pow(power)
    high_branch = (1.0 / (2.0 - u * alpha)).pow(power)
    return torch.where(u <= 1.0 / alpha, low_branch, high_branch)


def sbx_pairs(a: torch.Tensor, b: torch.Tensor, eta: float, low: float, high: float,
              generator: torch.Generator, equal_genes: str = "half",
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """Two SBX children per row pair of ``a`` and ``b`` (same shape, values in
    ``[low, high]``), every gene recombined, as Sferes' ``CrossOver_f<sbx>``.

    Returns:
        ``(child1, child2)``, new tensors shaped like ``a``.
    """
    if equal_genes not in EQUAL_GENES:
        raise ValueError(f"equal_genes must be one of {EQUAL_GENES}, not {equal_genes!r}")
    y1, y2 = torch.minimum(a, b), torch.maximum(a, b)
    differ = (y2 - y1).abs() > _FLOAT32_EPS
    diff = torch.where(differ, y2 - y1, torch.ones_like(y1))  # no 0/0 where they agree
    u = torch.rand(a.shape, generator=generator, device=a.device, dtype=a.dtype)
    beta1 = 1.0 + 2.0 * (y1 - low) / diff
    beta2 = 1.0 + 2.0 * (high - y2) / diff
    c1 = (0.5 * ((y1 + y2) - _betaq(u, beta1, eta) * diff)).clamp_(low, high)
    c2 = (0.5 * ((y1 + y2) + _betaq(u, beta2, eta) * diff)).clamp_(low, high)
    swap = torch.rand(a.shape, generator=generator, device=a.device, dtype=a.dtype) < 0.5
    first, second = torch.where(swap, c1, c2), torch.where(swap, c2, c1)
    if equal_genes == "half":
        fill_a = fill_b = torch.full_like(a, 0.5 * (low + high))
    else:
        fill_a, fill_b = a, b
    return torch.where(differ, first, fill_a), torch.where(differ, second, fill_b)
