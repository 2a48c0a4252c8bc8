"""Direct encoding: one gene per pixel value, mutated by polynomial mutation.

Defaults are the paper's code (Sferes2 ``EvoFloatImage``, see :class:`DirectParams`):
offspring come in pairs, half of the pairs recombined gene by gene by SBX (η = 10),
then every gene mutates with probability 0.1 by Sferes' polynomial mutation (η = 15,
step added, then clipped to [0, 1]); a gene ``v`` becomes the pixel level
``floor(255 v)``. A colour genome holds 8-bit H, L, S levels read by OpenCV's HLS
conversion (hue wrapping about 1.4 turns); ``colour_space="rgb"`` makes the genome
the image itself, ``"hsv"``/``"hls"`` read it as continuous HSV/HLS.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import FoolingError
from ..images import PIXEL_LEVELS, quantize_
from .base import Encoding
from .colour import COLOUR_SPACES, EIGHT_BIT_SPACES, to_rgb
from .draws import Draws, draws_for, torch_generator
from .host_arrays import to_device
from .polynomial_mutation import MUTATION_FORMS, polynomial_mutation_
from .sbx_crossover import EQUAL_GENES, sbx_pairs


@dataclass(frozen=True)
class DirectParams:
    """Direct-encoding parameters (defaults: the paper's code).

    Attributes:
        mutation_rate: probability that one value mutates, at generation 0.
        halve_every: the rate halves every this many generations (the paper's text;
            its released code keeps 0.1, which is the same within 1000 generations).
        eta: polynomial-mutation distribution index.
        mutation_form: ``"sferes"`` (step added, then clipped) or ``"deb"`` (bounded).
        colour_space: how 3 channels are read: "hls-opencv", "hsv", "hls" or "rgb".
        crossover_rate: probability that a pair of children is recombined by SBX
            (every gene); 0 disables crossover.
        eta_crossover: SBX distribution index.
        crossover_equal_genes: a gene on which both parents agree becomes 0.5
            (``"half"``, as Sferes does) or keeps their value (``"keep"``).
        pixel_levels: ``"truncate"`` (``floor(255 v)``, the paper's code) or ``"round"``.
    """

    mutation_rate: float = 0.1
    halve_every: int = 1000
    eta: float = 15.0
    mutation_form: str = "sferes"
    colour_space: str = "hls-opencv"
    crossover_rate: float = 0.5
    eta_crossover: float = 10.0
    crossover_equal_genes: str = "half"
    pixel_levels: str = "truncate"

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
        for name, allowed in (("colour_space", COLOUR_SPACES), ("mutation_form", MUTATION_FORMS),
                              ("crossover_equal_genes", EQUAL_GENES),
                              ("pixel_levels", PIXEL_LEVELS)):
            if getattr(self, name) not in allowed:
                raise FoolingError(f"Unknown {name} {getattr(self, name)!r}; use one of "
                                   f"{', '.join(allowed)}.")
        object.__setattr__(self, "halve_every", int(self.halve_every))

    def rate_at(self, generation: int) -> float:
        """The per-value mutation probability at ``generation``."""
        return self.mutation_rate * 0.5 ** (max(0, generation) // self.halve_every)


class DirectPopulation(Sequence):
    """One generation's genomes as one ``(B, C, H, W)`` tensor. Indexing gives a genome
    of its own (a copy: a kept elite never pins the whole batch); slicing a view."""

    def __init__(self, pixels: torch.Tensor):
        self.pixels = pixels

    def __len__(self) -> int:
        return int(self.pixels.shape[0])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return DirectPopulation(self.pixels[index])
        return self.pixels[index].clone()


def _as_batch(genomes: Sequence[torch.Tensor], device: torch.device) -> torch.Tensor:
    """A fresh ``(B, C, H, W)`` float32 tensor of ``genomes`` on ``device``."""
    if isinstance(genomes, DirectPopulation):
        return genomes.pixels.to(device, torch.float32, copy=True)
    # Parents repeat (200 offspring of 10 MNIST elites): stack each distinct one once.
    keys = np.fromiter(map(id, genomes), dtype=np.int64, count=len(genomes))
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    if len(unique) < len(keys):
        distinct = torch.stack([genomes[i].to(device, torch.float32) for i in first.tolist()])
        return distinct[to_device(inverse.reshape(-1), torch.long, device)]
    return torch.stack([g.to(device, torch.float32) for g in genomes])


class DirectEncoding(Encoding):
    """Genome = float32 tensor ``(channels, H, W)`` in ``[0, 1]``."""

    name = "direct"
    # render() output is already on 8-bit levels (the encoding's own rounding rule).
    renders_8bit = True

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

    def initial(self, n: int, rng: np.random.Generator) -> DirectPopulation:
        gen = torch_generator(rng, self.device)
        return DirectPopulation(torch.rand((n, *self.genome_shape), generator=gen,
                                           device=self.device))

    def mutate(self, parents: Sequence[torch.Tensor], rng: np.random.Generator,
               generation: int, recombine: bool = True) -> DirectPopulation:
        """Children of consecutive parent pairs (the run draws parents independently and
        uniformly, as Sferes draws each pair): a pair is recombined by SBX with
        probability ``crossover_rate``, otherwise copied; then every child mutates.
        The whole generation is one tensor, mutated in a few vectorised calls."""
        if not len(parents):
            return DirectPopulation(torch.empty((0, *self.genome_shape), device=self.device))
        draws = draws_for(rng, self.device)
        children = _as_batch(parents, self.device)  # a fresh tensor: parents stay intact
        if recombine and self.params.crossover_rate > 0.0 and len(children) > 1:
            self._crossover_(children, rng, draws)
        polynomial_mutation_(children, self.params.eta, 0.0, 1.0,
                             self.params.rate_at(generation), draws, self.params.mutation_form)
        return DirectPopulation(children)

    def _crossover_(self, children: torch.Tensor, rng: np.random.Generator,
                    draws: Draws) -> None:
        """Recombine a ``crossover_rate`` share of the pairs ``(2i, 2i + 1)`` by SBX."""
        n_pairs = len(children) // 2
        chosen = np.flatnonzero(rng.random(n_pairs) < self.params.crossover_rate)
        if chosen.size == 0:
            return
        first = to_device(2 * chosen, torch.long, children.device)
        c1, c2 = sbx_pairs(children[first], children[first + 1], self.params.eta_crossover,
                           0.0, 1.0, draws, self.params.crossover_equal_genes)
        children[first], children[first + 1] = c1, c2

    def render(self, genomes: Sequence[torch.Tensor], size: tuple[int, int],
               window: tuple[int, int, int, int] | None = None) -> torch.Tensor:
        images = _as_batch(genomes, self.device)
        space, levels = self.params.colour_space, self.params.pixel_levels
        if self.channels == 3 and space in EIGHT_BIT_SPACES:  # 8-bit levels in and out
            images = to_rgb(quantize_(images, levels), space, dim=1)
        elif self.channels == 3:
            images = quantize_(to_rgb(images, space, dim=1), levels)
        else:
            images = quantize_(images, levels)
        if tuple(size) != self.size:
            images = F.interpolate(images, size=tuple(size), mode="nearest")
        if window is not None:
            top, left, h, w = window
            images = images[:, :, top:top + h, left:left + w]
        return images

    def pack(self, genomes: Sequence[torch.Tensor]) -> torch.Tensor:
        if not len(genomes):
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
