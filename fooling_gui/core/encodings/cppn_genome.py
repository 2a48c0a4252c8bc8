"""The CPPN genome: a small feed-forward graph of typed nodes and weighted connections.

Conventions (shared with the renderer):

* Inputs, ids 0–3, in this order: ``x``, ``y``, ``d``, ``bias``. ``x`` runs left → right
  and ``y`` top → bottom; what values they take is the encoding's ``coordinates``
  setting (the paper's code: column and row indices, see :mod:`.cppn_render`);
  ``bias = 1``.
* Outputs, ids ``4 … 4 + n_outputs - 1``: one grey value, or three colour values
  (read in the encoding's colour space); pixel = ``|value|`` on 8-bit levels.
* Hidden nodes take any other id. Every non-input node carries an activation.
* Connections never end in an input and never start at an output; the graph is acyclic.
  Two connections may join the same pair of nodes (Sferes' graphs allow parallel
  links, and the paper's add-connection makes them); their weights add up.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import FoolingError

INPUT_NAMES = ("x", "y", "d", "bias")
N_INPUTS = len(INPUT_NAMES)
ACTIVATIONS = ("sine", "sigmoid", "gaussian", "linear")
KINDS = ("input", "hidden", "output")


class CppnNode(NamedTuple):
    id: int
    kind: str  # "input" | "hidden" | "output"
    activation: str | None  # None for inputs


class CppnConnection(NamedTuple):
    src: int
    dst: int
    weight: float


@dataclass(frozen=True)
class CppnGenome:
    """An immutable CPPN. Build new genomes rather than editing one.

    Attributes:
        nodes: inputs first (ids 0–3), then outputs, then hidden nodes.
        connections: weighted links; parallel links between one pair add up.
    """

    nodes: tuple[CppnNode, ...]
    connections: tuple[CppnConnection, ...]

    # -- views -----------------------------------------------------------------------
    @property
    def n_outputs(self) -> int:
        return sum(1 for n in self.nodes if n.kind == "output")

    @property
    def input_ids(self) -> list[int]:
        return [n.id for n in self.nodes if n.kind == "input"]

    @property
    def output_ids(self) -> list[int]:
        return [n.id for n in self.nodes if n.kind == "output"]

    @property
    def hidden_ids(self) -> list[int]:
        return [n.id for n in self.nodes if n.kind == "hidden"]

    def node(self, node_id: int) -> CppnNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    # -- JSON ------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """JSON-able dict: ``{"inputs": [...], "nodes": [...], "connections": [...]}``."""
        return {
            "inputs": list(INPUT_NAMES),
            "nodes": [{"id": n.id, "kind": n.kind, "activation": n.activation} for n in self.nodes],
            "connections": [{"src": c.src, "dst": c.dst, "weight": c.weight}
                            for c in self.connections],
        }

    @classmethod
    def from_dict(cls, data: dict) -> CppnGenome:
        """Inverse of :meth:`to_dict`; a malformed genome raises :class:`FoolingError`."""
        try:
            nodes = tuple(CppnNode(int(n["id"]), str(n["kind"]),
                                   None if n.get("activation") is None else str(n["activation"]))
                          for n in data["nodes"])
            conns = tuple(CppnConnection(int(c["src"]), int(c["dst"]), float(c["weight"]))
                          for c in data["connections"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise FoolingError("The CPPN genome is malformed (missing or invalid fields).") from None
        genome = cls(nodes, conns)
        problem = genome.problem()
        if problem:
            raise FoolingError(f"The CPPN genome is invalid: {problem}.")
        return genome

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> CppnGenome:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError):
            raise FoolingError("The CPPN genome is not valid JSON.") from None
        return cls.from_dict(data)

    # -- checks ----------------------------------------------------------------------
    def problem(self) -> str | None:
        """What is wrong with this genome, or ``None`` when it is valid."""
        ids = [n.id for n in self.nodes]
        if len(set(ids)) != len(ids):
            return "two nodes share an id"
        kinds = {n.id: n.kind for n in self.nodes}
        if any(k not in KINDS for k in kinds.values()):
            return "a node has an unknown kind"
        inputs = [n for n in self.nodes if n.kind == "input"]
        if [n.id for n in inputs] != list(range(N_INPUTS)):
            return f"the inputs must be nodes 0–{N_INPUTS - 1}"
        outputs = self.output_ids
        if outputs != list(range(N_INPUTS, N_INPUTS + len(outputs))) or len(outputs) not in (1, 3):
            return "there must be 1 or 3 output nodes numbered right after the inputs"
        for n in self.nodes:
            if n.kind == "input" and n.activation is not None:
                return "an input node has an activation"
            if n.kind != "input" and n.activation not in ACTIVATIONS:
                return f"node {n.id} has an unknown activation {n.activation!r}"
        for c in self.connections:
            if c.src not in kinds or c.dst not in kinds:
                return "a connection refers to a missing node"
            if kinds[c.dst] == "input" or kinds[c.src] == "output":
                return "a connection ends in an input or starts at an output"
            if not math.isfinite(c.weight):
                return "a connection weight is not a finite number"
        if topological_order(self) is None:
            return "the network has a cycle"
        return None


def topological_order(genome: CppnGenome) -> list[int] | None:
    """Node ids, every source before its targets (Kahn's algorithm); ``None`` on a cycle."""
    indeg = {n.id: 0 for n in genome.nodes}
    children: dict[int, list[int]] = {n.id: [] for n in genome.nodes}
    for c in genome.connections:
        indeg[c.dst] += 1
        children[c.src].append(c.dst)
    ready = [i for i, d in indeg.items() if d == 0]
    order = []
    while ready:
        i = ready.pop()
        order.append(i)
        for j in children[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                ready.append(j)
    return order if len(order) == len(indeg) else None


def node_depths(genome: CppnGenome) -> dict[int, int]:
    """Longest path (in connections) from any input: inputs 0, others ≥ 1.

    A non-input node with no incoming connection sits at depth 1 (it outputs
    ``activation(0)``, a constant).
    """
    order = topological_order(genome)
    if order is None:
        raise ValueError("the genome has a cycle")
    kinds = {n.id: n.kind for n in genome.nodes}
    parents: dict[int, list[int]] = {n.id: [] for n in genome.nodes}
    for c in genome.connections:
        parents[c.dst].append(c.src)
    depth: dict[int, int] = {}
    for i in order:
        if kinds[i] == "input":
            depth[i] = 0
        else:
            depth[i] = 1 + max((depth[p] for p in parents[i]), default=0)
    return depth


def ancestors_or_self(nodes, connections, start) -> set[int]:
    """Ids in ``start`` and of every node with a path to one of them."""
    parents: dict[int, list[int]] = {n.id: [] for n in nodes}
    for c in connections:
        parents[c.dst].append(c.src)
    seen = set(start)
    stack = list(seen)
    while stack:
        for p in parents[stack.pop()]:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


def expressed_nodes(genome: CppnGenome) -> set[int]:
    """Ids of the outputs and of every node with a path to an output (the rest cannot
    change the image; the render plan finds the same set on arrays)."""
    return ancestors_or_self(genome.nodes, genome.connections, genome.output_ids)


def layered_nodes(genome: CppnGenome) -> list[list[int]]:
    """Node ids grouped in layers for drawing: inputs first, outputs alone in the last layer,
    hidden nodes by their longest path from the inputs."""
    depth = node_depths(genome)
    hidden_layers = sorted({depth[i] for i in genome.hidden_ids})
    layers = [genome.input_ids]
    layers += [[i for i in genome.hidden_ids if depth[i] == d] for d in hidden_layers]
    layers.append(genome.output_ids)
    return layers


def initial_genome(n_outputs: int, output_activations: list[str], weights: list[float]) -> CppnGenome:
    """Every input connected to every output, no hidden node.

    Args:
        n_outputs: 1 (grey) or 3 (colour).
        output_activations: one activation name per output.
        weights: ``N_INPUTS * n_outputs`` weights, input-major.
    """
    nodes = [CppnNode(i, "input", None) for i in range(N_INPUTS)]
    nodes += [CppnNode(N_INPUTS + k, "output", output_activations[k]) for k in range(n_outputs)]
    conns = []
    w = iter(weights)
    for i in range(N_INPUTS):
        for k in range(n_outputs):
            conns.append(CppnConnection(i, N_INPUTS + k, float(next(w))))
    return CppnGenome(tuple(nodes), tuple(conns))
