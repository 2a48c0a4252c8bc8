"""Ready-made visualisations: settings as one frozen :class:`VisConfig`, two presets, and
the class / unit / channel-grid runs built from the pieces in this package.

* ``plain`` — the fooling paper's gradient-ascent comparison (Simonyan et al. 2013):
  unregularised projected gradient ascent on the raw pixels of a random-noise image,
  maximising the class's log-odds log(p / (1 - p)) (whose gradient, unlike that of
  log p, does not vanish near p = 1). Gives unrecognisable images at ≥ 99.99 %.
* ``readable`` — Olah et al. (2017): decorrelated Fourier parameterisation, random
  jitter / zoom / rotation every step, maximising the pre-softmax logit; the image
  shows the features the network looks for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from ..errors import FoolingError
from ..models.classifier import Classifier
from .layers import LayerInfo, discover_layers, find_layer
from .objectives import (
    Index,
    Objective,
    channel,
    class_log_odds,
    class_logit,
    class_probability,
    l2_decay,
    neuron,
)
from .optimize import VisResult, VisStep, run_to_end, visualize_steps
from .param import ImageParam, fourier_image, pixel_image
from .transforms import Transform, compose, jitter, random_rotate, random_scale


@dataclass(frozen=True)
class VisConfig:
    """Every switch of a visualisation run.

    Attributes:
        steps: Adam steps.
        lr: Adam learning rate (pixel units for pixels, spectrum units for Fourier).
        fourier: decorrelated Fourier parameterisation (else one parameter per pixel).
        decorrelate: Fourier, 3 channels: colour decorrelation.
        decay_power: Fourier: spectrum scaled by 1 / frequency ** decay_power.
        init: pixels: ``"noise"`` (uniform random) or ``"grey"``.
        squash: pixels: ``"clamp"`` (projected gradient ascent) or ``"sigmoid"``.
        l2: weight of the L2 decay towards grey (0 = off).
        blur_every: blur the image every this many steps (0 = off).
        blur_sigma: that blur's standard deviation in pixels.
        jitter: random shift in pixels; None = about 1/28 of the image side.
        scales: random zoom factors to choose from (empty = off).
        rotate: random rotation within ± this many degrees (0 = off).
        class_objective: class mode: ``"log_odds"`` (log p/(1-p)), ``"log_prob"`` or
            ``"logit"``.
        every: report progress every this many steps.
        size: ``(H, W)`` of the image; None = the model's image size (class mode)
            or input size (unit mode).
    """

    steps: int = 300
    lr: float = 0.05
    fourier: bool = False
    decorrelate: bool = True
    decay_power: float = 1.0
    init: str = "noise"
    squash: str = "clamp"
    l2: float = 0.0
    blur_every: int = 0
    blur_sigma: float = 0.5
    jitter: int | None = 0
    scales: tuple[float, ...] = ()
    rotate: float = 0.0
    class_objective: str = "log_odds"
    every: int = 10
    size: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.steps < 0 or self.every < 1 or not self.lr > 0:
            raise ValueError("steps must be ≥ 0, every ≥ 1 and lr > 0")
        if self.class_objective not in ("log_odds", "log_prob", "logit"):
            raise ValueError(f"unknown class objective {self.class_objective!r}")
        if self.init not in ("noise", "grey") or self.squash not in ("clamp", "sigmoid"):
            raise ValueError("init must be noise or grey; squash clamp or sigmoid")

    def replace(self, **changes) -> VisConfig:
        """A copy with ``changes``; ``None`` values are ignored (handy for CLI options)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


CLASS_OBJECTIVES = {"log_odds": class_log_odds, "log_prob": class_probability,
                    "logit": class_logit}

PRESETS: dict[str, VisConfig] = {
    "plain": VisConfig(),
    "readable": VisConfig(steps=256, lr=0.1, fourier=True, jitter=None,
                          scales=(0.95, 0.975, 1.0, 1.025, 1.05), rotate=5.0,
                          class_objective="logit"),
}


def preset(name: str, **changes) -> VisConfig:
    """The named preset with ``changes`` applied (FoolingError for an unknown name)."""
    if name not in PRESETS:
        raise FoolingError(f"There is no preset {name!r}; choose {' or '.join(PRESETS)}.")
    return PRESETS[name].replace(**changes)


def make_param(config: VisConfig, channels: int, size: tuple[int, int], batch: int,
               seed: int, device: str | torch.device = "cpu") -> ImageParam:
    """The parameterisation ``config`` asks for, its random start drawn from ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    if config.fourier:
        return fourier_image(channels, size, batch=batch, decay_power=config.decay_power,
                             decorrelate=config.decorrelate, generator=generator, device=device)
    return pixel_image(channels, size, batch=batch, init=config.init, squash=config.squash,
                       generator=generator, device=device)


def make_transform(config: VisConfig, size: tuple[int, int]) -> Transform | None:
    """Jitter, zoom and rotation as ``config`` asks, or None when all are off."""
    d = max(1, round(min(size) / 28)) if config.jitter is None else config.jitter
    parts = []
    if d:
        parts.append(jitter(d))
    if config.scales:
        parts.append(random_scale(config.scales))
    if config.rotate:
        parts.append(random_rotate(config.rotate))
    return compose(*parts) if parts else None


def _batch(index: Index) -> int:
    return 1 if isinstance(index, int) else len(list(index))


def _run(classifier: Classifier, objective: Objective, config: VisConfig,
         size: tuple[int, int], batch: int, seed: int, **measure) -> Iterator[VisStep]:
    param = make_param(config, classifier.spec.channels, size, batch, seed, classifier.device)
    if config.l2:
        objective = objective + l2_decay(config.l2)
    return visualize_steps(classifier, objective, param, make_transform(config, size),
                           steps=config.steps, lr=config.lr, seed=seed, every=config.every,
                           blur_every=config.blur_every, blur_sigma=config.blur_sigma,
                           **measure)


def check_class(classifier: Classifier, index: Index) -> None:
    n = classifier.spec.n_classes
    for k in [index] if isinstance(index, int) else index:
        if not 0 <= int(k) < n:
            raise FoolingError(f"Class {k} does not exist: {classifier.spec.label} has "
                               f"classes 0 to {n - 1}.")


def class_steps(classifier: Classifier, class_index: Index, config: VisConfig = PRESETS["plain"],
                seed: int = 0, stop_at: float | None = None) -> Iterator[VisStep]:
    """Live class visualisation: an image (one per index) the model calls ``class_index``.

    Confidence is measured on the 8-bit image; ``stop_at`` ends the run early once every
    image reaches it.
    """
    check_class(classifier, class_index)
    size = config.size or classifier.spec.image_size
    objective = CLASS_OBJECTIVES[config.class_objective](class_index)
    return _run(classifier, objective, config, size, _batch(class_index), seed,
                class_index=class_index, stop_at=stop_at)


def unit_layer(classifier: Classifier, layer: str, size: tuple[int, int]) -> LayerInfo:
    """``layer`` as it runs on ``size`` images; FoolingError when the model has no such
    layer or cannot run it at that size (fully-connected layers fix the size)."""
    at_size = discover_layers(classifier, size)
    if (not any(l.name == layer for l in at_size)
            and any(l.name == layer for l in discover_layers(classifier))):
        h, w = size
        raise FoolingError(f"Layer {layer} cannot run on {h}×{w} images; use the "
                           "model's own input size.")
    return find_layer(classifier, layer, at_size)


def unit_steps(classifier: Classifier, layer: str, channel_index: Index,
               config: VisConfig = PRESETS["readable"], seed: int = 0,
               centre_neuron: bool = False) -> Iterator[VisStep]:
    """Live unit visualisation: an image (one per channel index) maximising the mean
    activation of a channel of ``layer`` (or, with ``centre_neuron``, its centre unit).

    The reported activation is that unit's value on the 8-bit image, without the L2 term.
    """
    size = config.size or classifier.spec.input_size
    info = unit_layer(classifier, layer, size)
    for c in [channel_index] if isinstance(channel_index, int) else channel_index:
        if not 0 <= int(c) < info.channels:
            what = "channels" if info.spatial else "units"
            raise FoolingError(f"Layer {layer} has {what} 0 to {info.channels - 1}, not {c}.")
    unit = (neuron if centre_neuron else channel)(layer, channel_index)
    return _run(classifier, unit, config, size, _batch(channel_index), seed, unit=unit)


def channel_grid(classifier: Classifier, layer: str, n: int,
                 config: VisConfig = PRESETS["readable"], seed: int = 0,
                 first: int = 0) -> VisResult:
    """Images for channels ``first … first + n - 1`` of ``layer``, optimised together as
    one batch (one channel per image); ``n`` is capped at the layer's channel count."""
    size = config.size or classifier.spec.input_size
    info = unit_layer(classifier, layer, size)
    last = min(first + n, info.channels)
    if last <= first:
        raise FoolingError(f"Layer {layer} has only {info.channels} channels.")
    return run_to_end(unit_steps(classifier, layer, list(range(first, last)), config, seed))
