"""Random image transforms applied before each forward pass (transformation robustness).

Olah et al. (2017): an image that keeps its effect under small shifts, zooms and turns
cannot rely on pixel-exact high-frequency noise, so it looks more like a picture.

Each factory returns a :data:`Transform`: ``transform(images, generator) -> images`` on
``(B, C, H, W)`` batches. Randomness comes only from the ``torch.Generator`` passed in
(a CPU generator; the numbers move to the images' device), and each image of the batch
gets its own random draw. All transforms but :func:`pad` keep the image size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

Transform = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


def jitter(d: int) -> Transform:
    """Shift each image by a random whole number of pixels in ``[-d, d]`` in x and y.

    The shift wraps around (circular), so nothing is cropped and the size is kept.
    """
    if d < 0:
        raise ValueError("jitter must not be negative")

    def transform(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        if d == 0:
            return images
        b, c, h, w = images.shape
        dy = torch.randint(-d, d + 1, (b, 1, 1), generator=generator)
        dx = torch.randint(-d, d + 1, (b, 1, 1), generator=generator)
        rows = (torch.arange(h)[None, :, None] - dy) % h  # (B, H, 1)
        cols = (torch.arange(w)[None, None, :] - dx) % w  # (B, 1, W)
        # One flat source index per output pixel; gather (whose backward is a cheap
        # scatter-add) is much faster than advanced indexing here.
        flat = (rows * w + cols).reshape(b, 1, h * w).expand(b, c, h * w).to(images.device)
        return images.reshape(b, c, h * w).gather(2, flat).reshape(b, c, h, w)

    return transform


def _affine(images: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """Resample each image with its own 2×3 affine matrix (normalised coordinates)."""
    grid = F.affine_grid(theta.to(images.device, images.dtype), list(images.shape),
                         align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="reflection",
                         align_corners=False)


def random_scale(scales: Sequence[float]) -> Transform:
    """Zoom each image about its centre by a factor drawn from ``scales`` (size kept).

    Factors above 1 zoom in; below 1 zoom out, filling the border by reflection.
    """
    choices = torch.tensor([float(s) for s in scales])
    if choices.numel() == 0 or bool((choices <= 0).any()):
        raise ValueError("scales must be positive numbers")

    def transform(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        b = images.shape[0]
        s = choices[torch.randint(len(choices), (b,), generator=generator)]
        theta = torch.zeros(b, 2, 3)
        theta[:, 0, 0] = 1.0 / s
        theta[:, 1, 1] = 1.0 / s
        return _affine(images, theta)

    return transform


def random_rotate(degrees: float | Sequence[float]) -> Transform:
    """Turn each image about its centre (size kept).

    Args:
        degrees: a number ``d`` → an angle uniform in ``[-d, d]``; a sequence → one of
            its angles, chosen uniformly.
    """
    if isinstance(degrees, (int, float)):
        span, choices = float(abs(degrees)), None
    else:
        span, choices = 0.0, torch.tensor([float(a) for a in degrees])
        if choices.numel() == 0:
            raise ValueError("degrees must name at least one angle")

    def transform(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        b, _, h, w = images.shape
        if choices is None:
            angle = (torch.rand(b, generator=generator) * 2 - 1) * span
        else:
            angle = choices[torch.randint(len(choices), (b,), generator=generator)]
        rad = angle * (math.pi / 180.0)
        cos, sin = torch.cos(rad), torch.sin(rad)
        theta = torch.zeros(b, 2, 3)
        # Normalised coordinates stretch non-square images; the aspect factors undo that.
        theta[:, 0, 0], theta[:, 0, 1] = cos, -sin * h / w
        theta[:, 1, 0], theta[:, 1, 1] = sin * w / h, cos
        return _affine(images, theta)

    return transform


def blur(images: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur with standard deviation ``sigma`` pixels (separable, reflected edges)."""
    if sigma <= 0:
        return images
    _, c, h, w = images.shape
    radius = max(1, math.ceil(3 * sigma))
    offsets = torch.arange(-radius, radius + 1, dtype=images.dtype, device=images.device)
    kernel = torch.exp(-0.5 * (offsets / sigma) ** 2)
    kernel = kernel / kernel.sum()
    ry, rx = min(radius, h - 1), min(radius, w - 1)  # reflect padding must fit the image
    x = F.pad(images, (rx, rx, ry, ry), mode="reflect") if (rx or ry) else images
    kx = kernel[radius - rx : radius + rx + 1]
    ky = kernel[radius - ry : radius + ry + 1]
    x = F.conv2d(x, (kx / kx.sum()).view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(x, (ky / ky.sum()).view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)


def gaussian_blur(sigma: float) -> Transform:
    """:func:`blur` as a transform (deterministic; the generator is not used)."""
    if sigma < 0:
        raise ValueError("sigma must not be negative")

    def transform(images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        return blur(images, sigma)

    return transform


def pad(n: int, mode: str = "reflect") -> Transform:
    """Add ``n`` pixels on every side (``"reflect"``, ``"replicate"`` or ``"constant"`` grey).

    The only transform that changes the size: ``(H, W)`` → ``(H + 2n, W + 2n)``.
    """
    if n < 0:
        raise ValueError("pad must not be negative")
    if mode not in ("reflect", "replicate", "constant"):
        raise ValueError("mode must be 'reflect', 'replicate' or 'constant'")

    def transform(images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if n == 0:
            return images
        if mode == "constant":
            return F.pad(images, (n, n, n, n), mode="constant", value=0.5)
        return F.pad(images, (n, n, n, n), mode=mode)

    return transform


def compose(*transforms: Transform) -> Transform:
    """Apply ``transforms`` left to right with the same generator."""

    def transform(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        for t in transforms:
            images = t(images, generator)
        return images

    return transform
