"""Where the direct encoding's operators get their random numbers.

On the CPU they come from the run's own numpy generator (PCG64): about half the cost
per number of torch's CPU generator (Mersenne Twister), a coin costs a byte, and there
is no second generator to seed. On a GPU a torch generator on the device draws them,
so the loop never waits for a copy from the host. Either way one seed reproduces a run.
"""

from __future__ import annotations

import math

import numpy as np
import torch


class _Draws:
    device: torch.device

    def _gaps(self, m: int, rate: float) -> torch.Tensor:
        """``m`` geometric gaps (≥ 1) between successes of probability ``rate``."""
        raise NotImplementedError

    def positions(self, n: int, rate: float) -> torch.Tensor:
        """Sorted indices in ``[0, n)``, each present independently with probability
        ``rate``: geometric gaps between successes, so the cost follows ``rate · n``."""
        if rate <= 0.0 or n == 0:
            return torch.empty(0, dtype=torch.long, device=self.device)
        if rate >= 1.0:
            return torch.arange(n, device=self.device)
        expected = n * rate
        chunks, end = [], -1
        while end < n - 1:
            gaps = self._gaps(int(expected + 6.0 * math.sqrt(expected) + 16), rate)
            positions = torch.cumsum(gaps, 0) + end
            chunks.append(positions)
            end = int(positions[-1])
        positions = torch.cat(chunks)
        return positions[positions < n]


class HostDraws(_Draws):
    """Random numbers for CPU tensors, from a numpy generator."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.device = torch.device("cpu")

    def uniform(self, shape) -> torch.Tensor:
        """float32 draws in ``[0, 1)``."""
        return torch.from_numpy(self.rng.random(shape, dtype=np.float32))

    def coins(self, shape) -> torch.Tensor:
        """Fair coins as a bool tensor."""
        return torch.from_numpy(self.rng.integers(0, 2, shape, dtype=np.bool_))

    def _gaps(self, m: int, rate: float) -> torch.Tensor:
        return torch.from_numpy(self.rng.geometric(rate, m))


class DeviceDraws(_Draws):
    """Random numbers drawn by a torch generator on its own device."""

    def __init__(self, generator: torch.Generator):
        self.generator = generator
        self.device = generator.device

    def uniform(self, shape) -> torch.Tensor:
        return torch.rand(shape, generator=self.generator, device=self.device)

    def coins(self, shape) -> torch.Tensor:
        return self.uniform(shape) < 0.5

    def _gaps(self, m: int, rate: float) -> torch.Tensor:
        u = 1.0 - torch.rand(m, generator=self.generator, device=self.device,
                             dtype=torch.float64)
        return torch.floor(torch.log(u) / math.log1p(-rate)).to(torch.long) + 1


Draws = HostDraws | DeviceDraws


def torch_generator(rng: np.random.Generator, device: torch.device) -> torch.Generator:
    """A torch generator seeded from ``rng``: the run stays reproducible from one numpy seed."""
    return torch.Generator(device=device).manual_seed(int(rng.integers(2**63 - 1)))


def draws_for(rng: np.random.Generator, device: torch.device) -> Draws:
    """The run's draws for tensors on ``device``."""
    device = torch.device(device)
    return HostDraws(rng) if device.type == "cpu" else DeviceDraws(torch_generator(rng, device))


def as_draws(source: Draws | torch.Generator | np.random.Generator) -> Draws:
    """Draws from a numpy or torch generator (or draws already)."""
    if isinstance(source, torch.Generator):
        return DeviceDraws(source)
    if isinstance(source, np.random.Generator):
        return HostDraws(source)
    return source
