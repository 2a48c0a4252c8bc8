"""Batched CPPN rendering: a whole list of different genomes in a few tensor ops.

Method (the plan: :mod:`.cppn_plan`). Nodes with no path to an output are dropped (about a third of them in
evolved genomes). All genomes are merged into one big acyclic graph whose node values
are the rows of one ``(rows, pixels)`` tensor: rows 0–3 are the shared inputs ``x, y,
d, bias``; every other node of every genome gets its own row. Rows are sorted by depth
(longest path from the inputs), then activation, so for one depth level:

* connections from the inputs are four broadcast multiply-adds (x, y, d, bias) that
  also initialise the level's rows;
* the other connections are applied in "slots": slot ``k`` holds the ``k``-th hidden
  connection of every node of the level that has one, so a slot is one gather, one
  multiply and one indexed add;
* each activation is one contiguous slice, applied in place — no function is
  evaluated where it is not used.

A batch costs ``levels × (slots + activations)`` tensor ops (about a hundred) per pixel
block whatever its size. Pixels are processed in blocks of whole image rows that keep
the value tensor small (cache friendly and within a memory budget); the same loop
renders one genome at 4000×4000 px as a uint8 image, block by block.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..images import quantize_
from .colour import EIGHT_BIT_SPACES, to_rgb
from .cppn_genome import ACTIVATIONS, N_INPUTS, CppnGenome
from .cppn_plan import RenderPlan, build_plan

ACTIVATION_IDS = {name: k for k, name in enumerate(ACTIVATIONS)}


# exp(-87) ≈ 1.6e-38 is still a normal float32. Beyond it exp(-p²) would be
# subnormal, which x86 computes tens of times slower (a gaussian node far from its
# centre is subnormal over most of the image: it made rendering 2× slower); the value
# it is clamped to is zero for every pixel and every weighted sum downstream.
_GAUSSIAN_MAX_SQUARE = 87.0


def _activate_(values: torch.Tensor, activation: int) -> None:
    """Apply one activation in place to pre-activations already scaled by ``cppn_plan.INPUT_SCALE``."""
    if activation == ACTIVATION_IDS["sine"]:
        values.sin_()
    elif activation == ACTIVATION_IDS["sigmoid"]:
        # The original's 2 / (1 + e^-p) - 1, as written: torch's tanh (the same
        # function, tanh(p/2)) costs four times as much as its sigmoid.
        values.sigmoid_().mul_(2.0).sub_(1.0)
    elif activation == ACTIVATION_IDS["gaussian"]:
        values.square_().clamp_(max=_GAUSSIAN_MAX_SQUARE).neg_().exp_()
    else:
        values.clamp_(-1.0, 1.0)


def _input_rows(out: torch.Tensor, size: tuple[int, int], r0: int, r1: int,
                c0: int = 0, c1: int | None = None, coordinates: str = "smooth",
                base: tuple[int, int] | None = None) -> None:
    """Fill rows 0–3 of ``out`` with x, y, d, bias for image rows ``[r0, r1)`` and
    columns ``[c0, c1)`` of the full ``size`` grid.

    ``coordinates="pixel"`` (the paper's code, ``phen_grayscale_image.hpp``): x is the
    column index, y the row index, d the distance from the centre on a −1…1 grid
    (corner pixels at ±1, so d = √2 in the corners). With weights up to ±10 on a
    column index, most evolved patterns are far finer than a pixel: the scored image
    is a sample of a pattern that a finer render would show differently (stripes
    where the scored image has smooth bands). So a render at another ``size`` than
    the ``base`` size the genome was scored at gives each pixel the coordinates of the
    scored pixel it falls in: it keeps exactly the look of the scored image.
    ``"smooth"``: x, y in [−1, 1] at pixel centres and d = √(x² + y²); any size shows
    the same smooth pattern, more finely.
    """
    h, w = size
    c1 = w if c1 is None else c1
    grid = out[:N_INPUTS].view(N_INPUTS, r1 - r0, c1 - c0)
    x, y, d, bias = grid
    device = out.device
    if coordinates == "pixel":
        bh, bw = base if base is not None else size
        cols = torch.arange(c0, c1, dtype=torch.float64, device=device)
        rows = torch.arange(r0, r1, dtype=torch.float64, device=device)
        if (bh, bw) != (h, w):  # the scored pixel each one falls in
            cols = torch.floor(cols * (bw / w))
            rows = torch.floor(rows * (bh / h))
        x.copy_(cols)
        y.copy_(rows[:, None])
        # As the original: the −1…1 grid in double, stored as float, d in double.
        gx = (cols * (2.0 / (bw - 1)) - 1.0 if bw > 1 else cols * 0.0).float().double()
        gy = (rows * (2.0 / (bh - 1)) - 1.0 if bh > 1 else rows * 0.0).float().double()
        d.copy_(torch.sqrt(gx[None, :] ** 2 + gy[:, None] ** 2))
    else:
        cols = torch.arange(c0, c1, dtype=torch.float32, device=device)
        rows = torch.arange(r0, r1, dtype=torch.float32, device=device)
        x.copy_((cols * 2.0 + 1.0) / w - 1.0)  # pixel centres in [-1, 1], broadcast over rows
        y.copy_(((rows * 2.0 + 1.0) / h - 1.0)[:, None])
        torch.hypot(x, y, out=d)
    bias.fill_(1.0)


def default_budget(device: torch.device) -> int:
    """Bytes of node values per pixel chunk: cache-sized on CPU (fastest when measured),
    large on a GPU where each extra chunk costs hundreds of kernel launches."""
    return 2 * 2**30 if device.type == "cuda" else 32 * 2**20


def chunk_rows(plan: RenderPlan, size: tuple[int, int], budget_bytes: int) -> int:
    """How many image rows one pass may hold within ``budget_bytes`` of float32 values
    (at least one)."""
    per_pixel = 4 * (plan.n_rows + plan.max_links + plan.batch * plan.n_outputs)
    return int(max(1, min(size[0], budget_bytes // (per_pixel * size[1]))))


def _evaluate_(values: torch.Tensor, plan: RenderPlan, gather: torch.Tensor,
               width: int, by_slot: bool | None = None) -> None:
    """Fill every node row of ``values`` (rows 0–3 already hold the inputs of a block
    of whole image rows ``width`` pixels wide).

    ``by_slot``: add a level's links one slot at a time, as on a GPU (None: on any
    device but the CPU); the same sums in the same order as one serial indexed add.
    """
    # Every row's links from the inputs first, for all levels at once (they need
    # nothing else). x depends on the column only and y on the row only, so
    # w_x x + bias + w_y y is one broadcast sum over the block from two small tables,
    # then w_d d is added: two passes over the rows instead of four. Not one
    # (rows, 4) @ (4, pixels) product: a BLAS kernel may sum in another order for
    # another number of rows, and a genome must render to the same bits in any batch
    # (elites are scored in one batch and drawn in another).
    w = plan.input_weights
    x_of_column = values[0, :width]
    y_of_row = values[1, ::width]
    rows = values[N_INPUTS:]
    along_row = torch.addcmul(w[:, 3:4], w[:, 0:1], x_of_column)  # (rows, width)
    torch.add(along_row[:, None, :], (w[:, 1:2] * y_of_row)[:, :, None],
              out=rows.view(len(w), values.shape[1] // width, width))
    rows.addcmul_(w[:, 2:3], values[2:3])
    if by_slot is None:
        by_slot = values.device.type != "cpu"
    for level in plan.levels:
        if level.links:
            taken = gather[: level.links]
            torch.index_select(values, 0, level.src, out=taken)
            taken.mul_(level.weight)
            if not by_slot:
                # On the CPU index_add_ adds the links one after another in their order,
                # so one call adds each row's k-th link after its (k-1)-th.
                values.index_add_(0, level.dst, taken)
            else:  # on a GPU duplicates add in any order: one slot at a time
                start = 0
                for stop in level.slots:
                    values.index_add_(0, level.dst[start:stop], taken[start:stop])
                    start = stop
        for group in level.groups:
            _activate_(values[group.start:group.stop], group.activation)


@dataclass(frozen=True)
class PixelRule:
    """How node values become pixels: input coordinates, colour space, 8-bit levels.

    Attributes:
        coordinates: ``"pixel"`` or ``"smooth"`` (see :func:`_input_rows`).
        colour_space: how three outputs are read (see :mod:`.colour`).
        levels: ``"truncate"`` or ``"round"`` to 8-bit levels; None keeps floats.
        base: the size the genomes are scored at (``"pixel"`` coordinates scale to it).
    """

    coordinates: str = "smooth"
    colour_space: str = "hsv"
    levels: str | None = None
    base: tuple[int, int] | None = None


def render_chunks(plan: RenderPlan, size: tuple[int, int], rule: PixelRule,
                  target: Callable[[int, int], torch.Tensor], budget_bytes: int | None = None,
                  window: tuple[int, int, int, int] | None = None,
                  ) -> Iterator[tuple[int, int, torch.Tensor]]:
    """Render the ``size`` image (or only its ``window``) a block of whole rows at a time.

    ``window = (top, left, height, width)`` renders just that rectangle of the full
    image, pixel for pixel identical to cropping a full render. For each block, with
    flat pixel range ``[p0, p1)`` of the rendered area, ``target(p0, p1)`` gives the
    ``(B, channels, p1 - p0)`` tensor (any strides, on the plan's device) to fill with
    pixels in ``[0, 1]``; the filled tensor is then yielded as ``(p0, p1, tensor)``.
    """
    top, left, h, w = window if window is not None else (0, 0, *size)
    device = plan.output_rows.device
    budget = default_budget(device) if budget_bytes is None else budget_bytes
    step = chunk_rows(plan, (h, w), budget)
    values = gather = None
    for r0 in range(0, h, step):
        r1 = min(h, r0 + step)
        n = (r1 - r0) * w
        if values is None or values.shape[1] != n:  # only the last block differs
            values = torch.empty((plan.n_rows, n), dtype=torch.float32, device=device)
            gather = torch.empty((plan.max_links, n), dtype=torch.float32, device=device)
        _input_rows(values, size, top + r0, top + r1, left, left + w, rule.coordinates,
                    rule.base)
        _evaluate_(values, plan, gather, w)
        # Every activation lies in [-1, 1], so |value| is already a valid pixel.
        outputs = values[plan.output_rows].abs_()  # (B, n_out, n)
        pixels = target(r0 * w, r1 * w)
        # While the block is still in cache: 8-bit levels, as a PNG holds them (before
        # the colour conversion where that takes 8-bit levels, as OpenCV's does).
        if plan.n_outputs == 3 and rule.colour_space in EIGHT_BIT_SPACES:
            to_rgb(quantize_(outputs, rule.levels or "round"), rule.colour_space, dim=1,
                   out=pixels)
        else:
            if plan.n_outputs == 3:
                to_rgb(outputs, rule.colour_space, dim=1, out=pixels)
            else:
                pixels.copy_(outputs)
            if rule.levels is not None:
                quantize_(pixels, rule.levels)
        yield r0 * w, r1 * w, pixels


def render_cppns(genomes: Sequence[CppnGenome], size: tuple[int, int],
                 rule: PixelRule = PixelRule(), device: str | torch.device = "cpu",
                 budget_bytes: int | None = None,
                 window: tuple[int, int, int, int] | None = None,
                 evaluation: str = "feed-forward", clock=None) -> torch.Tensor:
    """``(B, C, H, W)`` float32 images in ``[0, 1]`` of ``genomes`` at ``size = (H, W)``.

    ``C`` is the genomes' number of outputs (1 grey; 3 read in ``rule.colour_space``).
    ``budget_bytes`` bounds the intermediate node values (default: :func:`default_budget`).
    With ``window = (top, left, height, width)`` only that rectangle is rendered, and the
    result is ``(B, C, height, width)``. ``evaluation``: see :func:`build_plan`.
    ``clock`` (a StageClock, optional) is told when the plan is built.
    """
    size = tuple(int(v) for v in size)
    h, w = (window[2], window[3]) if window is not None else size
    device = torch.device(device)
    if not genomes:
        return torch.empty((0, 1, h, w), device=device)
    with torch.no_grad():  # not inference_mode: callers may use the images in autograd
        plan = build_plan(genomes, device, evaluation)
        if clock is not None:
            clock.lap("plan")
        images = torch.empty((plan.batch, plan.n_outputs, h * w), dtype=torch.float32,
                             device=device)
        for _ in render_chunks(plan, size, rule, lambda p0, p1: images[:, :, p0:p1],
                               budget_bytes, window):
            pass
    return images.view(plan.batch, plan.n_outputs, h, w)


def render_one_large(genome: CppnGenome, size: tuple[int, int],
                     rule: PixelRule = PixelRule(levels="round"),
                     device: str | torch.device = "cpu",
                     budget_bytes: int = 32 * 2**20,
                     evaluation: str = "feed-forward") -> np.ndarray:
    """One genome at any resolution as a ``(H, W, C)`` uint8 array.

    Only the uint8 result and one pixel chunk are in memory at a time (a 4000×4000
    colour image: 48 MB plus a few times ``budget_bytes``).
    """
    h, w = (int(v) for v in size)
    device = torch.device(device)
    with torch.inference_mode():
        plan = build_plan([genome], device, evaluation)
        image = np.empty((h * w, plan.n_outputs), dtype=np.uint8)
        block = chunk_rows(plan, (h, w), budget_bytes) * w
        buffer = torch.empty((1, plan.n_outputs, block), dtype=torch.float32, device=device)
        if rule.levels is None:
            rule = dataclasses.replace(rule, levels="round")
        for p0, p1, pixels in render_chunks(plan, (h, w), rule,
                                            lambda p0, p1: buffer[:, :, : p1 - p0], budget_bytes):
            image[p0:p1] = torch.round(pixels[0] * 255.0).to(torch.uint8).T.cpu().numpy()
    return image.reshape(h, w, plan.n_outputs)
