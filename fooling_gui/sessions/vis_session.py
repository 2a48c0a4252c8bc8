"""What the feature-visualisation worker thread owns and sends back. No Qt here.

:class:`VisSession` holds the loaded model. The visualisation pane submits its methods
as jobs to its own :class:`~fooling_gui.ui.job_thread.JobRunner`, so every forward
pass, optimisation step and file read happens in that worker thread, one job step at a
time (no locks needed). Runs are generators that wrap the core's frozen
:class:`~fooling_gui.core.vis.VisStep` in a :class:`VisFrame` with the history so far;
stopping a job closes the generator, which closes the core's step generator. Analyses return a frozen :class:`ImageAnalysis`
whose pictures are ready-to-draw uint8 arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ...core.errors import FoolingError
from ...core.images import from_uint8, load_image, quantize, to_uint8
from ...core.models.spec import ModelSpec
from ...core.vis import (
    LayerInfo,
    VisConfig,
    VisResult,
    VisStep,
    activation_maps,
    class_steps,
    discover_layers,
    saliency,
    unit_steps,
)
from ..evolution_session import adapt_channels, top_classes

MAX_CHANNELS = 64  # feature maps shown per layer
MAX_TILE = 64  # longest side of one feature map tile (larger maps are strided)
MAX_LAYERS = 32  # layers shown in one analysis
MAP_KINDS = ("conv", "pool", "linear")  # layers whose maps read well; activations repeat them
SMOOTHGRAD_SAMPLES = 16
# Runs report every step: the core yields only when it measures, and a stop or a closing
# window takes effect at a yield, so this keeps both within one step (seconds for a
# batch of ImageNet channels on a CPU). Measuring costs one forward pass without gradients.
REPORT_EVERY = 1
BACKGROUND = (23, 25, 28)  # the theme's BASE colour, between tiles

# Colour maps: dark-to-bright "inferno" anchors for values ≥ 0; for signed layers a
# diverging map, blue below zero, black at zero, inferno above.
_INFERNO = np.array([(0, 0, 4), (40, 11, 84), (101, 21, 110), (159, 42, 99), (212, 72, 66),
                     (245, 125, 21), (250, 193, 39), (252, 255, 164)], dtype=np.float64)
_BLUES = np.array([(170, 220, 255), (70, 140, 230), (30, 60, 140), (8, 14, 40), (0, 0, 4)],
                  dtype=np.float64)


def _ramp(anchors: np.ndarray, n: int) -> np.ndarray:
    at = np.linspace(0, 1, len(anchors))
    return np.stack([np.interp(np.linspace(0, 1, n), at, anchors[:, c]) for c in range(3)],
                    axis=1).round().astype(np.uint8)


COLOUR_MAP = _ramp(_INFERNO, 256)
DIVERGING_MAP = np.concatenate([_ramp(_BLUES, 128), _ramp(_INFERNO, 128)])

ModelKey = tuple[str, bool]  # (registry name or model file, random weights)


@dataclass(frozen=True)
class VisModel:
    """A loaded model as the pane needs it.

    Attributes:
        key: ``(name, random_init)`` the pane asked for.
        spec: the model's spec (plain data).
        unit_layers: layers unit visualisation can maximise at the input size.
    """

    key: ModelKey
    spec: ModelSpec
    unit_layers: tuple[LayerInfo, ...]

    @property
    def label(self) -> str:
        return self.spec.label


@dataclass(frozen=True)
class VisFrame:
    """A run as the GUI draws it: the first and latest state and every value between.

    Attributes:
        start, state: the starting image's and the latest :class:`VisStep`.
        steps: ``(n,)`` every step measured so far.
        values: ``(n, B)`` the confidence (class runs) or activation (unit runs) of each
            image at those steps.
    """

    start: VisStep
    state: VisStep
    steps: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class LayerMaps:
    """One layer's response to an image, as a coloured mosaic of its channels.

    Attributes:
        name: layer name; ``label``: its menu label.
        mosaic: ``(H, W, 3)`` uint8, one tile per channel (one pixel per unit for
            fully-connected layers).
        shown, channels: channels in the mosaic, channels in the layer.
        low, high: activation values at the ends of the colour map (``low`` is 0, or
            ``-high`` for a layer with negative values, drawn in blue).
        spatial: tiles are feature maps (else units).
    """

    name: str
    label: str
    mosaic: np.ndarray
    shown: int
    channels: int
    low: float
    high: float
    spatial: bool


@dataclass(frozen=True)
class ImageAnalysis:
    """What the model makes of one image: top classes, saliency, every layer's maps.

    Attributes:
        source: where the image came from, in words.
        image: ``(H, W, C)`` uint8 at the model's image size (what was analysed).
        top: ``(index, name, probability)`` of the five most likely classes.
        saliency_class: the class the saliency map explains (the top class).
        saliency: ``(H, W, 3)`` uint8 heat map; ``overlay``: it blended over the image.
        layers: the layers' maps in execution order; ``layers_total``: how many layers
            could have been shown (only the first :data:`MAX_LAYERS` are).
    """

    source: str
    image: np.ndarray
    top: tuple[tuple[int, str, float], ...]
    saliency_class: int
    saliency: np.ndarray
    overlay: np.ndarray
    layers: tuple[LayerMaps, ...]
    layers_total: int


def colourise(values: np.ndarray, lut: np.ndarray = COLOUR_MAP) -> np.ndarray:
    """Values in [0, 1] (NaN = background) → uint8 RGB through a 256-entry ``lut``."""
    idx = np.clip(np.nan_to_num(values, nan=0.0) * 255.0, 0, 255).round().astype(np.intp)
    rgb = lut[idx]
    rgb[np.isnan(values)] = BACKGROUND
    return rgb


def tile(maps: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """``(N, h, w)`` → one ``(rows·(h+gap)−gap, columns·(w+gap)−gap)`` array, NaN between
    and after the tiles."""
    n, h, w = maps.shape
    rows = math.ceil(n / columns)
    padded = np.full((rows * columns, h + gap, w + gap), np.nan, dtype=np.float32)
    padded[:n, :h, :w] = maps
    grid = padded.reshape(rows, columns, h + gap, w + gap).transpose(0, 2, 1, 3)
    return grid.reshape(rows * (h + gap), columns * (w + gap))[: rows * (h + gap) - gap,
                                                               : columns * (w + gap) - gap]


def layer_maps(info: LayerInfo, activation: torch.Tensor) -> LayerMaps:
    """One image's ``(C, H, W)`` or ``(C,)`` activation → a :class:`LayerMaps` mosaic.

    One colour scale per layer, so channels can be compared: black is zero (no
    response); layers with negative values (convolutions before a ReLU) show them in blue,
    symmetric about zero. The scale ends at the 99.5th percentile of the magnitudes.
    """
    act = activation.detach().float().cpu().numpy()
    channels = act.shape[0]
    if act.ndim == 3:
        shown = min(channels, MAX_CHANNELS)
        maps = act[:shown]
        stride = max(1, math.ceil(max(maps.shape[1:]) / MAX_TILE))
        maps = maps[:, ::stride, ::stride]
        columns = math.ceil(math.sqrt(shown))
    else:
        # Units: a strip for small layers (the output layer), else a square of pixels.
        shown = channels
        columns = channels if channels <= 32 else math.ceil(math.sqrt(channels))
        maps = act.reshape(channels, 1, 1)
    signed = float(maps.min()) < 0.0
    high = float(np.percentile(np.abs(maps), 99.5))
    if not high > 0.0:
        high = 1.0
    low = -high if signed else 0.0
    scaled = (maps - low) / (high - low)
    gap = 1 if act.ndim == 3 else 0
    mosaic = colourise(tile(scaled.astype(np.float32), columns, gap),
                       DIVERGING_MAP if signed else COLOUR_MAP)
    return LayerMaps(info.name, info.label, mosaic, shown, channels, low, high, act.ndim == 3)


class VisSession:
    """The model (cached by key) and the job functions, used only by the worker thread.

    Args:
        load: ``load(name, random_init) -> Classifier``; the model registry by default
            (never downloading: the Evolution pane fetches weights first).
        device: torch device.
    """

    def __init__(self, load: Callable[[str, bool], object] | None = None, device: str = "cpu"):
        self.device = device
        self._load = load or self._load_from_registry
        self._key: ModelKey | None = None
        self._classifier = None

    def _load_from_registry(self, name: str, random_init: bool):
        from ...core.models import load_model

        return load_model(name, device=self.device, random_init=random_init, allow_download=False)

    # -- the model -----------------------------------------------------------------
    def classifier(self, key: ModelKey):
        """The model for ``key``; one is kept at a time (ImageNet models are large)."""
        if key != self._key:
            self._classifier = None  # free the old model before loading the new one
            self._classifier = self._load(*key)
            self._key = key
        return self._classifier

    def load(self, key: ModelKey) -> VisModel:
        """A job: load the model and find the layers unit visualisation can use."""
        classifier = self.classifier(key)
        layers = tuple(l for l in discover_layers(classifier, classifier.spec.input_size)
                       if l.kind not in ("block", "other", "dropout"))
        return VisModel(key, classifier.spec, layers)

    # -- runs ----------------------------------------------------------------------
    def class_run(self, control, key: ModelKey, class_index: int, config: VisConfig,
                  seed: int) -> Iterator[VisFrame | None]:
        """A job: class visualisation; yields :class:`VisFrame` s (confidence history),
        returns the VisResult."""
        return _watch(control, class_steps(self.classifier(key), class_index, config, seed))

    def unit_run(self, control, key: ModelKey, layer: str, channel: int | list[int],
                 config: VisConfig, seed: int,
                 centre_neuron: bool = False) -> Iterator[VisFrame | None]:
        """A job: one unit (``channel`` an int) or a batch of channels (a list, the grid);
        yields :class:`VisFrame` s (activation history), returns the VisResult."""
        return _watch(control, unit_steps(self.classifier(key), layer, channel, config, seed,
                                          centre_neuron=centre_neuron))

    # -- analyses ------------------------------------------------------------------
    def analyse_file(self, key: ModelKey, path: str | Path, smooth: bool) -> ImageAnalysis:
        """A job: read an image file and analyse it."""
        classifier = self.classifier(key)
        image = load_image(path, classifier.spec.channels)
        return self.analyse(key, image, Path(path).name, smooth)

    def analyse_digit(self, key: ModelKey, digit: int, index: int, smooth: bool) -> ImageAnalysis:
        """A job: analyse one of the shipped held-out MNIST digits."""
        from ...core.datasets import example_digit

        image = example_digit(digit, index)
        return self.analyse(key, image, f"handwritten {digit} (MNIST sample #{index})", smooth)

    def analyse(self, key: ModelKey, image: np.ndarray, source: str, smooth: bool) -> ImageAnalysis:
        """A job: top classes, saliency of the top class, and the maps of every layer.

        Args:
            key: the model.
            image: ``(H, W, C)`` uint8, any size and 1 or 3 channels.
            source: where it came from, in words.
            smooth: SmoothGrad (average over noisy copies) instead of the plain gradient.
        """
        classifier = self.classifier(key)
        spec = classifier.spec
        x = adapt_channels(from_uint8(np.asarray(image)), spec.channels)
        if tuple(x.shape[-2:]) != tuple(spec.image_size):
            x = F.interpolate(x, size=spec.image_size, mode="bilinear", align_corners=False,
                              antialias=True)
        x = quantize(x)  # analyse exactly the 8-bit image that is shown
        probs = classifier.probabilities(x)[0].numpy()
        top = top_classes(probs, spec.class_names)
        target = top[0][0]
        sal = saliency(classifier, x, target, samples=SMOOTHGRAD_SAMPLES if smooth else 0)
        layers = [l for l in discover_layers(classifier) if l.kind in MAP_KINDS]
        acts = activation_maps(classifier, x, [l.name for l in layers[:MAX_LAYERS]])
        maps = tuple(layer_maps(l, acts[l.name][0]) for l in layers[:MAX_LAYERS] if l.name in acts)
        shown = to_uint8(x)[0]
        heat = colourise(sal)
        return ImageAnalysis(source, shown, top, target, heat, overlay(shown, sal, heat),
                             maps, len(layers))


def overlay(image: np.ndarray, sal: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """The saliency heat blended over a dimmed grey copy of ``image`` where it is strong."""
    grey = image.astype(np.float32).mean(axis=2, keepdims=True) * 0.6
    alpha = np.clip(sal, 0.0, 1.0)[:, :, None] ** 0.7
    out = grey * (1.0 - alpha) + heat.astype(np.float32) * alpha
    return np.clip(out.round(), 0, 255).astype(np.uint8)


def _watch(control, steps: Iterator[VisStep]) -> Iterator[VisFrame | None]:
    """Turn the core's steps into frames with the whole history so far.

    The GUI receives only the latest frame (throttled), so each frame carries every
    measured value since the start: the curve misses no step. A frame is built only
    when it will be sent at once (``control.emit_due()``) or the run is done; otherwise
    ``None`` is yielded, which still lets a stop take effect. Closing this generator (a
    stopped job) closes ``steps``.
    """
    start = final = None
    history_steps: list[int] = []
    history_values: list[np.ndarray] = []
    try:
        for state in steps:
            if start is None:
                start = state
            final = state
            values = state.confidences if state.confidences is not None else state.activations
            history_steps.append(state.step)
            history_values.append(values if values is not None else state.objectives)
            if control is None or control.emit_due() or state.done:
                yield VisFrame(start, state, _read_only(np.asarray(history_steps)),
                               _read_only(np.stack(history_values)))
            else:
                yield None
    finally:
        steps.close()
    if start is None:
        raise FoolingError("The visualisation produced no image.")
    return VisResult(start, final)


def _read_only(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr
