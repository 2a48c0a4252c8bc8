"""Hue-based colour spaces → RGB, vectorised in torch (all values in ``[0, 1]``).

The paper says a colour genome is read as HSV; its public code stores the three
values as 8-bit H, L, S and converts them with OpenCV's ``cvtColor(HLS2BGR)``, whose
8-bit hue runs 0–180 for a full turn, so hue levels 0–255 wrap about 1.4 turns
(:func:`hls_opencv_to_rgb`, the ``paper`` preset). Continuous HSV and HLS (no wrap)
and plain RGB are named options.

The continuous conversions go through the fully saturated colour of the hue,
``pure = clamp(|6h - 3| - 1), clamp(2 - |6h - 2|), clamp(2 - |6h - 4|)`` (R, G, B),
which needs no modulo for ``h`` in ``[0, 1]`` and so costs few passes over memory:

* HSV: ``rgb = v - v·s + v·s·pure`` (chroma ``v·s`` on top of ``v - chroma``);
* HLS: ``rgb = l + c·(pure - 1/2)`` with chroma ``c = (1 - |2l - 1|)·s``.
"""

from __future__ import annotations

import torch

COLOUR_SPACES = ("hls-opencv", "hsv", "hls", "rgb")
# Spaces whose conversion takes 8-bit levels and returns 8-bit levels (quantise first).
EIGHT_BIT_SPACES = ("hls-opencv",)


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
    elif space == "hls-opencv":
        rgb = hls_opencv_to_rgb(a, b, c, target)
    else:
        raise ValueError(f"unknown colour space {space!r}")
    return out if out is not None else torch.movedim(rgb, 0, dim).contiguous()


# OpenCV's HLS → RGB sectors: which of (p2, p1, falling, rising) each of B, G, R takes.
_OPENCV_SECTORS = ((1, 3, 0), (1, 0, 2), (3, 0, 1), (0, 2, 1), (0, 1, 3), (2, 1, 0))


def hls_opencv_to_rgb(h: torch.Tensor, l: torch.Tensor, s: torch.Tensor,
                      out: torch.Tensor | None = None) -> torch.Tensor:
    """OpenCV's 8-bit ``cvtColor(HLS2BGR)`` on ``[0, 1]`` tensors holding 8-bit levels
    (``k / 255``); returns ``(3, *h.shape)`` RGB levels ``k / 255``.

    The arithmetic follows OpenCV's ``HLS2RGB_b`` in float32 step for step: hue level
    ``H`` becomes ``H · 6/180`` sextants (so levels 180–255 wrap round to red again),
    lightness and saturation ``L/255``, ``S/255``, and each result is rounded to the
    nearest level (half to even). It matches OpenCV bit for bit on all 2²⁴ inputs.
    """
    f32 = torch.float32
    levels_h = torch.round(h.to(f32) * 255.0)
    lf = torch.round(l.to(f32) * 255.0) * f32_const(1.0 / 255.0, l)
    sf = torch.round(s.to(f32) * 255.0) * f32_const(1.0 / 255.0, s)
    p2 = torch.where(lf <= 0.5, lf * (sf + 1.0), lf + sf - lf * sf)
    p1 = lf * 2.0 - p2
    hh = levels_h * f32_const(6.0 / 180.0, h)
    hh = torch.where(hh >= 6.0, hh - 6.0, hh)  # at most one wrap: 255 · 6/180 < 12
    sector = torch.floor(hh)
    frac = hh - sector
    tab = torch.stack([p2, p1, p1 + (p2 - p1) * (1.0 - frac), p1 + (p2 - p1) * frac])
    index = torch.tensor(_OPENCV_SECTORS, device=h.device)[sector.long()]  # (..., 3) B, G, R
    bgr = torch.gather(tab, 0, index.movedim(-1, 0))  # (3, ...)
    grey = (sf == 0.0).unsqueeze(0)
    bgr = torch.where(grey, lf.unsqueeze(0).expand_as(bgr), bgr)
    rgb = torch.round(bgr.flip(0) * 255.0).clamp_(0.0, 255.0).div_(255.0)
    if out is None:
        return rgb
    return out.copy_(rgb)


def f32_const(value: float, like: torch.Tensor) -> torch.Tensor:
    """``value`` rounded to float32 (OpenCV's constants are float literals)."""
    return torch.tensor(value, dtype=torch.float32, device=like.device)
