"""CPPN encoding: genomes are small networks that paint an image at any resolution."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import torch

from ..errors import FoolingError
from .base import Encoding
from .cppn_genome import CppnGenome
from .cppn_mutation import CppnParams, mutate_cppns, random_genome
from .cppn_render import PixelRule, render_cppns, render_one_large


class CppnEncoding(Encoding):
    """Genome = :class:`CppnGenome` with ``channels`` outputs (1 grey, 3 colour).

    ``size`` is the resolution the run scores at (kept in :meth:`config`); any size can
    be rendered, and a render at another size shows the same pattern (the coordinates
    are scaled to ``size``, see :func:`.cppn_render._input_rows`).
    """

    name = "cppn"
    # render() output is already rounded to 8-bit levels (cheaper inside the renderer).
    renders_8bit = True

    def __init__(self, channels: int, size: tuple[int, int] = (256, 256),
                 params: CppnParams | None = None, device: str | torch.device = "cpu"):
        if channels not in (1, 3):
            raise FoolingError(f"Images must have 1 or 3 channels, not {channels}.")
        h, w = (int(v) for v in size)
        if h < 1 or w < 1:
            raise FoolingError(f"The image size must be positive, not {h}×{w}.")
        self.channels = channels
        self.size = (h, w)
        self.params = params if params is not None else CppnParams()
        self.device = torch.device(device)
        self.clock = None  # a StageClock (bench --split): the plan's time is read off it

    def initial(self, n: int, rng: np.random.Generator) -> list[CppnGenome]:
        return [random_genome(self.channels, self.params, rng) for _ in range(n)]

    def mutate(self, parents: Sequence[CppnGenome], rng: np.random.Generator,
               generation: int, recombine: bool = True) -> list[CppnGenome]:
        # The paper's CPPN operators do not depend on the generation, and its code has no
        # CPPN crossover (Sferes' DnnFF::cross copies the two parents).
        return mutate_cppns(parents, self.params, rng)

    def render(self, genomes: Sequence[CppnGenome], size: tuple[int, int],
               window: tuple[int, int, int, int] | None = None) -> torch.Tensor:
        if not genomes:
            shape = window[2:] if window is not None else size
            return torch.empty((0, self.channels, *shape), device=self.device)
        return render_cppns(genomes, size, self.pixel_rule, self.device, window=window,
                            evaluation=self.params.evaluation, clock=self.clock)

    @property
    def pixel_rule(self) -> PixelRule:
        p = self.params
        return PixelRule(p.coordinates, p.colour_space, p.pixel_levels, self.size)

    def render_large(self, genome: CppnGenome, size: tuple[int, int]) -> np.ndarray:
        """One genome at any resolution (e.g. 4000×4000) as ``(H, W, C)`` uint8, in bounded
        memory."""
        return render_one_large(genome, size, self.pixel_rule, self.device,
                                evaluation=self.params.evaluation)

    def pack(self, genomes: Sequence[CppnGenome]) -> list[dict]:
        return [g.to_dict() for g in genomes]

    def unpack(self, packed) -> list[CppnGenome]:
        if not isinstance(packed, (list, tuple)):
            raise FoolingError("The saved CPPN genomes are not a list.")
        genomes = [CppnGenome.from_dict(d) for d in packed]
        for g in genomes:
            if g.n_outputs != self.channels:
                raise FoolingError(f"A saved CPPN has {g.n_outputs} outputs but this run "
                                   f"uses {self.channels}-channel images.")
        return genomes

    def describe(self, genome: CppnGenome) -> dict:
        return {"encoding": "cppn", "channels": self.channels,
                "colour_space": self.params.colour_space if self.channels == 3 else "grey",
                "coordinates": self.params.coordinates, "size": list(self.size),
                "evaluation": self.params.evaluation, "pixel_levels": self.params.pixel_levels,
                "genome": genome.to_dict()}

    def config(self) -> dict:
        params = dataclasses.asdict(self.params)
        params["activations"] = list(params["activations"])
        return {"name": self.name, "channels": self.channels, "size": list(self.size),
                "params": params}
