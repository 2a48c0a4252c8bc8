"""The batched render plan, built from the population's arrays.

All genomes of a batch become one layered graph whose node values are the rows of one
``(rows, pixels)`` tensor (see :mod:`.cppn_render` for how it is evaluated). Building
it is array work over the padded :class:`~.cppn_arrays.CppnBatch`:

1. depths (longest path from the inputs; a node with no incoming link sits at 1) and
   the nodes with a path to an output, by relaxing all links of all genomes at once
   until nothing changes (as many rounds as the deepest genome is deep);
2. one sort of the expressed nodes by (depth, activation, genome) gives every node
   its row, so a level's rows of one activation are contiguous;
3. one sort of the links between hidden rows by (level, k-th incoming link, row)
   gives the "slots": slot ``k`` of a level gathers the ``k``-th hidden link of each
   of its rows that has one and adds it in (one gather and one indexed add per slot,
   so a node sums its links in its own fixed order, whatever the batch).

Only the level/group/slot bookkeeping (a few dozen entries) is a Python loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .cppn_arrays import DEAD, CppnBatch
from .cppn_genome import ACTIVATIONS, N_INPUTS
from .host_arrays import to_device
from .cppn_steps import stepped_genome
from .cppn_steps_arrays import unroll_steps

# Each activation's input scale, folded into the weights feeding it to save a pass:
# linear clamp(p, -3, 3)/3 == clamp(p/3, -1, 1).
INPUT_SCALE = {"sine": 1.0, "sigmoid": 1.0, "gaussian": 1.0, "linear": 1.0 / 3.0}
_SCALE = np.array([INPUT_SCALE[a] for a in ACTIVATIONS])
_UNREACHED = -(1 << 20)


@dataclass(frozen=True)
class Group:
    start: int  # rows [start, stop) share one activation
    stop: int
    activation: int


@dataclass(frozen=True)
class Level:
    """Rows ``[start, stop)`` share one depth. Their links from hidden rows are
    ``src → dst`` with ``weight``, ordered by (k-th link of its row, row): ``slots``
    splits them into runs in which each row appears at most once."""

    start: int
    stop: int
    src: torch.Tensor  # (links,) long: source rows (all in earlier levels)
    dst: torch.Tensor  # (links,) long
    weight: torch.Tensor  # (links, 1) float32
    slots: tuple[int, ...]  # where each slot's run of links ends
    groups: tuple[Group, ...]

    @property
    def links(self) -> int:
        return self.slots[-1] if self.slots else 0


@dataclass(frozen=True)
class RenderPlan:
    """Everything about a batch of genomes the renderer needs, built once per batch."""

    n_rows: int
    n_outputs: int
    input_weights: torch.Tensor  # (n_rows - 4, 4) float32: weights from x, y, d, bias
    levels: tuple[Level, ...]
    output_rows: torch.Tensor  # (B, n_outputs) long: row of each genome's outputs
    max_links: int  # most links into one level

    @property
    def batch(self) -> int:
        return int(self.output_rows.shape[0])


def _relax(values: np.ndarray, r: np.ndarray, s: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Longest paths: ``values[..., r, d] >= values[..., r, s] + 1`` for every link, to a
    fixpoint (one round per link of the longest path; each round writes only where a
    link raises its target). ``values`` may stack several ``(B, N)``."""
    width = values.shape[-1]
    flat = values.reshape(-1)
    stride = values.shape[-2] * width
    offsets = np.arange(flat.size // stride)[:, None] * stride
    src_at = (offsets + (r * width + s)[None, :]).ravel()
    dst_at = (offsets + (r * width + d)[None, :]).ravel()
    while True:
        raised = flat[src_at] + 1
        better = raised > flat[dst_at]
        if not better.any():
            return values
        np.maximum.at(flat, dst_at[better], raised[better])


def _links(batch: CppnBatch):
    mask = batch.link_mask()
    r = np.broadcast_to(np.arange(batch.size)[:, None], mask.shape)[mask]
    return r, batch.src[mask].astype(np.int64), batch.dst[mask].astype(np.int64), \
        batch.weight[mask]


def _depths(batch: CppnBatch, r, s, d):
    """``(settle, sferes_steps)``: each slot's depth (inputs 0, a node without incoming
    link 1) and each genome's number of Sferes steps (longest input → output path + 1)."""
    slots = np.arange(batch.act.shape[1])[None, :]
    is_input = slots < N_INPUTS
    both = np.stack([np.where(is_input, 0, 1), np.where(is_input, 0, _UNREACHED)])
    settle, reach = _relax(both * np.ones((1, batch.size, 1), np.int64), r, s, d)
    outputs = reach[:, N_INPUTS:N_INPUTS + batch.n_outputs]
    steps = 1 + np.where(outputs >= 0, outputs, 0).max(axis=1)
    return settle, steps


def _expressed(batch: CppnBatch, r, s, d) -> np.ndarray:
    """``(B, N)``: the outputs and every slot with a path to one."""
    expr = np.zeros(batch.act.shape, dtype=bool)
    expr[:, N_INPUTS:N_INPUTS + batch.n_outputs] = True
    flat, width = expr.reshape(-1), expr.shape[1]
    src_at, dst_at = r * width + s, r * width + d  # 1-D takes: cheaper than 2-D indexing
    while True:
        hit = flat[dst_at] & ~flat[src_at]
        if not hit.any():
            return expr
        flat[src_at[hit]] = True


def _cut(items: list, counts: np.ndarray) -> list[list]:
    """``items`` cut into consecutive runs of ``counts`` items."""
    ends = np.cumsum(counts).tolist()
    return [items[a:b] for a, b in zip([0] + ends[:-1], ends)]


def build_plan(genomes: Sequence, device: torch.device,
               evaluation: str = "feed-forward") -> RenderPlan:
    """Merge ``genomes`` (CppnGenome or PackedCppn, all with the same number of outputs)
    into one layered graph.

    ``evaluation="steps"`` computes what Sferes' synchronous steps give (see
    :mod:`.cppn_steps`); ``"feed-forward"`` every node from its final inputs.
    """
    batch = CppnBatch.of(genomes)
    r, s, d, w = _links(batch)
    settle, steps = _depths(batch, r, s, d)
    if evaluation == "steps":
        if int(settle.max()) < 62:  # bit sets in int64 (always, for evolved genomes)
            unrolled = unroll_steps(batch, settle, steps, r, s, d, w)
            if unrolled is not None:
                batch, settle = unrolled
                r, s, d, w = _links(batch)
        else:  # absurdly deep genomes: the per-genome reference
            out_settle = settle[:, N_INPUTS:N_INPUTS + batch.n_outputs]
            late = np.flatnonzero((out_settle > steps[:, None]).any(axis=1))
            if late.size:
                batch = batch.with_rows(late, [stepped_genome(batch.row(b).genome)
                                               for b in late.tolist()])
                r, s, d, w = _links(batch)
                settle, _ = _depths(batch, r, s, d)
    n_out, width = batch.n_outputs, batch.act.shape[1]
    expr = _expressed(batch, r, s, d)
    # Rows: the expressed non-input nodes, by depth, activation, hidden in-degree, genome.
    planned = expr & (batch.act != DEAD)
    planned[:, :N_INPUTS] = False
    pb, ps = np.nonzero(planned)
    act = batch.act[pb, ps].astype(np.int64)
    depth = settle[pb, ps]
    order = np.lexsort((ps, pb, act, depth))
    pb, ps, act, depth = pb[order], ps[order], act[order], depth[order]
    n_nodes = len(pb)
    row_of = np.full((batch.size, width), -1, dtype=np.int64)
    row_of[pb, ps] = N_INPUTS + np.arange(n_nodes)
    scale = _SCALE[act]  # per planned row

    # Links into expressed nodes: from inputs → the input weights; from hidden → slots.
    into = expr[r, d]
    r, s, d, w = r[into], s[into], d[into], w[into]
    drow = row_of[r, d]
    input_weights = np.zeros((N_INPUTS + n_nodes, N_INPUTS), dtype=np.float64)
    from_input = s < N_INPUTS
    np.add.at(input_weights, (drow[from_input], s[from_input]),
              w[from_input] * scale[drow[from_input] - N_INPUTS])
    hr, hs, hw = drow[~from_input], row_of[r[~from_input], s[~from_input]], w[~from_input]
    by_row = np.argsort(hr, kind="stable")  # keeps each row's links in genome order
    hr, hs, hw = hr[by_row], hs[by_row], hw[by_row]
    first = np.searchsorted(hr, hr, side="left")
    rank = np.arange(len(hr)) - first  # k: the k-th hidden link into its row

    # Levels: runs of equal depth; groups: runs of equal (depth, activation).
    new_level = np.ones(n_nodes, dtype=bool)
    new_level[1:] = depth[1:] != depth[:-1]
    new_group = new_level.copy()
    new_group[1:] |= act[1:] != act[:-1]
    level_of_row = np.cumsum(new_level) - 1
    group_start = np.flatnonzero(new_group)
    group_stop = np.append(group_start[1:], n_nodes)
    hl = level_of_row[hr - N_INPUTS]
    slot_order = np.lexsort((hr, rank, hl))
    hl, rank, hs = hl[slot_order], rank[slot_order], hs[slot_order]
    hw = (hw * scale[hr - N_INPUTS])[slot_order]
    hd = hr[slot_order]
    new_slot = np.ones(len(hl), dtype=bool)
    new_slot[1:] = (hl[1:] != hl[:-1]) | (rank[1:] != rank[:-1])
    slot_stop = np.append(np.flatnonzero(new_slot)[1:], len(hl))

    def tensor(values, dtype):
        return to_device(values, dtype, device)

    n_levels = int(level_of_row[-1]) + 1 if n_nodes else 0
    level_ends = np.searchsorted(hl, np.arange(n_levels), side="right")
    sizes = np.diff(level_ends, prepend=0)  # links per level
    max_links = int(sizes.max()) if n_levels else 0
    iw_all = tensor(input_weights[N_INPUTS:], torch.float32)
    # Everything per level in a few array calls, then cut into Python lists: the
    # objects below are all the render loop reads.
    per_level = sizes.tolist()
    srcs = tensor(hs, torch.long).split(per_level)
    dsts = tensor(hd, torch.long).split(per_level)
    weights = tensor(hw[:, None], torch.float32).split(per_level)
    slot_stop = slot_stop[slot_stop > 0]  # no hidden links: no slot
    slot_level = np.searchsorted(level_ends, slot_stop, side="left")
    slot_ends = _cut((slot_stop - (level_ends - sizes)[slot_level]).tolist(),
                     np.bincount(slot_level, minlength=n_levels))
    groups = [Group(N_INPUTS + g0, N_INPUTS + g1, a) for g0, g1, a in
              zip(group_start.tolist(), group_stop.tolist(), act[group_start].tolist())]
    level_groups = _cut(groups, np.bincount(level_of_row[group_start], minlength=n_levels))
    levels = []
    for k, (own, ends) in enumerate(zip(level_groups, slot_ends)):
        levels.append(Level(own[0].start, own[-1].stop, srcs[k], dsts[k], weights[k],
                            tuple(ends), tuple(own)))
    outputs = row_of[:, N_INPUTS:N_INPUTS + n_out]
    return RenderPlan(N_INPUTS + n_nodes, n_out, iw_all, tuple(levels),
                      tensor(outputs, torch.long), max_links)
