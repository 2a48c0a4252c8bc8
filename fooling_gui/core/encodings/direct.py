"""Direct encoding: one gene per pixel value, mutated by polynomial mutation.

On colour space: the paper reads a colour direct genome as HSV (its code as HLS).
That is *not* equivalent to RGB: uniform random HSV values give a different image
distribution than uniform RGB, and one mutated hue gene moves all three RGB values
of its pixel together. ``colour_space="rgb"`` (the default) makes the genome the
image itself, which other parts of the app rely on for display and seeding;
``"hsv"`` or ``"hls"`` reproduce the paper's / code's reading.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import FoolingError
from .base import Encoding
from .colour import COLOUR_SPACES, to_rgb
from .sbx_crossover import sbx_children
from .polynomial_mutation import polynomial_mutation_many_


@dataclass(frozen=True)
class DirectParams:
    """Direct-encoding parameters (defaults: the paper's).

    Attributes:
        mutation_rate: probability that one value mutates, at generation 0.
        halve_every: the rate halves every this many generations.
        eta: polynomial-mutation distribution index.
        colour_space: how 3 channels are read: "rgb", "hsv" or "hls".
        crossover_rate: probability that a child is first recombined with another
            parent by SBX (the original code's ``EvoFloat`` does this); 0 disables.
        eta_crossover: SBX distribution index.
    """

    mutation_rate: float = 0.1
    halve_every: int = 1000
    eta: float = 15.0
    colour_space: str = "rgb"
    crossover_rate: float = 0.0
    eta_crossover: float = 15.0

    def __post_init__(self):
        if not 0.0 <= self.mutation_rate <= 1.0:
            raise FoolingError(f"The mutation rate must lie between 0 and 1, not {self.mutation_rate}.")
        if int(self.halve_every) != self.halve_every or self.halve_every < 1:
            raise FoolingError(f"halve_every must be a whole number of generations ≥ 1, not {self.halve_every}.")
        if not self.eta >= 0:
            raise FoolingError(f"The mutation index eta must be non-negative, not {self.eta}.")
        if not 0.0 <= self.crossover_rate <= 1.0:
            raise FoolingError(f"The crossover rate must lie between 0 and 1, not {self.crossover_rate}.")
        if not self.eta_crossover >= 0:
            raise FoolingError(f"The crossover index must be non-negative, not {self.eta_crossover}.")
        if self.colour_space not in COLOUR_SPACES:
            raise FoolingError(f"Unknown colour space {self.colour_space!r}; use one of {', '.join(COLOUR_SPACES)}.")
        object.__setattr__(self, "halve_every", int(self.halve_every))

    def rate_at(self, generation: int) -> float:
        """The per-value mutation probability at ``generation``."""
        return self.mutation_rate * 0.5 ** (max(0, generation) // self.halve_every)


def torch_generator(rng: np.random.Generator, device: torch.device) -> torch.Generator:
    """A torch generator seeded from ``rng``: the run stays reproducible from one numpy seed."""
    return torch.Generator(device=device).manual_seed(int(rng.integers(2**63 - 1)))


class DirectEncoding(Encoding):
    """Genome = float32 tensor ``(channels, H, W)`` in ``[0, 1]``."""

    name = "direct"

    def __init__(self, channels: int, size: tuple[int, int], params: DirectParams | None = None,
                 device: str | torch.device = "cpu"):
        if channels not in (1, 3):
            raise FoolingError(f"Images must have 1 or 3 channels, not {channels}.")
        h, w = (int(v) for v in size)
        if h < 1 or w < 1:
            raise FoolingError(f"The image size must be positive, not {h}×{w}.")
        self.channels = channels
        self.size = (h, w)
        self.params = params if params is not None else DirectParams()
        self.device = torch.device(device)

    @property
    def genome_shape(self) -> tuple[int, int, int]:
        return (self.channels, *self.size)

    def initial(self, n: int, rng: np.random.Generator) -> list[torch.Tensor]:
        gen = torch_generator(rng, self.device)
        # One tensor per genome so a kept elite never pins a whole batch in memory.
        return [torch.rand(self.genome_shape, generator=gen, device=self.device) for _ in range(n)]

    def mutate(self, parents: Sequence[torch.Tensor], rng: np.random.Generator,
               generation: int) -> list[torch.Tensor]:
        if not parents:
            return []
        gen = torch_generator(rng, self.device)
        # One fresh tensor per child (parents stay intact, and a kept elite never pins a
        # whole batch in memory), all mutated in one vectorised call.
        children = [p.to(self.device, torch.float32, copy=True).contiguous() for p in parents]
        if self.params.crossover_rate > 0.0 and len(children) > 1:
            self._crossover_(children, rng, gen)
        polynomial_mutation_many_(children, self.params.eta, 0.0, 1.0,
                                  self.params.rate_at(generation), gen)
        return children

    def _crossover_(self, children: list[torch.Tensor], rng: np.random.Generator,
                    gen: torch.Generator) -> None:
        """Recombine a ``crossover_rate`` share of the children, each with a random mate."""
        n = len(children)
        chosen = np.flatnonzero(rng.random(n) < self.params.crossover_rate)
        if chosen.size == 0:
            return
        mates = (chosen + rng.integers(1, n, size=chosen.size)) % n  # never itself
        a = torch.stack([children[i] for i in chosen])
        b = torch.stack([children[j] for j in mates])
        mixed = sbx_children(a, b, self.params.eta_crossover, 0.0, 1.0, gen)
        for row, i in enumerate(chosen):
            children[i] = mixed[row].contiguous()

    def render(self, genomes: Sequence[torch.Tensor], size: tuple[int, int],
               window: tuple[int, int, int, int] | None = None) -> torch.Tensor:
        images = torch.stack([g.to(self.device) for g in genomes])
        if self.channels == 3:
            images = to_rgb(images, self.params.colour_space, dim=1)
        if tuple(size) != self.size:
            images = F.interpolate(images, size=tuple(size), mode="nearest")
        if window is not None:
            top, left, h, w = window
            images = images[:, :, top:top + h, left:left + w]
        return images

    def pack(self, genomes: Sequence[torch.Tensor]) -> torch.Tensor:
        if not genomes:
            return torch.empty((0, *self.genome_shape))
        return torch.stack([g.detach().cpu() for g in genomes])

    def unpack(self, packed) -> list[torch.Tensor]:
        if not isinstance(packed, torch.Tensor) or tuple(packed.shape[1:]) != self.genome_shape:
            raise FoolingError(f"The saved genomes do not fit a {self.channels}×{self.size[0]}×"
                               f"{self.size[1]} direct encoding.")
        packed = packed.to(self.device, torch.float32).clamp(0.0, 1.0)
        return [g.clone() for g in packed.unbind(0)]

    def describe(self, genome: torch.Tensor) -> dict:
        return {"encoding": "direct", "shape": list(genome.shape)}

    def config(self) -> dict:
        return {"name": self.name, "channels": self.channels, "size": list(self.size),
                "params": dataclasses.asdict(self.params)}
