"""What the feature-visualisation worker thread owns and sends back. No Qt here.

:class:`VisSession` gets its model from the shared model cache (thread-safe). The
visualisation pane submits its methods as jobs to its own
:class:`~fooling_gui.ui.job_thread.JobRunner`, so every forward pass, optimisation step
and file read happens in that worker thread, one job step at a time. Runs are generators that wrap the core's frozen
:class:`~fooling_gui.core.vis.VisStep` in a :class:`VisFrame` with the history so far;
stopping a job closes the generator, which closes the core's step generator. Analyses
return a frozen :class:`ImageAnalysis` whose pictures are ready-to-draw uint8 arrays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch.nn.functional as F

from ..core.errors import FoolingError
from ..core.images import adapt_channels, from_uint8, load_image, quantize, to_uint8
from ..core.models.spec import ModelSpec
from ..core.models.top_classes import top_classes
from ..core.vis import (
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
from ..core.vis.feature_maps import LayerMaps, colourise, layer_maps, overlay
from .model_cache import ModelKey, TabSession

MAX_LAYERS = 32  # layers shown in one analysis
MAP_KINDS = ("conv", "pool", "linear")  # layers whose maps read well; activations repeat them
SMOOTHGRAD_SAMPLES = 16
# Runs report every step: the core yields only when it measures, and a stop or a closing
# window takes effect at a yield, so this keeps both within one step (seconds for a
# batch of ImageNet channels on a CPU). Measuring costs one forward pass without gradients.
REPORT_EVERY = 1


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


class VisSession(TabSession):
    """The job functions of feature visualisation, used only by the worker thread
    (arguments: see :class:`.model_cache.TabSession`)."""

    def load(self, key: ModelKey) -> VisModel:
        """A job: load the model and find the layers unit visualisation can use."""
        classifier = self.classifier(key)
        layers = tuple(l for l in discover_layers(classifier, classifier.spec.input_size)
                       if l.kind not in ("block", "other", "dropout"))
        return VisModel(key, classifier.spec, layers)

    # -- runs ----------------------------------------------------------------------
    def class_run(self, control, key: ModelKey, class_index: int, config: VisConfig,
                  seed: int, stop_at: float | None = None) -> Iterator[VisFrame | None]:
        """A job: class visualisation; yields :class:`VisFrame` s (confidence history),
        returns the VisResult. ``stop_at``: end once the confidence reaches it."""
        return _watch(control, class_steps(self.classifier(key), class_index, config, seed,
                                           stop_at=stop_at))

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
        from ..core.datasets import example_digit

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
