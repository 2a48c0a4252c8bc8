"""Image conventions shared by the whole core.

* compute: ``torch.float32`` tensors ``(B, C, H, W)`` with values in ``[0, 1]``;
* storage and display: ``numpy.uint8`` arrays ``(B, H, W, C)``.

Fitness is always measured on the 8-bit image (``quantize``) so that a saved PNG
reproduces its recorded confidence exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .errors import FoolingError


def quantize(images: torch.Tensor) -> torch.Tensor:
    """Round ``[0, 1]`` images to the 256 levels a PNG can hold."""
    return torch.round(images.clamp(0.0, 1.0) * 255.0) / 255.0


def quantize_(images: torch.Tensor) -> torch.Tensor:
    """In-place :func:`quantize` for a tensor the caller owns (saves three full copies
    of a 400-image 256×256 batch per generation)."""
    return images.clamp_(0.0, 1.0).mul_(255.0).round_().div_(255.0)


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """``(B, C, H, W)`` float in [0, 1] → a fresh ``(B, H, W, C)`` uint8 array."""
    arr = torch.round(images.detach().clamp(0.0, 1.0) * 255.0).to(torch.uint8)
    return arr.permute(0, 2, 3, 1).cpu().numpy().copy()


def from_uint8(images: np.ndarray) -> torch.Tensor:
    """``(B, H, W, C)`` or ``(H, W, C)`` uint8 → ``(B, C, H, W)`` float in [0, 1]."""
    arr = np.asarray(images)
    if arr.ndim == 3:
        arr = arr[None]
    return torch.from_numpy(arr.astype(np.float32) / 255.0).permute(0, 3, 1, 2).contiguous()


def load_image(path: str | Path, channels: int) -> np.ndarray:
    """Read an image file as ``(H, W, channels)`` uint8 (grey or RGB)."""
    path = Path(path)
    if not path.is_file():
        raise FoolingError(f"No image file at {path}.")
    try:
        with Image.open(path) as im:
            im = im.convert("L" if channels == 1 else "RGB")
            arr = np.asarray(im, dtype=np.uint8)
    except (OSError, ValueError) as exc:
        raise FoolingError(f"{path} is not an image this app can read ({exc}).") from None
    return arr[:, :, None] if arr.ndim == 2 else arr


def to_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """``(H, W)`` or ``(H, W, C)`` uint8 → ``(H, W, channels)``: grey is repeated for RGB,
    RGB becomes ITU-R 601 luma for grey."""
    image = np.asarray(image, dtype=np.uint8)
    if image.ndim == 2:
        image = image[:, :, None]
    if image.shape[2] == channels:
        return image
    if channels == 3:
        return np.repeat(image[:, :, :1], 3, axis=2)
    grey = image[:, :, :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return np.clip(grey.round(), 0, 255).astype(np.uint8)[:, :, None]


def fit_image(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``(H, W, C)`` uint8 → ``size`` without distortion, as torchvision's ImageNet
    transforms do (``Resize`` then ``CenterCrop``): scale (bilinear) so the image just
    covers ``size`` — for a square size, the shorter side becomes its side — and cut
    the centre. An image already at ``size`` is returned unchanged."""
    h, w = image.shape[:2]
    th, tw = size
    if (h, w) == (th, tw):
        return image
    scale = max(th / h, tw / w)
    # torchvision's rounding: the covering side is exact, the other truncated.
    nh, nw = (th, max(tw, int(w * scale))) if th / h >= tw / w else (max(th, int(h * scale)), tw)
    pil = pil_image(image).resize((nw, nh), Image.BILINEAR)
    arr = np.asarray(pil, dtype=np.uint8)
    arr = arr[:, :, None] if arr.ndim == 2 else arr
    top, left = int(round((nh - th) / 2.0)), int(round((nw - tw) / 2.0))
    return np.ascontiguousarray(arr[top:top + th, left:left + tw])


def pil_image(image: np.ndarray) -> Image.Image:
    """One ``(H, W, C)`` uint8 array → a PIL image (grey for one channel)."""
    if image.shape[2] == 1:
        return Image.fromarray(image[:, :, 0], mode="L")
    return Image.fromarray(image, mode="RGB")
