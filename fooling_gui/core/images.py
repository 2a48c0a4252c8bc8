"""Image conventions shared by the whole core.

* compute: ``torch.float32`` tensors ``(B, C, H, W)`` with values in ``[0, 1]``;
* storage and display: ``numpy.uint8`` arrays ``(B, H, W, C)``.

Fitness is always measured on the 8-bit image (``quantize``) so that a saved PNG
reproduces its recorded confidence exactly.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .errors import FoolingError


def quantize(images: torch.Tensor) -> torch.Tensor:
    """Round ``[0, 1]`` images to the 256 levels a PNG can hold."""
    return torch.round(images.clamp(0.0, 1.0) * 255.0) / 255.0


PIXEL_LEVELS = ("truncate", "round")


def quantize_(images: torch.Tensor, levels: str = "round") -> torch.Tensor:
    """In-place :func:`quantize` for a tensor the caller owns (saves three full copies
    of a 400-image 256×256 batch per generation).

    ``levels="truncate"`` takes ``floor(255 v)`` instead of rounding: the paper's code
    converts a value to a pixel with ``int color = value * 255`` (C++ truncation).
    """
    images.clamp_(0.0, 1.0).mul_(255.0)
    if levels == "truncate":
        images.floor_()
    else:
        images.round_()
    return images.div_(255.0)


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


#: Largest image read (64 megapixels, e.g. 8000 × 8000): every model here looks at a
#: few hundred pixels a side, and a small file can claim billions of pixels.
MAX_IMAGE_PIXELS = 64_000_000


def load_image(path: str | Path, channels: int) -> np.ndarray:
    """Read an image file as ``(H, W, channels)`` uint8 (grey or RGB).

    16-bit and floating-point images are scaled to 8 bits, not clipped; images over
    :data:`MAX_IMAGE_PIXELS` are refused before they are decoded.
    """
    path = Path(path)
    if not path.is_file():
        raise FoolingError(f"No image file at {path}.")
    try:
        with warnings.catch_warnings():
            # PIL warns about large images on opening; the size is refused just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
        with im:
            w, h = im.size
            if w * h > MAX_IMAGE_PIXELS:
                raise FoolingError(f"{path} is {w:,} × {h:,} pixels; images up to "
                                   f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels are read.")
            im = _to_8bit(im)
            im = im.convert("L" if channels == 1 else "RGB")
            arr = np.asarray(im, dtype=np.uint8)
    except Image.DecompressionBombError:
        raise FoolingError(f"{path} claims to be far larger than any image this app reads "
                           f"(over {MAX_IMAGE_PIXELS // 1_000_000} megapixels).") from None
    except (OSError, ValueError, SyntaxError) as exc:
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


def _to_8bit(im: Image.Image) -> Image.Image:
    """Grey images with 16-bit, 32-bit or float pixels, scaled to 8 bits ("L").

    PIL's own ``convert("L")`` clips such values at 255, which turns a 16-bit PNG
    almost entirely white. 16-bit RGB needs nothing: PIL already reads it as 8-bit.
    """
    if not (im.mode.startswith("I") or im.mode == "F"):
        return im
    arr = np.asarray(im).astype(np.float64)
    if im.mode == "F":
        top = 1.0 if arr.size and np.nanmax(arr) <= 1.0 else 255.0
    else:  # "I;16…" always, "I" when its values fit in 16 bits (how PIL reads 16-bit PNGs)
        top = 65535.0 if im.mode.startswith("I;16") or arr.max(initial=0) <= 65535 \
            else float(2**32 - 1)
    scaled = np.clip(np.nan_to_num(arr / top * 255.0), 0.0, 255.0)
    return Image.fromarray(np.round(scaled).astype(np.uint8), mode="L")


def pil_image(image: np.ndarray) -> Image.Image:
    """One ``(H, W, C)`` uint8 array → a PIL image (grey for one channel)."""
    if image.shape[2] == 1:
        return Image.fromarray(image[:, :, 0], mode="L")
    return Image.fromarray(image, mode="RGB")


def adapt_channels(images: torch.Tensor, channels: int) -> torch.Tensor:
    """Grey ↔ colour so any elite can be shown to any model (ITU-R 601 luma)."""
    if images.shape[1] == channels:
        return images
    if channels == 3:
        return images.expand(-1, 3, -1, -1).contiguous()
    weights = torch.tensor([0.299, 0.587, 0.114], dtype=images.dtype).view(1, 3, 1, 1)
    return (images * weights).sum(dim=1, keepdim=True)
