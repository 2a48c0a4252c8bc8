"""CPPN populations as arrays: one padded row per genome, operated on all at once.

A genome's nodes live in *slots*: 0–3 the inputs (x, y, d, bias), then the outputs,
then hidden nodes. A population is a :class:`CppnBatch` of padded arrays —

* ``act`` ``(B, N)`` int8: each slot's activation (an index into ``ACTIVATIONS``),
  ``INPUT`` for inputs, ``DEAD`` for a free slot; ``ids`` the node ids (stable across
  mutations, as in the object form);
* ``src``, ``dst`` ``(B, E)`` int32 slots and ``weight`` ``(B, E)`` float64, the first
  ``n_conns[b]`` entries of row ``b`` being its links, in order —

so mutation and the render plan are a few array operations per generation, whatever
the population size (EvoTorch/evosax style), instead of Python per node. A single
genome travels as a :class:`PackedCppn` (compact, no free slots); it materialises as
the :class:`~.cppn_genome.CppnGenome` object only when someone looks at it (inspector,
export, JSON) — and behaves as one for every reader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .cppn_genome import ACTIVATIONS, N_INPUTS, CppnConnection, CppnGenome, CppnNode

INPUT = -1  # act value of an input slot
DEAD = -2  # act value of a free (deleted or unused) slot
_ACT_INDEX = {name: k for k, name in enumerate(ACTIVATIONS)}


class PackedCppn:
    """One CPPN as compact arrays; immutable (the arrays are never written).

    Attributes:
        act: ``(N,)`` int8, ``INPUT`` for slots 0–3, then outputs, then hidden nodes.
        ids: ``(N,)`` int32 node ids (those of the object form).
        src, dst: ``(E,)`` int32 slots of each link.
        weight: ``(E,)`` float64.
        n_outputs: 1 or 3.
    """

    __slots__ = ("act", "ids", "src", "dst", "weight", "n_outputs", "_genome")

    def __init__(self, act: np.ndarray, ids: np.ndarray, src: np.ndarray, dst: np.ndarray,
                 weight: np.ndarray, n_outputs: int):
        for a in (act, ids, src, dst, weight):
            a.flags.writeable = False
        self.act, self.ids, self.src, self.dst, self.weight = act, ids, src, dst, weight
        self.n_outputs = int(n_outputs)
        self._genome: CppnGenome | None = None

    @classmethod
    def of(cls, genome: CppnGenome | PackedCppn) -> PackedCppn:
        """``genome`` as a PackedCppn (hidden nodes take slots in their order)."""
        if isinstance(genome, PackedCppn):
            return genome
        ordered = ([n for n in genome.nodes if n.kind == "input"]
                   + [n for n in genome.nodes if n.kind == "output"]
                   + [n for n in genome.nodes if n.kind == "hidden"])
        slot = {n.id: k for k, n in enumerate(ordered)}
        act = np.array([INPUT if n.activation is None else _ACT_INDEX[n.activation]
                        for n in ordered], dtype=np.int8)
        conns = genome.connections
        packed = cls(act, np.array([n.id for n in ordered], dtype=np.int32),
                     np.array([slot[c.src] for c in conns], dtype=np.int32),
                     np.array([slot[c.dst] for c in conns], dtype=np.int32),
                     np.array([c.weight for c in conns], dtype=np.float64), genome.n_outputs)
        packed._genome = genome
        return packed

    @property
    def genome(self) -> CppnGenome:
        """The object form (node ids = slots), built once."""
        if self._genome is None:
            n_out = self.n_outputs
            ids = self.ids.tolist()
            nodes = [CppnNode(ids[k], "input", None) for k in range(N_INPUTS)]
            nodes += [CppnNode(ids[k], "output" if k < N_INPUTS + n_out else "hidden",
                               ACTIVATIONS[a]) for k, a in enumerate(self.act.tolist())
                      if k >= N_INPUTS]
            conns = [CppnConnection(ids[s], ids[d], w) for s, d, w in
                     zip(self.src.tolist(), self.dst.tolist(), self.weight.tolist())]
            self._genome = CppnGenome(tuple(nodes), tuple(conns))
        return self._genome

    # A PackedCppn reads like its CppnGenome (nodes, connections, to_dict, problem, …).
    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.genome, name)

    def __eq__(self, other) -> bool:
        if isinstance(other, CppnGenome):
            return self.genome == other
        if not isinstance(other, PackedCppn):
            return NotImplemented
        return (self.n_outputs == other.n_outputs and np.array_equal(self.act, other.act)
                and np.array_equal(self.ids, other.ids) and np.array_equal(self.src, other.src) and np.array_equal(self.dst, other.dst)
                and np.array_equal(self.weight, other.weight))

    __hash__ = None  # mutable-looking arrays: compared by value, not hashed

    def __repr__(self) -> str:
        return (f"PackedCppn({len(self.act)} nodes, {len(self.src)} links, "
                f"{self.n_outputs} outputs)")


@dataclass
class CppnBatch:
    """A population as padded arrays (see the module note). Mutable: the batched
    operators edit it in place; :meth:`rows` hands out compact immutable genomes."""

    act: np.ndarray  # (B, N) int8
    ids: np.ndarray  # (B, N) int32 node ids (-1 in unused slots)
    src: np.ndarray  # (B, E) int32
    dst: np.ndarray  # (B, E) int32
    weight: np.ndarray  # (B, E) float64
    n_conns: np.ndarray  # (B,) int64
    n_nodes: np.ndarray  # (B,) int64: slots in use (alive or dead) from the left
    n_outputs: int

    @property
    def size(self) -> int:
        return int(self.act.shape[0])

    @classmethod
    def of(cls, genomes: Sequence[CppnGenome | PackedCppn], spare_nodes: int = 0,
           spare_conns: int = 0) -> CppnBatch:
        """Pad ``genomes`` into one batch with room for ``spare_*`` more per row."""
        if isinstance(genomes, CppnPopulation) and not spare_nodes and not spare_conns:
            return genomes.batch  # already arrays (read-only use)
        # Parents repeat (200 offspring of 10 MNIST elites): pad each genome once.
        keys = np.fromiter(map(id, genomes), dtype=np.int64, count=len(genomes))
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        if len(unique) < len(keys):
            distinct = cls.of([genomes[i] for i in first.tolist()], spare_nodes, spare_conns)
            return distinct.take(inverse.reshape(-1))
        packed = [PackedCppn.of(g) for g in genomes]
        n_out = packed[0].n_outputs
        if any(p.n_outputs != n_out for p in packed):
            raise ValueError("all genomes of one batch must have the same number of outputs")
        n_nodes = np.fromiter((len(p.act) for p in packed), dtype=np.int64, count=len(packed))
        n_conns = np.fromiter((len(p.src) for p in packed), dtype=np.int64, count=len(packed))
        b = len(packed)
        width_n = int(n_nodes.max()) + spare_nodes
        width_e = max(1, int(n_conns.max()) + spare_conns)
        act = np.full((b, width_n), DEAD, dtype=np.int8)
        ids = np.full((b, width_n), -1, dtype=np.int32)
        src = np.zeros((b, width_e), dtype=np.int32)
        dst = np.zeros((b, width_e), dtype=np.int32)
        weight = np.zeros((b, width_e), dtype=np.float64)
        # One scatter per array rather than a Python assignment per row.
        r, c = _rows(n_nodes), _cols(n_nodes)
        act[r, c] = np.concatenate([p.act for p in packed])
        ids[r, c] = np.concatenate([p.ids for p in packed])
        if n_conns.sum():
            r, c = _rows(n_conns), _cols(n_conns)
            src[r, c] = np.concatenate([p.src for p in packed])
            dst[r, c] = np.concatenate([p.dst for p in packed])
            weight[r, c] = np.concatenate([p.weight for p in packed])
        return cls(act, ids, src, dst, weight, n_conns, n_nodes.copy(), n_out)

    def link_mask(self) -> np.ndarray:
        """``(B, E)`` True where a row has a link."""
        return np.arange(self.src.shape[1])[None, :] < self.n_conns[:, None]

    def keep_links(self, keep: np.ndarray) -> None:
        """Drop the links where ``keep`` is False, keeping the others' order."""
        keep = keep & self.link_mask()
        order = np.argsort(~keep, axis=1, kind="stable")
        # One set of flat indices for the three arrays (take_along_axis builds its own
        # fancy index each time).
        order += np.arange(order.shape[0])[:, None] * order.shape[1]
        for name in ("src", "dst", "weight"):
            setattr(self, name, getattr(self, name).take(order))
        self.n_conns = keep.sum(axis=1)

    def grow(self, nodes: int = 0, conns: int = 0) -> None:
        """Make room for ``nodes`` more slots and ``conns`` more links per row."""
        if nodes:
            self.act = np.pad(self.act, ((0, 0), (0, nodes)), constant_values=DEAD)
            self.ids = np.pad(self.ids, ((0, 0), (0, nodes)), constant_values=-1)
        if conns:
            for name in ("src", "dst", "weight"):
                setattr(self, name, np.pad(getattr(self, name), ((0, 0), (0, conns))))

    def row(self, i: int) -> PackedCppn:
        """Row ``i`` as a compact PackedCppn (its own copies of the arrays)."""
        alive = self.act[i] != DEAD
        new_slot = np.cumsum(alive) - 1
        n = int(self.n_conns[i])
        return PackedCppn(self.act[i][alive], self.ids[i][alive],
                          new_slot[self.src[i, :n]].astype(np.int32),
                          new_slot[self.dst[i, :n]].astype(np.int32),
                          self.weight[i, :n].copy(), self.n_outputs)

    def take(self, rows) -> CppnBatch:
        """A batch of some rows (numpy views where ``rows`` is a slice)."""
        return dataclasses.replace(
            self, act=self.act[rows], ids=self.ids[rows], src=self.src[rows],
            dst=self.dst[rows], weight=self.weight[rows], n_conns=self.n_conns[rows],
            n_nodes=self.n_nodes[rows])

    def with_rows(self, rows: np.ndarray, genomes: Sequence) -> CppnBatch:
        """A new batch with ``rows`` replaced by ``genomes`` (this one is left alone)."""
        small = CppnBatch.of(genomes)
        grow_n = max(0, small.act.shape[1] - self.act.shape[1])
        grow_e = max(0, small.src.shape[1] - self.src.shape[1])
        out = self.take(slice(None))
        out = dataclasses.replace(out, **{k: getattr(out, k).copy() for k in
                                          ("act", "ids", "src", "dst", "weight", "n_conns",
                                           "n_nodes")})
        out.grow(nodes=grow_n, conns=grow_e)
        n, e = small.act.shape[1], small.src.shape[1]
        out.act[rows] = DEAD
        out.ids[rows] = -1
        out.act[rows, :n], out.ids[rows, :n] = small.act, small.ids
        for name in ("src", "dst", "weight"):
            getattr(out, name)[rows] = 0
            getattr(out, name)[rows, :e] = getattr(small, name)
        out.n_conns[rows], out.n_nodes[rows] = small.n_conns, small.n_nodes
        return out


def _rows(counts: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(counts)), counts)


def _cols(counts: np.ndarray) -> np.ndarray:
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum())) - np.repeat(starts, counts)


class CppnPopulation(Sequence):
    """One generation's offspring: the batch's arrays, each genome made only when asked
    for (the archive takes the few winners; the renderer reads the arrays directly).
    Treat it as read-only."""

    def __init__(self, batch: CppnBatch):
        self.batch = batch
        self._made: dict[int, PackedCppn] = {}

    def __len__(self) -> int:
        return self.batch.size

    def __getitem__(self, index):
        if isinstance(index, slice):
            return CppnPopulation(self.batch.take(index))
        i = range(self.batch.size)[index]
        if i not in self._made:
            self._made[i] = self.batch.row(i)
        return self._made[i]

    def __eq__(self, other) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str) or len(other) != len(self):
            return NotImplemented
        return all(a == b for a, b in zip(self, other))

    __hash__ = None

    def __repr__(self) -> str:
        return f"CppnPopulation({len(self)} genomes)"
