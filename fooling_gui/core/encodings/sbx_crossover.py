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

import numpy as np
import torch

from .draws import Draws, as_draws

EQUAL_GENES = ("half", "keep")
_FLOAT32_EPS = float(torch.finfo(torch.float32).eps)


def _betaq_(u: torch.Tensor, beta: torch.Tensor, eta: float) -> torch.Tensor:
    """The spread factor for draws ``u``, computed in ``beta``'s storage.

    With ``z = u (2 - beta^-(eta+1))``, which lies in ``[0, 2)``: ``z^p`` for ``z <= 1``,
    else ``(1 / (2 - z))^p``, ``p = 1 / (eta + 1)``. Both branches are one quotient,
    ``min(z, 1) / (2 - max(z, 1))``, so no branch is selected per value.
    """
    z = beta.pow_(-(eta + 1.0)).neg_().add_(2.0).mul_(u)
    below = torch.clamp(z, max=1.0)
    return below.div_(z.clamp_(min=1.0).neg_().add_(2.0)).pow_(1.0 / (eta + 1.0))


def sbx_pairs(a: torch.Tensor, b: torch.Tensor, eta: float, low: float, high: float,
              source: Draws | torch.Generator | np.random.Generator,
              equal_genes: str = "half") -> tuple[torch.Tensor, torch.Tensor]:
    """Two SBX children per row pair of ``a`` and ``b`` (same shape, values in
    ``[low, high]``), every gene recombined, as Sferes' ``CrossOver_f<sbx>``.

    ``source``: the random numbers (a torch generator on the tensors' device, a numpy
    generator for CPU tensors, or :mod:`.draws`).

    Returns:
        ``(child1, child2)``, new tensors shaped like ``a``.
    """
    if equal_genes not in EQUAL_GENES:
        raise ValueError(f"equal_genes must be one of {EQUAL_GENES}, not {equal_genes!r}")
    draws = as_draws(source)
    y1, y2 = torch.minimum(a, b), torch.maximum(a, b)
    spread = y2 - y1  # never negative, so its own absolute value
    agree = spread <= _FLOAT32_EPS
    diff = spread.add_(agree)  # no 0/0 where they agree (those genes are replaced below)
    u = draws.uniform(a.shape).to(a.dtype)
    beta1 = (y1 - low).mul_(2.0).div_(diff).add_(1.0)
    beta2 = torch.rsub(y2, high).mul_(2.0).div_(diff).add_(1.0)
    middle = y1.add_(y2)  # y1 + y2, in y1's storage (y1 is not needed again)
    c1 = _betaq_(u, beta1, eta).mul_(diff)
    c1 = torch.rsub(c1, middle).mul_(0.5).clamp_(low, high)
    c2 = _betaq_(u, beta2, eta).mul_(diff).add_(middle).mul_(0.5).clamp_(low, high)
    swap = draws.coins(a.shape)
    first, second = torch.where(swap, c1, c2), torch.where(swap, c2, c1, out=c2)
    if equal_genes == "half":
        half = 0.5 * (low + high)
        return first.masked_fill_(agree, half), second.masked_fill_(agree, half)
    return torch.where(agree, a, first, out=first), torch.where(agree, b, second, out=second)
