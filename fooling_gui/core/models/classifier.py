"""A torch module plus its ModelSpec: images in [0, 1] in, class probabilities out."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import FoolingError
from .pooling import with_strided_max_pools
from .spec import ModelSpec


#: How far above 1 a probability may come out before it is an error (float32 rounding).
PROBABILITY_SLACK = 1e-3


def check_probabilities(probs: torch.Tensor, spec: ModelSpec) -> None:
    """Refuse scores that are not probabilities (see :meth:`Classifier.probabilities`)."""
    if probs.numel() == 0:
        return
    if not bool(torch.isfinite(probs).all()):
        raise FoolingError(f"The model {spec.name} returned NaN or infinite scores, which "
                           "cannot be ranked; check the model and the mean, std and "
                           "value_range in its sidecar.")
    top = float(probs.max())
    if top > 1.0 + PROBABILITY_SLACK:
        hint = {"probs": ' (its sidecar says "output": "probs"; perhaps "logits" is right)',
                "log_probs": ' (its sidecar says "output": "log_probs"; perhaps "logits" '
                             "is right)"}.get(spec.output, "")
        raise FoolingError(f"The model {spec.name} returned probabilities above 1 (up to "
                           f"{top:.3g}){hint}.")


def ten_crops(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """``(B, C, H, W)`` → ``(10 * B, C, h, w)``: 4 corners + centre, then the mirrors.

    Crop ``k`` of image ``b`` sits at row ``k * B + b``.
    """
    h, w = size
    H, W = images.shape[-2:]
    top, left = (H - h) // 2, (W - w) // 2
    crops = [
        images[..., :h, :w],
        images[..., :h, W - w :],
        images[..., H - h :, :w],
        images[..., H - h :, W - w :],
        images[..., top : top + h, left : left + w],
    ]
    crops += [c.flip(-1) for c in crops]
    return torch.cat(crops, dim=0)


class Classifier:
    """Wraps a network so every caller sees the same preprocessing.

    All methods take ``(B, C, H, W)`` float images in ``[0, 1]`` with ``spec.channels``
    channels, at ``spec.image_size`` or any size (then resized).
    """

    def __init__(self, module: nn.Module, spec: ModelSpec, device: str | torch.device = "cpu"):
        self.spec = spec
        self.device = torch.device(device)
        # Scoring on the CPU pools with strided views (same bits, several times faster).
        self.module = with_strided_max_pools(module.to(self.device).eval())
        # Gradients are only ever wanted with respect to the input.
        for p in self.module.parameters():
            p.requires_grad_(False)
        lo, hi = spec.value_range
        self._scale = (lo, hi - lo)
        self._mean = torch.tensor(spec.mean, dtype=torch.float32, device=self.device).view(1, -1, 1, 1)
        self._std = torch.tensor(spec.std, dtype=torch.float32, device=self.device).view(1, -1, 1, 1)
        self._identity_norm = all(m == 0.0 for m in spec.mean) and all(s == 1.0 for s in spec.std)

    # -- preprocessing -------------------------------------------------------------
    @property
    def crop_window(self) -> tuple[int, int, int, int] | None:
        """``(top, left, height, width)`` of the only part of an ``image_size`` image the
        network sees (a centre crop), or None when it sees all of it (or ten crops).
        Renderers use it to skip pixels that cannot change the score."""
        (H, W), (h, w) = self.spec.image_size, self.spec.input_size
        if self.spec.ten_crop or (H, W) == (h, w) or h > H or w > W:
            return None
        return ((H - h) // 2, (W - w) // 2, h, w)

    def network_input(self, images: torch.Tensor, cropped: bool = False,
                      normalised: bool = False) -> torch.Tensor:
        """Resize, crop, scale and normalise: what ``module`` is fed (differentiable).

        With ``spec.ten_crop`` the result has ``10 * B`` rows (see :func:`ten_crops`).
        ``cropped=True`` says the images are already the :attr:`crop_window` of
        ``image_size`` images, so only scaling and normalisation remain;
        ``normalised=True`` (with ``cropped``) that :meth:`normalise_` did those too.
        """
        if normalised:
            if not cropped or tuple(images.shape[-2:]) != self.spec.input_size:
                raise ValueError(f"normalised images must be cropped to {self.spec.input_size}")
            return images.to(self.device, torch.float32)
        x = images.to(self.device, torch.float32)
        if x.shape[1] != self.spec.channels:
            raise ValueError(f"expected {self.spec.channels} channels, got {x.shape[1]}")
        if cropped:
            if tuple(x.shape[-2:]) != self.spec.input_size:
                raise ValueError(f"cropped images must be {self.spec.input_size}")
        elif tuple(x.shape[-2:]) != self.spec.image_size:
            x = F.interpolate(x, size=self.spec.image_size, mode="bilinear",
                              align_corners=False, antialias=True)
        if self.spec.ten_crop and not cropped:
            x = ten_crops(x, self.spec.input_size)
        elif tuple(x.shape[-2:]) != self.spec.input_size:
            h, w = self.spec.input_size
            top, left = (x.shape[-2] - h) // 2, (x.shape[-1] - w) // 2
            x = x[..., top : top + h, left : left + w]
        lo, span = self._scale
        if lo != 0.0 or span != 1.0:
            x = x * span + lo
        if self._identity_norm:
            return x
        return (x - self._mean) / self._std

    def normalise_(self, images: torch.Tensor) -> torch.Tensor:
        """Scale and normalise input-sized float images in place; returns them.

        The same arithmetic as :meth:`network_input`, so the scores are bit for bit the
        same, without its two temporary copies: for 400 AlexNet crops those are 480 MB
        of fresh memory per generation, about 4 % of the evolution loop on a CPU.
        """
        lo, span = self._scale
        if lo != 0.0 or span != 1.0:
            images.mul_(span).add_(lo)
        if not self._identity_norm:
            images.sub_(self._mean).div_(self._std)
        return images

    # -- outputs -------------------------------------------------------------------
    def _raw_log_probs(self, out: torch.Tensor) -> torch.Tensor:
        kind = self.spec.output
        if kind == "logits":
            return F.log_softmax(out.float(), dim=1)
        if kind == "log_probs":
            return out.float()
        out = out.float()
        low = float(out.detach().min()) if out.numel() else 0.0
        if low < -PROBABILITY_SLACK:  # clamping would hide it; above 1 is caught later
            raise FoolingError(f"The model {self.spec.name} returned negative probabilities "
                               f'(down to {low:.3g}); its sidecar says "output": "probs", '
                               'perhaps "logits" is right.')
        return torch.log(out.clamp_min(1e-30))

    def log_probs(self, images: torch.Tensor, cropped: bool = False,
                  normalised: bool = False) -> torch.Tensor:
        """``(B, n_classes)`` log-probabilities; differentiable. Ten crops average
        their probabilities, as in the paper. See :meth:`network_input` for ``cropped``
        and ``normalised``."""
        b = images.shape[0]
        logp = self._raw_log_probs(self.module(self.network_input(images, cropped, normalised)))
        if self.spec.ten_crop and not cropped:
            logp = torch.logsumexp(logp.view(10, b, -1), dim=0) - math.log(10.0)
        return logp

    def logits(self, images: torch.Tensor) -> torch.Tensor:
        """Pre-softmax scores (log-probabilities for models that output probabilities);
        differentiable. Ten crops are averaged."""
        b = images.shape[0]
        out = self.module(self.network_input(images)).float()
        if self.spec.output != "logits":
            out = self._raw_log_probs(out)
        if self.spec.ten_crop:
            out = out.view(10, b, -1).mean(dim=0)
        return out

    @torch.inference_mode()
    def probabilities(self, images: torch.Tensor, batch_size: int | None = None,
                      cropped: bool = False, normalised: bool = False) -> torch.Tensor:
        """``(B, n_classes)`` softmax probabilities on the CPU, in chunks of ``batch_size``.

        Raises:
            FoolingError: the network returned NaN, infinities, or (for a model whose
                sidecar says it outputs probabilities) values outside [0, 1]; such scores
                cannot be ranked, and would be reported as "> 99.9999 %".
        """
        if batch_size is None or images.shape[0] <= batch_size:
            probs = self.log_probs(images, cropped, normalised).exp().cpu()
        else:
            probs = torch.cat([self.log_probs(chunk, cropped, normalised).exp().cpu()
                               for chunk in images.split(batch_size)])
        check_probabilities(probs, self.spec)
        return probs

    def top_k(self, images: torch.Tensor, k: int = 5) -> list[list[tuple[int, str, float]]]:
        """For each image, its ``k`` most likely classes as ``(index, name, probability)``."""
        probs = self.probabilities(images, batch_size=64)
        k = min(k, probs.shape[1])
        values, indices = probs.topk(k, dim=1)
        names = self.spec.class_names
        return [
            [(int(i), names[int(i)], float(v)) for v, i in zip(vs, ids)]
            for vs, ids in zip(values, indices)
        ]
