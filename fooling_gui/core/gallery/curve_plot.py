"""The experiment's figure: best confidence over the classes against generation.

Drawn with Pillow alone (no Qt, no plotting library), so a headless run on a server
makes the same picture as a desktop: median (bold), mean (dashed), the band between
the quartiles, and an optional reference line (the paper's median).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from .contact_sheet import _font

BACKGROUND = (255, 255, 255)
AXIS = (60, 60, 60)
GRID = (225, 225, 230)
MEDIAN = (31, 95, 191)
MEAN = (214, 96, 17)
BAND = (200, 218, 245)
REFERENCE = (120, 120, 120)


@dataclass(frozen=True)
class CurvePoint:
    """One generation of the curve (confidences in [0, 1])."""

    generation: int
    median: float
    mean: float
    q1: float
    q3: float


def curve_points(history: Sequence) -> list[CurvePoint]:
    """:class:`~fooling_gui.core.evolution.GenerationStats` → points (quartiles from the
    per-class best confidences)."""
    points = []
    for s in history:
        q1, q3 = np.percentile(s.best, [25, 75]) if len(s.best) else (0.0, 0.0)
        points.append(CurvePoint(s.generation, s.median, s.mean, float(q1), float(q3)))
    return points


def _nice_step(span: float, target: int = 6) -> int:
    raw = max(span / target, 1.0)
    magnitude = 10 ** int(np.floor(np.log10(raw)))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return int(factor * magnitude)
    return int(10 * magnitude)


def _dashed(draw: ImageDraw.ImageDraw, xy: list[tuple[float, float]], fill, width: int,
            dash: float = 9.0, gap: float = 6.0) -> None:
    """A polyline drawn in dashes (Pillow has no dash style)."""
    on, left = True, dash
    for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
        length = float(np.hypot(x1 - x0, y1 - y0))
        pos = 0.0
        while pos < length:
            step = min(left, length - pos)
            if on:
                t0, t1 = pos / length, (pos + step) / length
                draw.line([(x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0),
                           (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1)], fill=fill, width=width)
            pos += step
            left -= step
            if left <= 1e-9:
                on = not on
                left = dash if on else gap


def confidence_curve(points: Sequence[CurvePoint], title: str, subtitle: str = "",
                     reference: tuple[float, str] | None = None,
                     size: tuple[int, int] = (1000, 560)) -> Image.Image:
    """The figure as an RGB image.

    Args:
        points: one per generation, in order.
        title, subtitle: printed above the plot.
        reference: ``(confidence, label)`` drawn as a grey horizontal line.
        size: ``(width, height)`` in pixels.
    """
    width, height = size
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, small = _font(20), _font(14)
    left, right, top, bottom = 78, 28, 104 if subtitle else 82, 62
    x0, x1, y0, y1 = left, width - right, top, height - bottom
    draw.text((left, 14), title, fill=AXIS, font=big)
    if subtitle:
        draw.text((left, 42), subtitle, fill=REFERENCE, font=small)

    last = points[-1].generation if points else 1
    span = max(last, 1)

    def px(g: float) -> float:
        return x0 + (x1 - x0) * g / span

    def py(p: float) -> float:
        return y1 - (y1 - y0) * min(max(p, 0.0), 1.0)

    for pct in range(0, 101, 20):  # horizontal grid and labels
        y = py(pct / 100)
        draw.line([(x0, y), (x1, y)], fill=GRID, width=1)
        draw.text((x0 - 10, y), f"{pct} %", fill=AXIS, font=small, anchor="rm")
    step = _nice_step(span)
    for g in range(0, span + 1, step):
        x = px(g)
        draw.line([(x, y1), (x, y1 + 5)], fill=AXIS, width=1)
        draw.text((x, y1 + 8), f"{g:,}", fill=AXIS, font=small, anchor="mt")
    draw.text(((x0 + x1) / 2, height - 22), "generation", fill=AXIS, font=small, anchor="mm")
    label = "best confidence per class"  # rotated: Pillow draws text horizontally only
    box = Image.new("RGB", (int(draw.textlength(label, font=small)) + 4, 18), BACKGROUND)
    ImageDraw.Draw(box).text((2, 1), label, fill=AXIS, font=small)
    box = box.rotate(90, expand=True)
    image.paste(box, (12, int((y0 + y1 - box.height) / 2)))

    if points:
        band = [(px(p.generation), py(p.q3)) for p in points]
        band += [(px(p.generation), py(p.q1)) for p in reversed(points)]
        if len(points) > 1:
            draw.polygon(band, fill=BAND)
        if reference is not None:
            ry = py(reference[0])
            _dashed(draw, [(x0, ry), (x1, ry)], REFERENCE, 2, dash=4, gap=5)
            draw.text((x1 - 4, ry - 4), reference[1], fill=REFERENCE, font=small, anchor="rb")
        mean = [(px(p.generation), py(p.mean)) for p in points]
        median = [(px(p.generation), py(p.median)) for p in points]
        if len(points) > 1:
            _dashed(draw, mean, MEAN, 2)
            draw.line(median, fill=MEDIAN, width=3, joint="curve")
        else:
            for (x, y), colour in ((mean[0], MEAN), (median[0], MEDIAN)):
                draw.ellipse([x - 4, y - 4, x + 4, y + 4], fill=colour)
    draw.rectangle([x0, y0, x1, y1], outline=AXIS, width=1)

    legend = [(MEDIAN, "median over the classes", False), (MEAN, "mean", True),
              (BAND, "middle half of the classes (quartiles)", False)]
    lx, ly = x0, y0 - 16  # one row between the titles and the plot
    for colour, label, dashed in legend:
        if colour == BAND:
            draw.rectangle([lx, ly - 6, lx + 30, ly + 6], fill=BAND)
        elif dashed:
            _dashed(draw, [(lx, ly), (lx + 30, ly)], colour, 2, dash=7, gap=4)
        else:
            draw.line([(lx, ly), (lx + 30, ly)], fill=colour, width=3)
        draw.text((lx + 38, ly), label, fill=AXIS, font=small, anchor="lm")
        lx += 38 + draw.textlength(label, font=small) + 28
    return image
