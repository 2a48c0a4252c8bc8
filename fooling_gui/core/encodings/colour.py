"""Hue-based colour spaces → RGB, vectorised in torch (all values in ``[0, 1]``).

The paper reads a colour genome as HSV; its public code used HLS. Both are offered.
"""

from __future__ import annotations

import torch

COLOUR_SPACES = ("rgb", "hsv", "hls")


def hsv_to_rgb(h: torch.Tensor, s: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Same-shaped ``h, s, v`` in ``[0, 1]`` → RGB of shape ``(3, *h.shape)``.

    Hue wraps: ``h = 1`` is red, like ``h = 0``.
    """
    h6 = h * 6.0
    out = []
    for n in (5.0, 3.0, 1.0):  # R, G, B
        k = torch.remainder(h6 + n, 6.0)
        out.append(v - v * s * torch.clamp(torch.minimum(k, 4.0 - k), 0.0, 1.0))
    return torch.stack(out)


def hls_to_rgb(h: torch.Tensor, l: torch.Tensor, s: torch.Tensor) -> torch.Tensor:  # noqa: E741
    """``h, l, s`` in ``[0, 1]`` (Python ``colorsys`` order) → ``(3, *h.shape)`` RGB."""
    a = s * torch.minimum(l, 1.0 - l)
    h12 = h * 12.0
    out = []
    for n in (0.0, 8.0, 4.0):  # R, G, B
        k = torch.remainder(h12 + n, 12.0)
        out.append(l - a * torch.clamp(torch.minimum(k - 3.0, 9.0 - k), -1.0, 1.0))
    return torch.stack(out)


def to_rgb(channels: torch.Tensor, space: str, dim: int) -> torch.Tensor:
    """Read the 3 entries of ``channels`` along ``dim`` in ``space`` and return RGB there."""
    if space == "rgb":
        return channels
    a, b, c = channels.unbind(dim)
    if space == "hsv":
        rgb = hsv_to_rgb(a, b, c)
    elif space == "hls":
        rgb = hls_to_rgb(a, b, c)
    else:
        raise ValueError(f"unknown colour space {space!r}")
    return torch.movedim(rgb, 0, dim % channels.dim()).clamp_(0.0, 1.0)
