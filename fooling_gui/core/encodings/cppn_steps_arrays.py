""":func:`.cppn_steps.stepped_genome` for a whole batch at once, on its arrays.

Nearly half of the paper preset's evolved genomes have an output that Sferes' steps
leave unsettled, so this runs every generation. Per slot, a bit set says at which
steps its value is needed (an output: step ``depth``; a source: one step earlier than
each node it feeds), found by relaxing all links at once. A node needed at a step
``k`` before it settles gets a copy for that step, fed by its sources' step ``k - 1``
versions (step 0 of a non-input is 0: that link is dropped); an output needed before
it settles has its own links rewired that way. The copies are new slots of the same
rows, so the usual feed-forward plan renders the result.
"""

from __future__ import annotations

import numpy as np

from .cppn_arrays import DEAD, CppnBatch
from .cppn_genome import N_INPUTS


def unroll_steps(batch: CppnBatch, settle: np.ndarray, steps: np.ndarray,
                 r: np.ndarray, s: np.ndarray, d: np.ndarray, w: np.ndarray,
                 ) -> tuple[CppnBatch, np.ndarray] | None:
    """The batch with Sferes' step semantics made explicit, and a depth for each of its
    slots that puts every node after its sources (a copy for step ``k`` at ``k``, a
    rewired output at ``steps``); None when every output settles in time.
    ``settle``/``steps``/links as computed by the plan builder."""
    n_out = batch.n_outputs
    outputs = slice(N_INPUTS, N_INPUTS + n_out)
    if not (settle[:, outputs] > steps[:, None]).any():
        return None
    b_count, width = batch.act.shape
    # need[b, n]: bit k set when node n's value at step k is used.
    need = np.zeros((b_count, width), dtype=np.int64)
    need[:, outputs] = (np.int64(1) << steps.astype(np.int64))[:, None]
    flat = need.ravel()
    src_at, dst_at = r * width + s, r * width + d
    while True:
        wanted = flat[dst_at] >> 1
        new = (flat[src_at] | wanted) != flat[src_at]
        if not new.any():
            break
        np.bitwise_or.at(flat, src_at[new], wanted[new])
    below = (np.int64(1) << settle.astype(np.int64)) - 1  # steps before settling
    partial = need & below & ~np.int64(1)  # step 0 needs no copy: the value is 0
    partial[:, :N_INPUTS] = 0
    late_output = np.zeros_like(partial, dtype=bool)
    late_output[:, outputs] = partial[:, outputs] != 0
    partial[:, outputs] = 0  # outputs are rewired in place, never copied
    top = int(settle.max()) + 1
    # copy_slot[b, n, k]: the slot of node n's step-k copy (-1: none).
    copy_slot = np.full((b_count, width, top), -1, dtype=np.int64)
    # Bits of the few slots that need copies only (most need none): the same order as
    # np.nonzero over every (genome, slot, step), at a fraction of the cost.
    pb, pn = np.nonzero(partial)
    pi, ck = np.nonzero((partial[pb, pn][:, None] >> np.arange(top)[None, :]) & 1)
    cb, cn = pb[pi], pn[pi]
    per_row = np.bincount(cb, minlength=b_count)
    first_free = batch.n_nodes.astype(np.int64)
    offset = np.arange(len(cb)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    new_slot = first_free[cb] + offset
    copy_slot[cb, cn, ck] = new_slot

    def version(rows, src, step):
        """Slot holding ``src``'s value at ``step`` (-1: it is still 0 then)."""
        settled = (src < N_INPUTS) | (step >= settle[rows, src])
        copy = copy_slot[rows, src, np.clip(step, 0, top - 1)]
        return np.where(settled, src, np.where(step <= 0, -1, copy))

    # Links of the copies: each link s → n, once per step-k copy of n.
    copied = np.flatnonzero(partial[r, d])
    ci, lk = np.nonzero((partial[r[copied], d[copied]][:, None] >> np.arange(top)[None, :]) & 1)
    li = copied[ci]
    copy_src = version(r[li], s[li], lk - 1)
    copy_dst = copy_slot[r[li], d[li], lk]
    # Late outputs: their own links now read the sources at step ``steps - 1``.
    rewired = late_output[r, d]
    new_src = s.copy()
    new_src[rewired] = version(r[rewired], s[rewired], steps[r[rewired]] - 1)
    keep = new_src >= 0
    all_r = np.concatenate([r[keep], r[li][copy_src >= 0]])
    all_s = np.concatenate([new_src[keep], copy_src[copy_src >= 0]])
    all_d = np.concatenate([d[keep], copy_dst[copy_src >= 0]])
    all_w = np.concatenate([w[keep], w[li][copy_src >= 0]])

    # A new batch: the old slots, the copies after them, the links regrouped by row.
    n_nodes = first_free + per_row
    act = np.full((b_count, max(width, int(n_nodes.max()))), DEAD, dtype=np.int8)
    act[:, :width] = batch.act
    act[cb, new_slot] = batch.act[cb, cn]
    ids = np.full(act.shape, -1, dtype=np.int32)
    ids[:, :width] = batch.ids
    ids[cb, new_slot] = -2 - new_slot  # copies are not nodes of the genome
    order = np.argsort(all_r, kind="stable")
    all_r, all_s, all_d, all_w = all_r[order], all_s[order], all_d[order], all_w[order]
    n_conns = np.bincount(all_r, minlength=b_count)
    cols = np.arange(len(all_r)) - np.repeat(np.cumsum(n_conns) - n_conns, n_conns)
    e = max(1, int(n_conns.max()))
    src = np.zeros((b_count, e), dtype=np.int32)
    dst = np.zeros((b_count, e), dtype=np.int32)
    weight = np.zeros((b_count, e), dtype=np.float64)
    src[all_r, cols], dst[all_r, cols], weight[all_r, cols] = all_s, all_d, all_w
    depth = np.zeros(act.shape, dtype=np.int64)
    depth[:, :width] = settle
    depth[cb, new_slot] = ck
    late_b, late_n = np.nonzero(late_output)
    depth[late_b, late_n] = steps[late_b]
    return CppnBatch(act, ids, src, dst, weight, n_conns.astype(np.int64),
                     n_nodes.astype(np.int64), n_out), depth
