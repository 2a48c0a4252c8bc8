"""Hue-based colour spaces → RGB, vectorised in torch (all values in ``[0, 1]``).

The paper reads a colour genome as HSV; its public code used HLS. Both are offered.
Both conversions go through the fully saturated colour of the hue,
``pure = clamp(|6h - 3| - 1), clamp(2 - |6h - 2|), clamp(2 - |6h - 4|)`` (R, G, B),
which needs no modulo for ``h`` in ``[0, 1]`` and so costs few passes over memory:

* HSV: ``rgb = v - v·s + v·s·pure`` (chroma ``v·s`` on top of ``v - chroma``);
* HLS: ``rgb = l + c·(pure - 1/2)`` with chroma ``c = (1 - |2l - 1|)·s``.
"""

from __future__ import annotations

import torch

COLOUR_SPACES = ("rgb", "hsv", "hls")


_HUE_OFFSET = (3.0, 2.0, 4.0)  # pure_c = clamp(bias_c + sign_c · |6h - offset_c|, 0, 1)
_HUE_SIGN = (1.0, -1.0, -1.0)
_HUE_BIAS = (-1.0, 2.0, 2.0)


def _convert(h: torch.Tensor, base: torch.Tensor, chroma: torch.Tensor,
             out: torch.Tensor | None) -> torch.Tensor:
    """``out[c] = base + chroma · pure_c(h)``, all three channels in a few whole-tensor ops."""
    if out is None:
        out = torch.empty((3, *h.shape), dtype=h.dtype, device=h.device)

    def per_channel(values):
        return torch.tensor(values, dtype=h.dtype, device=h.device).view(3, *([1] * h.dim()))

    torch.sub((h * 6.0).unsqueeze(0), per_channel(_HUE_OFFSET), out=out).abs_()
    torch.addcmul(per_channel(_HUE_BIAS), per_channel(_HUE_SIGN), out, out=out).clamp_(0.0, 1.0)
    return torch.addcmul(base, chroma, out, out=out).clamp_(0.0, 1.0)


def hsv_to_rgb(h: torch.Tensor, s: torch.Tensor, v: torch.Tensor,
               out: torch.Tensor | None = None) -> torch.Tensor:
    """Same-shaped ``h, s, v`` in ``[0, 1]`` → RGB of shape ``(3, *h.shape)``.

    Hue wraps: ``h = 1`` is red, like ``h = 0``. ``out`` (optional) receives the result.
    """
    chroma = v * s
    return _convert(h, v - chroma, chroma, out)


def hls_to_rgb(h: torch.Tensor, l: torch.Tensor, s: torch.Tensor,
               out: torch.Tensor | None = None) -> torch.Tensor:
    """``h, l, s`` in ``[0, 1]`` (Python ``colorsys`` order) → ``(3, *h.shape)`` RGB."""
    chroma = (l * 2.0 - 1.0).abs_().neg_().add_(1.0).mul_(s)
    return _convert(h, l - chroma * 0.5, chroma, out)


def to_rgb(channels: torch.Tensor, space: str, dim: int,
           out: torch.Tensor | None = None) -> torch.Tensor:
    """Read the 3 entries of ``channels`` along ``dim`` in ``space``; RGB along ``dim``.

    ``out`` (optional, the shape of ``channels``, any strides) receives the result.
    """
    dim = dim % channels.dim()
    if space == "rgb":
        return channels if out is None else out.copy_(channels)
    target = None if out is None else torch.movedim(out, dim, 0)
    a, b, c = channels.unbind(dim)
    if space == "hsv":
        rgb = hsv_to_rgb(a, b, c, target)
    elif space == "hls":
        rgb = hls_to_rgb(a, b, c, target)
    else:
        raise ValueError(f"unknown colour space {space!r}")
    return out if out is not None else torch.movedim(rgb, 0, dim).contiguous()
