"""Gradient ascent on the input image, as a generator a GUI worker can watch and stop.

:func:`visualize_steps` takes the composable pieces — an objective, a parameterisation,
an optional random transform — and yields a frozen :class:`VisStep` at the start, every
``every`` steps and at the end. Between yields nothing runs, so a worker cancels by
simply not asking for the next step. :func:`visualize` runs it to the end.

Scores in a :class:`VisStep` are measured on the image as it would be saved: rendered,
rounded to 8 bits, untransformed. A PNG written from ``VisStep.images`` therefore gets
exactly the recorded confidence when classified again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import torch

from ..errors import FoolingError
from ..images import quantize, to_uint8
from ..models.classifier import Classifier
from .layers import StopForward, capture_activations, centre_rows, normalise
from .objectives import Index, Objective, VisContext, select
from .param import ImageParam
from .transforms import Transform, blur


def _frozen(values: torch.Tensor) -> np.ndarray:
    arr = values.detach().double().cpu().numpy().copy()
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class VisStep:
    """The state after ``step`` optimisation steps (0 = the starting image).

    Attributes:
        step: steps done so far.
        total_steps: steps the run will do.
        images: ``(B, H, W, C)`` uint8, a read-only copy.
        objectives: ``(B,)`` objective value of each 8-bit image.
        confidences: ``(B,)`` probability of the target class of each 8-bit image
            (class visualisation), else None.
        activations: ``(B,)`` value of the measured unit on each 8-bit image (unit
            visualisation), else None.
    """

    step: int
    total_steps: int
    images: np.ndarray
    objectives: np.ndarray
    confidences: np.ndarray | None = None
    activations: np.ndarray | None = None

    @property
    def image(self) -> np.ndarray:
        """The first image, ``(H, W, C)`` uint8."""
        return self.images[0]

    @property
    def objective(self) -> float:
        return float(self.objectives[0])

    @property
    def confidence(self) -> float | None:
        return None if self.confidences is None else float(self.confidences[0])

    @property
    def activation(self) -> float | None:
        return None if self.activations is None else float(self.activations[0])

    @property
    def done(self) -> bool:
        return self.step >= self.total_steps


@dataclass(frozen=True)
class VisResult:
    """The first and last :class:`VisStep` of a finished run."""

    start: VisStep
    final: VisStep

    @property
    def steps(self) -> int:
        return self.final.step

    @property
    def images(self) -> np.ndarray:
        return self.final.images

    @property
    def image(self) -> np.ndarray:
        return self.final.image

    @property
    def confidence(self) -> float | None:
        return self.final.confidence

    @property
    def activation_start(self) -> float | None:
        return self.start.activation

    @property
    def activation_end(self) -> float | None:
        return self.final.activation


def evaluate(classifier: Classifier, images: torch.Tensor, network_images: torch.Tensor,
             layers: Iterable[str], outputs: Iterable[str]) -> VisContext:
    """One forward pass giving what objectives need.

    Args:
        classifier: the model.
        images: rendered images (what regularisers such as L2 decay see).
        network_images: what the network is shown (``images`` after transforms).
        layers: layers whose activations to capture.
        outputs: subset of ``{"logits", "log_probs"}``. When empty, the module sees
            ``network_images`` at their own size (convolutional layers accept any size);
            otherwise the classifier's preprocessing (resize, crops) applies.
    """
    layers, outputs = frozenset(layers), frozenset(outputs)
    logits = log_probs = None
    stop_early = not outputs
    with capture_activations(classifier.module, layers, stop_when_done=stop_early) as store:
        if "logits" in outputs:
            logits = classifier.logits(network_images)
        if "log_probs" in outputs:
            log_probs = classifier.log_probs(network_images)
        if not outputs and layers:
            try:
                classifier.module(normalise(classifier, network_images))
            except StopForward:
                pass  # every wanted layer ran; the rest of the network is not needed
            except RuntimeError as exc:
                # Fully-connected layers fix the input size; the caller chose another.
                if not layers <= store.keys():
                    h, w = network_images.shape[-2:]
                    raise FoolingError(f"{classifier.spec.label} cannot run on {h}×{w} images "
                                       "up to the chosen layer; use the model's own "
                                       "image size.") from exc
    missing = layers - store.keys()
    if missing:
        raise FoolingError(f"The activations of {min(missing)} could not be watched "
                           "(a model loaded as one flat graph hides its layers).")
    b = images.shape[0]
    acts = {name: centre_rows(store[name], b) for name in layers}
    return VisContext(images, acts, logits, log_probs)


def visualize_steps(classifier: Classifier, objective: Objective, param: ImageParam,
                    transform: Transform | None = None, *, steps: int, lr: float = 0.05,
                    seed: int = 0, every: int = 10, blur_every: int = 0,
                    blur_sigma: float = 0.5, class_index: Index | None = None,
                    unit: Objective | None = None,
                    stop_at: float | None = None) -> Iterator[VisStep]:
    """Maximise ``objective`` over ``param`` with Adam, yielding progress.

    Args:
        classifier: the model (its weights are never changed).
        objective: per-image value to maximise (images are optimised independently:
            the loss is the negative sum over the batch).
        param: the parameterisation; its tensors are updated in place.
        transform: random transform applied before every forward pass (not when
            measuring).
        steps: optimisation steps.
        lr: Adam learning rate.
        seed: seeds the transforms' ``torch.Generator``.
        every: yield every this many steps (plus step 0 and the last step).
        blur_every: every this many steps, replace the image by a blurred copy
            (Yosinski et al.'s blur regulariser); 0 = never.
        blur_sigma: that blur's standard deviation in pixels.
        class_index: measure the probability of this class (one per image allowed).
        unit: measure this objective's value as the activation (unit visualisation).
        stop_at: stop early once every image's measured confidence reaches this (the
            last state then has ``step < total_steps``).

    Yields:
        :class:`VisStep` at step 0, every ``every`` steps and after the last step.
    """
    if steps < 0 or every < 1:
        raise ValueError("steps must be ≥ 0 and every ≥ 1")
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(param.params, lr=lr)
    measured_layers = objective.layers | (unit.layers if unit is not None else frozenset())
    measured_outputs = objective.outputs | ({"log_probs"} if class_index is not None else set())
    if unit is not None:
        measured_outputs |= unit.outputs

    def measure(step: int) -> VisStep:
        with torch.no_grad():
            images = quantize(param.render())
            ctx = evaluate(classifier, images, images, measured_layers, measured_outputs)
            confidences = activations = None
            if class_index is not None:
                confidences = _frozen(select(ctx.log_probs, class_index).exp())
            if unit is not None:
                activations = _frozen(unit(ctx))
            pixels = to_uint8(images)
            pixels.setflags(write=False)
            return VisStep(step, steps, pixels, _frozen(objective(ctx)),
                           confidences, activations)

    def reached(state: VisStep) -> bool:
        return (stop_at is not None and state.confidences is not None
                and float(state.confidences.min()) >= stop_at)

    state = measure(0)
    yield state
    if reached(state):
        return
    for step in range(1, steps + 1):
        optimizer.zero_grad(set_to_none=True)
        images = param.render()
        shown = transform(images, generator) if transform is not None else images
        ctx = evaluate(classifier, images, shown, objective.layers, objective.outputs)
        loss = -objective(ctx).sum()
        loss.backward()
        optimizer.step()
        if blur_every and step % blur_every == 0:
            with torch.no_grad():
                param.assign(blur(param.render(), blur_sigma))
        if step % every == 0 or step == steps:
            state = measure(step)
            yield state
            if reached(state):
                return


def run_to_end(steps: Iterator[VisStep]) -> VisResult:
    """Exhaust a step generator; the first and last states."""
    start = final = None
    for state in steps:
        if start is None:
            start = state
        final = state
    if start is None:
        raise ValueError("the step generator yielded nothing")
    return VisResult(start, final)


def visualize(classifier: Classifier, objective: Objective, param: ImageParam,
              transform: Transform | None = None, **options) -> VisResult:
    """:func:`visualize_steps` run to completion (same arguments)."""
    return run_to_end(visualize_steps(classifier, objective, param, transform, **options))
