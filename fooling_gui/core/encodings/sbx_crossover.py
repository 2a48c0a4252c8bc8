"""Simulated binary crossover (Deb & Agrawal 1995), bounded form as in NSGA-II/Sferes.

The original fooling code (Sferes' ``EvoFloat``) recombined direct-encoding parents
with SBX before mutating them; it lets an elite borrow whole regions of pixel values
from another class's elite.
"""

from __future__ import annotations

import torch


def _betaq(u: torch.Tensor, beta: torch.Tensor, eta: float) -> torch.Tensor:
    power = 1.0 / (eta + 1.0)
    alpha = 2.0 - beta.pow(-(eta + 1.0))
    low_branch = (u * alpha).pow(power)
    high_branch = (1.0 / (2.0 - u * alpha).clamp_min(1e-12)).pow(power)
    return torch.where(u <= 1.0 / alpha, low_branch, high_branch)


def sbx_children(a: torch.Tensor, b: torch.Tensor, eta: float, low: float, high: float,
                 generator: torch.Generator, gene_rate: float = 0.5) -> torch.Tensor:
    """One SBX child per row pair of ``a`` and ``b`` (same shape, values in [low, high]).

    Each gene is recombined with probability ``gene_rate`` (where the parents differ);
    the child takes either of the two SBX offspring values at random, else ``a``'s gene.
    """
    y1, y2 = torch.minimum(a, b), torch.maximum(a, b)
    diff = (y2 - y1).clamp_min(1e-14)
    u = torch.rand(a.shape, generator=generator, device=a.device, dtype=a.dtype)
    beta1 = 1.0 + 2.0 * (y1 - low) / diff
    beta2 = 1.0 + 2.0 * (high - y2) / diff
    c1 = 0.5 * ((y1 + y2) - _betaq(u, beta1, eta) * diff)
    c2 = 0.5 * ((y1 + y2) + _betaq(u, beta2, eta) * diff)
    pick = torch.rand(a.shape, generator=generator, device=a.device, dtype=a.dtype) < 0.5
    child = torch.where(pick, c1, c2).clamp_(low, high)
    crossed = (torch.rand(a.shape, generator=generator, device=a.device, dtype=a.dtype)
               < gene_rate) & ((y2 - y1) > 1e-14)
    return torch.where(crossed, child, a)
