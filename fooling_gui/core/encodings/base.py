"""The interface every genome encoding implements.

A genome is whatever one encoding needs (a pixel tensor, a CPPN graph); the engine
only ever handles *lists* of genomes and asks the encoding to mutate and render them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

Genome = Any


class Encoding(ABC):
    """Turns genomes into images and makes mutated offspring.

    Implementations own no random state: every call that needs randomness takes the
    caller's ``numpy.random.Generator`` so a seeded run is reproducible.
    """

    name: str
    channels: int

    @abstractmethod
    def initial(self, n: int, rng: np.random.Generator) -> list[Genome]:
        """``n`` random genomes for generation 0."""

    @abstractmethod
    def mutate(self, parents: Sequence[Genome], rng: np.random.Generator,
               generation: int, recombine: bool = True) -> list[Genome]:
        """One child per parent; parents are never modified.

        With ``recombine`` an encoding may recombine consecutive parents as pairs
        (crossover) before mutating; without, each child is a mutant of its parent.
        """

    @abstractmethod
    def render(self, genomes: Sequence[Genome], size: tuple[int, int],
               window: tuple[int, int, int, int] | None = None) -> torch.Tensor:
        """``(B, channels, H, W)`` float32 images in ``[0, 1]`` at ``size = (H, W)``.

        With ``window = (top, left, height, width)`` only that rectangle of the image is
        returned (an encoding may then skip rendering the rest: a classifier that scores
        only a centre crop needs no more).
        """

    @abstractmethod
    def pack(self, genomes: Sequence[Genome]) -> Any:
        """Genomes as tensors/lists/dicts/str/numbers only (``torch.load(weights_only=True)``
        can read them back)."""

    @abstractmethod
    def unpack(self, packed: Any) -> list[Genome]:
        """Inverse of :meth:`pack`."""

    @abstractmethod
    def describe(self, genome: Genome) -> dict:
        """Small JSON-serialisable description for metadata (the whole CPPN genome;
        only the shape for direct pixels)."""

    @abstractmethod
    def config(self) -> dict:
        """The encoding's parameters, JSON-serialisable, enough to rebuild it."""
