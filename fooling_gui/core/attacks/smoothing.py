"""Smoothing the input as a defence: blur (Gaussian) or median-filter before classifying.

Measured two ways: does smoothing lower the confidence of fooling images evolved
against the plain model (and what does it cost on real digits)? And can evolution,
run against the smoothed model itself, still fool it (the adaptive attacker)?
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import FoolingError
from .ensemble import confidence_of
from .evolved import evolve_against
from .training import accuracy
from .wrapped import DerivedClassifier

SMOOTHING_KINDS = ("gaussian", "median")


def gaussian_blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of ``(B, C, H, W)`` images (edges replicated)."""
    if sigma <= 0:
        return images
    radius = max(1, math.ceil(3.0 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=images.dtype, device=images.device)
    g = torch.exp(-0.5 * (t / sigma) ** 2)
    g = g / g.sum()
    c = images.shape[1]
    x = F.pad(images, (radius, radius, radius, radius), mode="replicate")
    x = F.conv2d(x, g.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(x, g.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


def median_filter(images: torch.Tensor, size: int) -> torch.Tensor:
    """``size`` × ``size`` median filter of ``(B, C, H, W)`` images (edges replicated)."""
    if size <= 1:
        return images
    r = size // 2
    b, c, h, w = images.shape
    x = F.pad(images, (r, r, r, r), mode="replicate")
    patches = F.unfold(x, kernel_size=size).view(b, c, size * size, h, w)
    return patches.median(dim=2).values


class SmoothedClassifier(DerivedClassifier):
    """A classifier that smooths every image before the wrapped one sees it.

    Args:
        classifier: the model to protect.
        kind: ``"gaussian"`` (blur with ``sigma`` pixels) or ``"median"`` (window of
            ``size`` pixels, odd).
        sigma: Gaussian standard deviation in pixels; 0 means no smoothing.
        size: median window; 1 means no smoothing.
    """

    def __init__(self, classifier, kind: str = "gaussian", sigma: float = 1.0, size: int = 3):
        if kind not in SMOOTHING_KINDS:
            raise FoolingError(f"Unknown smoothing {kind!r}; choose gaussian or median.")
        if kind == "gaussian" and not (sigma >= 0 and math.isfinite(sigma)):
            raise FoolingError(f"The blur sigma must be zero or positive, not {sigma}.")
        if kind == "median" and (size < 1 or size % 2 == 0):
            raise FoolingError(f"The median window must be an odd number of pixels, not {size}.")
        self.inner = classifier
        self.kind = kind
        self.sigma = float(sigma)
        self.size = int(size)
        self.device = classifier.device
        self.module = getattr(classifier, "module", None)
        what = (f"gaussian blur sigma {self.sigma:g}" if kind == "gaussian"
                else f"median {self.size}x{self.size}")
        self.spec = replace(classifier.spec, name=f"{classifier.spec.name}+{self.setting_label}",
                            description=f"{classifier.spec.description} after {what}")

    @property
    def setting_label(self) -> str:
        return f"blur{self.sigma:g}" if self.kind == "gaussian" else f"median{self.size}"

    def smooth(self, images: torch.Tensor) -> torch.Tensor:
        x = images.to(self.device, torch.float32)
        if self.kind == "gaussian":
            return gaussian_blur(x, self.sigma)
        return median_filter(x, self.size)

    def log_probs(self, images: torch.Tensor) -> torch.Tensor:
        return self.inner.log_probs(self.smooth(images))


@dataclass(frozen=True)
class SmoothingRow:
    """One smoothing strength, measured.

    Attributes:
        setting: sigma (Gaussian) or window size (median); 0 / 1 is no smoothing.
        clean_accuracy: top-1 accuracy on the real digits.
        fooling_confidence: mean confidence of the fooling images for their class.
        fooling_at_99: fraction of fooling images still at ≥ 0.99.
        adaptive: summary of evolution run against the smoothed model, or ``None``.
    """

    setting: float
    clean_accuracy: float
    fooling_confidence: float
    fooling_at_99: float
    adaptive: dict | None = None

    def to_dict(self) -> dict:
        return {"setting": self.setting, "clean_accuracy": self.clean_accuracy,
                "fooling_confidence": self.fooling_confidence,
                "fooling_at_99": self.fooling_at_99, "adaptive": self.adaptive}


def measure_smoothing(classifier, fooling_images: np.ndarray, fooling_classes: np.ndarray,
                      digits: np.ndarray, labels: np.ndarray, settings: Sequence[float],
                      kind: str = "gaussian", adaptive_generations: int = 0,
                      batch: int = 200, seed: int = 0,
                      on_generation: Callable[[object], None] | None = None
                      ) -> list[SmoothingRow]:
    """Measure each smoothing strength in ``settings``.

    Args:
        classifier: the unprotected model.
        fooling_images: ``(N, H, W, C)`` uint8 images evolved against ``classifier``.
        fooling_classes: ``(N,)`` the class each fools it into.
        digits, labels: real images (uint8) and their labels for clean accuracy.
        settings: sigmas (``gaussian``) or odd window sizes (``median``).
        kind: ``"gaussian"`` or ``"median"``.
        adaptive_generations: when > 0, also evolve this many generations against
            each smoothed model (same seed) and report how far it gets.
        batch: offspring per generation for the adaptive runs.
        seed: seed of the adaptive runs.
        on_generation: passed to :func:`evolve_against` (progress, cancelling).
    """
    rows = []
    for s in settings:
        model = SmoothedClassifier(classifier, kind, sigma=float(s), size=int(s))
        conf = confidence_of(model, fooling_images, fooling_classes)
        adaptive = None
        if adaptive_generations > 0:
            adaptive = evolve_against(model, generations=adaptive_generations, batch=batch,
                                      seed=seed, on_generation=on_generation).summary()
            adaptive.pop("per_class")
        rows.append(SmoothingRow(
            setting=float(s),
            clean_accuracy=accuracy(model, digits, labels),
            fooling_confidence=float(conf.mean()) if conf.size else 0.0,
            fooling_at_99=float((conf >= 0.99).mean()) if conf.size else 0.0,
            adaptive=adaptive,
        ))
    return rows
