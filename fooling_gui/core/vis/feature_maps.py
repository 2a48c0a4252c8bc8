"""Feature maps as pictures: colour maps, tiling, one layer's mosaic, saliency overlay.

Plain numpy on activations the caller has already computed; the feature-visualisation
session turns them into the frozen analyses the GUI draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .layers import LayerInfo

MAX_CHANNELS = 64  # feature maps shown per layer
MAX_TILE = 64  # longest side of one feature map tile (larger maps are strided)
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


def overlay(image: np.ndarray, sal: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """The saliency heat blended over a dimmed grey copy of ``image`` where it is strong."""
    grey = image.astype(np.float32).mean(axis=2, keepdims=True) * 0.6
    alpha = np.clip(sal, 0.0, 1.0)[:, :, None] ** 0.7
    out = grey * (1.0 - alpha) + heat.astype(np.float32) * alpha
    return np.clip(out.round(), 0, 255).astype(np.uint8)
