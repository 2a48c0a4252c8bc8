"""Batched CPPN rendering: a whole list of different genomes in a few tensor ops.

Method. All genomes are merged into one big acyclic graph whose node values are the
rows of one ``(rows, pixels)`` tensor: rows 0–3 are the shared inputs ``x, y, d,
bias``; every other node of every genome gets its own row. Rows are sorted by depth
(longest path from the inputs), then by activation, so

* one depth level is one contiguous block of rows whose sources all lie above it —
  its pre-activations are a single sparse × dense product (``levels`` products in
  all, whatever the batch size), and
* within a level, each activation is one contiguous slice, applied in place — no
  function is evaluated where it is not used.

Pixels are processed in chunks so that the value tensor stays under a memory budget;
the same loop renders one genome at 4000×4000 px as a uint8 image row block by block.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .colour import to_rgb
from .cppn_genome import ACTIVATIONS, N_INPUTS, CppnGenome, node_depths

ACTIVATION_IDS = {name: k for k, name in enumerate(ACTIVATIONS)}
DEFAULT_BUDGET_BYTES = 256 * 2**20


@dataclass(frozen=True)
class _Level:
    start: int  # first row of this depth level
    stop: int
    matrix: torch.Tensor  # sparse CSR (stop - start, start): weights from all earlier rows
    groups: tuple[tuple[int, int, int], ...]  # (row start, row stop, activation id)


@dataclass(frozen=True)
class RenderPlan:
    """Everything about a batch of genomes the renderer needs, built once per batch."""

    n_rows: int
    n_outputs: int
    levels: tuple[_Level, ...]
    output_rows: torch.Tensor  # (B, n_outputs) long: row of each genome's outputs
    max_level_edges: int

    @property
    def batch(self) -> int:
        return int(self.output_rows.shape[0])


def build_plan(genomes: Sequence[CppnGenome], device: torch.device) -> RenderPlan:
    """Merge ``genomes`` (all with the same number of outputs) into one layered graph."""
    n_out = genomes[0].n_outputs
    if any(g.n_outputs != n_out for g in genomes):
        raise ValueError("all genomes of one render must have the same number of outputs")
    # One record per non-input node: (depth, activation, genome, node id).
    depth_col, act_col, gen_col, id_col = [], [], [], []
    edge_gen, edge_src, edge_dst, edge_w = [], [], [], []
    for b, g in enumerate(genomes):
        depth = node_depths(g)
        for n in g.nodes:
            if n.kind != "input":
                depth_col.append(depth[n.id])
                act_col.append(ACTIVATION_IDS[n.activation])
                gen_col.append(b)
                id_col.append(n.id)
        for c in g.connections:
            edge_gen.append(b)
            edge_src.append(c.src)
            edge_dst.append(c.dst)
            edge_w.append(c.weight)
    depth_arr = np.array(depth_col, dtype=np.int64)
    act_arr = np.array(act_col, dtype=np.int64)
    gen_arr = np.array(gen_col, dtype=np.int64)
    id_arr = np.array(id_col, dtype=np.int64)
    order = np.lexsort((id_arr, gen_arr, act_arr, depth_arr))  # depth, then activation
    rows = np.empty(len(order), dtype=np.int64)
    rows[order] = N_INPUTS + np.arange(len(order))
    row_of = {(int(b), int(i)): int(r) for b, i, r in zip(gen_arr, id_arr, rows)}

    def row(b: int, node_id: int) -> int:
        return node_id if node_id < N_INPUTS else row_of[(b, node_id)]

    src = np.array([row(b, s) for b, s in zip(edge_gen, edge_src)], dtype=np.int64)
    dst = np.array([row(b, d) for b, d in zip(edge_gen, edge_dst)], dtype=np.int64)
    w = np.array(edge_w, dtype=np.float32)
    by_dst = np.lexsort((src, dst))
    src, dst, w = src[by_dst], dst[by_dst], w[by_dst]

    sorted_depth = depth_arr[order]
    sorted_act = act_arr[order]
    levels = []
    max_edges = 0
    for d in np.unique(sorted_depth):
        lo, hi = np.searchsorted(sorted_depth, [d, d + 1])
        start, stop = N_INPUTS + int(lo), N_INPUTS + int(hi)
        e_lo, e_hi = np.searchsorted(dst, [start, stop])
        crow = np.searchsorted(dst[e_lo:e_hi], np.arange(start, stop + 1))
        matrix = torch.sparse_csr_tensor(
            torch.from_numpy(crow), torch.from_numpy(src[e_lo:e_hi].copy()),
            torch.from_numpy(w[e_lo:e_hi].copy()), size=(stop - start, start), device=device)
        acts = sorted_act[lo:hi]
        groups = []
        for a in np.unique(acts):
            a_lo, a_hi = np.searchsorted(acts, [a, a + 1])
            groups.append((start + int(a_lo), start + int(a_hi), int(a)))
        levels.append(_Level(start, stop, matrix, tuple(groups)))
        max_edges = max(max_edges, e_hi - e_lo)
    outputs = [[row(b, N_INPUTS + k) for k in range(n_out)] for b in range(len(genomes))]
    return RenderPlan(N_INPUTS + len(order), n_out, tuple(levels),
                      torch.tensor(outputs, dtype=torch.long, device=device), max_edges)


def _activate_(values: torch.Tensor, activation: int) -> None:
    """Apply one activation in place (the formulas of the paper's code)."""
    if activation == ACTIVATION_IDS["sine"]:
        values.sin_()
    elif activation == ACTIVATION_IDS["sigmoid"]:
        values.mul_(0.5).tanh_()  # 2 / (1 + exp(-p)) - 1 == tanh(p / 2)
    elif activation == ACTIVATION_IDS["gaussian"]:
        values.square_().neg_().exp_()
    else:  # linear, clipped to [-3, 3] and scaled into [-1, 1]
        values.clamp_(-3.0, 3.0).div_(3.0)


def _input_rows(out: torch.Tensor, size: tuple[int, int], p0: int, p1: int) -> None:
    """Fill rows 0–3 of ``out`` with x, y, d, bias for flat pixel indices ``[p0, p1)``."""
    h, w = size
    idx = torch.arange(p0, p1, device=out.device)
    x, y, d, bias = out[0], out[1], out[2], out[3]
    torch.remainder(idx, w, out=x)
    torch.div(idx, w, rounding_mode="floor", out=y)
    x.mul_(2.0 / w).add_(1.0 / w - 1.0)  # pixel centres in [-1, 1]
    y.mul_(2.0 / h).add_(1.0 / h - 1.0)
    torch.hypot(x, y, out=d)
    bias.fill_(1.0)


def chunk_pixels(plan: RenderPlan, n_pixels: int, budget_bytes: int) -> int:
    """How many pixels one pass may hold within ``budget_bytes`` of float32 values."""
    per_pixel = 4 * (plan.n_rows + plan.max_level_edges + 2 * plan.batch * plan.n_outputs)
    return int(max(1, min(n_pixels, budget_bytes // per_pixel)))


def iter_render(plan: RenderPlan, size: tuple[int, int], colour_space: str,
                budget_bytes: int = DEFAULT_BUDGET_BYTES,
                ) -> Iterator[tuple[int, int, torch.Tensor]]:
    """Yield ``(p0, p1, pixels)`` with ``pixels`` of shape ``(B, channels, p1 - p0)`` in
    ``[0, 1]`` for consecutive flat pixel ranges covering the ``size`` image."""
    n_pixels = size[0] * size[1]
    step = chunk_pixels(plan, n_pixels, budget_bytes)
    device = plan.output_rows.device
    values = torch.empty((plan.n_rows, step), dtype=torch.float32, device=device)
    for p0 in range(0, n_pixels, step):
        p1 = min(n_pixels, p0 + step)
        vals = values[:, : p1 - p0] if p1 - p0 < step else values
        _input_rows(vals, size, p0, p1)
        for level in plan.levels:
            block = vals[level.start:level.stop]
            block.copy_(torch.sparse.mm(level.matrix, vals[: level.start]))
            for g0, g1, act in level.groups:
                _activate_(vals[g0:g1], act)
        out = vals[plan.output_rows].abs_().clamp_(0.0, 1.0)  # (B, n_out, n)
        if plan.n_outputs == 3:
            out = to_rgb(out, colour_space, dim=1)
        yield p0, p1, out


def render_cppns(genomes: Sequence[CppnGenome], size: tuple[int, int], colour_space: str = "hsv",
                 device: str | torch.device = "cpu",
                 budget_bytes: int = DEFAULT_BUDGET_BYTES) -> torch.Tensor:
    """``(B, C, H, W)`` float32 images in ``[0, 1]`` of ``genomes`` at ``size = (H, W)``.

    ``C`` is the genomes' number of outputs (1 grey; 3 read in ``colour_space``).
    """
    h, w = (int(v) for v in size)
    device = torch.device(device)
    if not genomes:
        return torch.empty((0, 1, h, w), device=device)
    with torch.inference_mode():
        plan = build_plan(genomes, device)
        images = torch.empty((plan.batch, plan.n_outputs, h * w), dtype=torch.float32,
                             device=device)
        for p0, p1, pixels in iter_render(plan, (h, w), colour_space, budget_bytes):
            images[:, :, p0:p1] = pixels
    return images.view(plan.batch, plan.n_outputs, h, w)


def render_one_large(genome: CppnGenome, size: tuple[int, int], colour_space: str = "hsv",
                     device: str | torch.device = "cpu",
                     budget_bytes: int = 64 * 2**20) -> np.ndarray:
    """One genome at any resolution as a ``(H, W, C)`` uint8 array.

    Only the uint8 result and one pixel chunk are ever in memory (a 4000×4000 colour
    image: 48 MB + ``budget_bytes``).
    """
    h, w = (int(v) for v in size)
    device = torch.device(device)
    with torch.inference_mode():
        plan = build_plan([genome], device)
        image = np.empty((h * w, plan.n_outputs), dtype=np.uint8)
        for p0, p1, pixels in iter_render(plan, (h, w), colour_space, budget_bytes):
            q = torch.round(pixels[0] * 255.0).to(torch.uint8)  # (C, n)
            image[p0:p1] = q.T.cpu().numpy()
    return image.reshape(h, w, plan.n_outputs)
