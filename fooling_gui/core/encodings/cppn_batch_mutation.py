"""The CPPN mutation operators on a whole population at once (see :mod:`.cppn_mutation`
for what each does and the paper's code it follows).

Every operator is a handful of numpy operations over the padded :class:`CppnBatch`:
one random draw per row (or per link / node) decides who mutates, and vectorised
"pick the k-th True" choices replace per-genome Python. Structural operators run in
the order of Sferes' ``DnnFF::mutate``: weights, activations, add link, delete link,
add node, delete node.
"""

from __future__ import annotations

import numpy as np

from .cppn_arrays import DEAD, CppnBatch
from .cppn_genome import ACTIVATIONS, N_INPUTS
from .polynomial_mutation import _deltaq


def pick(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each row of the boolean ``mask``, the column of a uniformly random True
    (-1 where the row has none)."""
    counts = mask.sum(axis=1)
    k = np.floor(rng.random(mask.shape[0]) * counts)
    chosen = np.argmax(np.cumsum(mask, axis=1) > k[:, None], axis=1)
    return np.where(counts > 0, chosen, -1)


def mutate_batch(batch: CppnBatch, params, rng: np.random.Generator) -> None:
    """Mutate every row of ``batch`` in place with ``params`` (a CppnParams)."""
    _mutate_weights(batch, params, rng)
    _mutate_activations(batch, params, rng)
    rows = np.flatnonzero(rng.random(batch.size) < params.add_connection)
    if rows.size:
        _add_links(batch, rows, params, rng)
    rows = np.flatnonzero((rng.random(batch.size) < params.delete_connection)
                          & (batch.n_conns > 0))
    if rows.size:
        _delete_links(batch, rows, rng)
    rows = np.flatnonzero(rng.random(batch.size) < params.add_node)
    if rows.size:
        _add_nodes(batch, rows, params, rng)
    rows = np.flatnonzero(rng.random(batch.size) < params.delete_node)
    if rows.size:
        _delete_nodes(batch, rows, rng)


def _mutate_weights(batch: CppnBatch, params, rng: np.random.Generator) -> None:
    r = params.weight_range
    chosen = (rng.random(batch.weight.shape) < params.weight_rate) & batch.link_mask()
    u = rng.random(batch.weight.shape)
    step = _deltaq(batch.weight, u, params.weight_eta, -r, r, np,
                   params.mutation_form) * (2 * r)
    batch.weight = np.where(chosen, np.clip(batch.weight + step, -r, r), batch.weight)


def _activation_table(params) -> np.ndarray:
    return np.array([ACTIVATIONS.index(a) for a in params.activations], dtype=np.int8)


def _mutate_activations(batch: CppnBatch, params, rng: np.random.Generator) -> None:
    table = _activation_table(params)
    slots = np.arange(batch.act.shape[1])[None, :]
    first = N_INPUTS if params.output_activation == "random" else N_INPUTS + batch.n_outputs
    mutable = (slots >= first) & (batch.act >= 0)
    chosen = (rng.random(batch.act.shape) < params.activation_rate) & mutable
    if params.activation_mutation == "redraw":  # any function, the current one included
        new = table[rng.integers(len(table), size=batch.act.shape)]
    else:  # another function of the table
        position = np.full(len(ACTIVATIONS), -1)
        position[table] = np.arange(len(table))
        where = position[np.clip(batch.act, 0, None)]
        shift = rng.integers(1, max(len(table), 2), size=batch.act.shape)
        other = table[(np.where(where >= 0, where, 0) + shift) % len(table)]
        new = np.where(where >= 0, other, table[rng.integers(len(table), size=batch.act.shape)])
        if len(table) == 1:
            new = np.where(where >= 0, batch.act, new)
    batch.act = np.where(chosen, new, batch.act).astype(np.int8)


def _alive_kinds(batch: CppnBatch, rows: np.ndarray):
    """``(alive, is_input, is_output)`` slot masks of ``rows``."""
    act = batch.act[rows]
    slots = np.arange(act.shape[1])[None, :]
    alive = act != DEAD
    return alive, slots < N_INPUTS, (slots >= N_INPUTS) & (slots < N_INPUTS + batch.n_outputs)


def _ancestors_or_self(batch: CppnBatch, rows: np.ndarray, start: np.ndarray) -> np.ndarray:
    """``(len(rows), N)``: slot ``start[i]`` of row ``rows[i]`` and every slot with a
    path to it (backwards along links until nothing changes)."""
    n = len(rows)
    anc = np.zeros((n, batch.act.shape[1]), dtype=bool)
    anc[np.arange(n), start] = True
    links = batch.link_mask()[rows]
    width = anc.shape[1]
    at_row = np.broadcast_to(np.arange(n)[:, None] * width, links.shape)[links]
    src_at = at_row + batch.src[rows][links]  # 1-D takes: cheaper than 2-D indexing
    dst_at = at_row + batch.dst[rows][links]
    flat = anc.reshape(-1)
    while True:
        hit = flat[dst_at] & ~flat[src_at]
        if not hit.any():
            return anc
        flat[src_at[hit]] = True


def _reachability(batch: CppnBatch, rows: np.ndarray) -> np.ndarray:
    """``(len(rows), N, N)`` bool: ``[i, a, b]`` when slot ``b`` is reachable from ``a``."""
    n, width = len(rows), batch.act.shape[1]
    reach = np.zeros((n, width, width), dtype=np.float32)
    links = batch.link_mask()[rows]
    r = np.broadcast_to(np.arange(n)[:, None], links.shape)[links]
    reach[r, batch.src[rows][links], batch.dst[rows][links]] = 1.0
    while True:  # squaring doubles the path lengths covered
        longer = np.minimum(reach + reach @ reach, 1.0)
        if np.array_equal(longer, reach):
            return reach > 0
        reach = longer


def _append_links(batch: CppnBatch, rows: np.ndarray, src: np.ndarray, dst: np.ndarray,
                  weight: np.ndarray) -> None:
    """One link more at the end of each of ``rows`` (distinct rows)."""
    need = int(batch.n_conns[rows].max()) + 1 - batch.src.shape[1]
    if need > 0:
        batch.grow(conns=need)
    cols = batch.n_conns[rows]
    batch.src[rows, cols] = src
    batch.dst[rows, cols] = dst
    batch.weight[rows, cols] = weight
    batch.n_conns[rows] += 1


def _add_links(batch: CppnBatch, rows: np.ndarray, params, rng: np.random.Generator) -> None:
    alive, is_input, is_output = _alive_kinds(batch, rows)
    sources = alive & ~is_output
    targets = alive & ~is_input
    if params.add_connection_choice == "sferes":
        # A source first, then a target that is neither an input nor an ancestor of it.
        src = pick(sources, rng)
        dst = pick(targets & ~_ancestors_or_self(batch, rows, src), rng)
    else:  # uniform over the unlinked pairs that keep the network acyclic
        width = alive.shape[1]
        reach = _reachability(batch, rows)
        linked = np.zeros_like(reach)
        links = batch.link_mask()[rows]
        r = np.broadcast_to(np.arange(len(rows))[:, None], links.shape)[links]
        linked[r, batch.src[rows][links], batch.dst[rows][links]] = True
        pairs = (sources[:, :, None] & targets[:, None, :] & ~linked
                 & ~reach.transpose(0, 2, 1) & ~np.eye(width, dtype=bool)[None])
        flat = pick(pairs.reshape(len(rows), -1), rng)
        src, dst = np.where(flat >= 0, flat // width, -1), np.where(flat >= 0, flat % width, -1)
    weight = rng.uniform(-params.weight_range, params.weight_range, size=len(rows))
    ok = dst >= 0
    if ok.any():
        _append_links(batch, rows[ok], src[ok], dst[ok], weight[ok])


def _delete_links(batch: CppnBatch, rows: np.ndarray, rng: np.random.Generator) -> None:
    gone = np.floor(rng.random(len(rows)) * batch.n_conns[rows]).astype(np.int64)
    keep = np.ones(batch.src.shape, dtype=bool)
    keep[rows, gone] = False
    batch.keep_links(keep)


def _add_nodes(batch: CppnBatch, rows: np.ndarray, params, rng: np.random.Generator) -> None:
    """Split a random link ``a → b`` of each row into ``a → new → b``."""
    table = _activation_table(params)
    link = np.floor(rng.random(len(rows)) * batch.n_conns[rows]).astype(np.int64)
    activation = table[rng.integers(len(table), size=len(rows))]
    ok = batch.n_conns[rows] > 0
    if params.max_hidden_nodes:
        hidden = (batch.act[rows, N_INPUTS + batch.n_outputs:] >= 0).sum(axis=1)
        ok &= hidden < params.max_hidden_nodes
    rows, link, activation = rows[ok], link[ok], activation[ok]
    if not rows.size:
        return
    a, b = batch.src[rows, link], batch.dst[rows, link]
    w = batch.weight[rows, link]
    if int(batch.n_nodes[rows].max()) + 1 > batch.act.shape[1]:
        batch.grow(nodes=1)
    new = batch.n_nodes[rows].copy()
    batch.act[rows, new] = activation
    batch.ids[rows, new] = batch.ids[rows].max(axis=1) + 1  # as CppnGenome ids: max + 1
    batch.n_nodes[rows] += 1
    keep = np.ones(batch.src.shape, dtype=bool)
    keep[rows, link] = False
    batch.keep_links(keep)
    first = w if params.add_node_weights == "copy" else np.ones_like(w)
    _append_links(batch, rows, a, new, first)
    _append_links(batch, rows, new, b, w)


def _delete_nodes(batch: CppnBatch, rows: np.ndarray, rng: np.random.Generator) -> None:
    alive, is_input, is_output = _alive_kinds(batch, rows)
    gone = pick(alive & ~is_input & ~is_output, rng)
    ok = gone >= 0
    rows, gone = rows[ok], gone[ok]
    if not rows.size:
        return
    batch.act[rows, gone] = DEAD
    keep = np.ones(batch.src.shape, dtype=bool)
    keep[rows] = (batch.src[rows] != gone[:, None]) & (batch.dst[rows] != gone[:, None])
    batch.keep_links(keep)
