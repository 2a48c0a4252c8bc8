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


def _betaq_(u: torch.Tensor, beta: torch.Tensor, eta: float) -> torch.Tensor:
    """The spread factor for draws ``u``, computed in ``beta``'s storage.

    Each branch is chosen before the one power is taken: every value goes through the
    same operations as in the two-branch form, on tensors of the same shape, so the
    bits are those of computing both branches and picking one (a power costs more
    than all the rest).
    """
    power = 1.0 / (eta + 1.0)
    alpha = beta.pow_(-(eta + 1.0)).neg_().add_(2.0)  # 2 - beta^-(eta+1)
    scaled = u * alpha
    high_base = torch.rsub(scaled, 2.0).reciprocal_()  # 1 / (2 - u alpha)
    low = u <= alpha.reciprocal_()
    return torch.where(low, scaled, high_base, out=alpha).pow_(power)


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
    spread = y2 - y1  # never negative, so its own absolute value
    differ = spread > _FLOAT32_EPS
    agree = ~differ
    diff = spread.masked_fill_(agree, 1.0)  # no 0/0 where they agree
    u = torch.rand(a.shape, generator=generator, device=a.device, dtype=a.dtype)
    beta1 = (y1 - low).mul_(2.0).div_(diff).add_(1.0)
    beta2 = torch.rsub(y2, high).mul_(2.0).div_(diff).add_(1.0)
    middle = y1.add_(y2)  # y1 + y2, in y1's storage (y1 is not needed again)
    c1 = _betaq_(u, beta1, eta).mul_(diff)
    c1 = torch.rsub(c1, middle).mul_(0.5).clamp_(low, high)
    c2 = _betaq_(u, beta2, eta).mul_(diff).add_(middle).mul_(0.5).clamp_(low, high)
    swap = torch.rand(a.shape, generator=generator, device=a.device, dtype=a.dtype) < 0.5
    first, second = torch.where(swap, c1, c2), torch.where(swap, c2, c1, out=c2)
    if equal_genes == "half":
        half = 0.5 * (low + high)
        return first.masked_fill_(agree, half), second.masked_fill_(agree, half)
    return torch.where(differ, first, a, out=first), torch.where(differ, second, b, out=second)
