"""CPPN parameters, random initial genomes and the paper's mutation operators.

One offspring = one call of :func:`mutate_cppn`, which applies, in this order (the
order of Sferes2's ``DnnFF::mutate`` in the paper's code): weight mutation, activation
changes, then each structural operator with its own probability — add a connection,
delete a connection, add a node, delete a node. The graph stays acyclic throughout.
:func:`mutate_cppns` makes a whole batch of offspring the same way.

The paper's operators (the defaults), as Sferes2's ``nn2`` module runs them:

* weights: each with probability 0.1, Sferes' polynomial mutation (η = 15) on the
  gene ``(w + 10) / 20``, step added, then clipped — so on ``[-10, 10]`` with span 20;
* activations: every non-input node redraws its function from all four with
  probability 0.1 (a quarter of the redraws keep the same function);
* add connection: a source drawn among the inputs and hidden nodes, then a target
  among the nodes that are neither inputs nor ancestors of the source — which may
  already be linked to it: Sferes' graph keeps parallel links, and they add up;
* add node: a random link ``a → b`` (weight ``w``) becomes ``a → new → b``, both
  links of weight ``w``;
* delete connection / node: a random link / hidden node (with its links).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import FoolingError
from ..images import PIXEL_LEVELS
from .colour import COLOUR_SPACES
from .cppn_genome import (
    ACTIVATIONS,
    N_INPUTS,
    CppnConnection,
    CppnGenome,
    CppnNode,
    ancestors_or_self,
    initial_genome,
    topological_order,
)
from .cppn_arrays import CppnBatch, CppnPopulation
from .cppn_batch_mutation import mutate_batch
from .polynomial_mutation import MUTATION_FORMS, polynomial_mutation_np

COORDINATES = ("pixel", "smooth")
ADD_NODE_WEIGHTS = ("copy", "neat")
ACTIVATION_MUTATIONS = ("redraw", "switch")
ADD_CONNECTION_CHOICES = ("sferes", "unlinked")
EVALUATIONS = ("steps", "feed-forward")


@dataclass(frozen=True)
class CppnParams:
    """Every CPPN knob; defaults are the paper's code (see the module note).

    Attributes:
        add_connection, delete_connection, add_node, delete_node: per-offspring
            probabilities of each structural mutation.
        weight_rate: per-connection probability that its weight mutates.
        weight_eta: polynomial-mutation index for weights.
        weight_range: weights live in ``[-weight_range, weight_range]``; initial and
            new-connection weights are uniform there.
        activation_rate: per-node probability that its activation is redrawn.
        activations: the activation functions nodes may use.
        output_activation: ``"random"`` (outputs draw and mutate their activation like
            hidden nodes, as every non-input neuron does in Sferes' CPPN) or one fixed
            name from ``activations`` that never changes.
        colour_space: how 3 outputs are read: ``"hls-opencv"`` (the paper's code: 8-bit
            H, L, S through OpenCV), ``"hsv"`` (the paper's text), ``"hls"`` or ``"rgb"``.
        max_hidden_nodes: ``add node`` does nothing at this many hidden nodes
            (0 = no limit, the paper); bounds render time in day-long runs.
        coordinates: ``"pixel"`` (the paper's code: x = column 0…W−1, y = row 0…H−1,
            d on a −1…1 grid) or ``"smooth"`` (x, y in [−1, 1] at pixel centres,
            d = √(x² + y²)).
        add_node_weights: ``"copy"`` (both new links take the old weight, the paper's
            code) or ``"neat"`` (1 into the new node, the old weight out of it).
        activation_mutation: ``"redraw"`` (from all functions, the paper's code) or
            ``"switch"`` (always to a different one).
        mutation_form: polynomial mutation ``"sferes"`` or ``"deb"`` (see
            :mod:`.polynomial_mutation`).
        add_connection_choice: ``"sferes"`` (source first, then target; parallel links
            allowed) or ``"unlinked"`` (uniform over the pairs not yet linked).
        evaluation: ``"steps"`` (the network stepped synchronously as many times as
            Sferes does: longest input→output path + 1) or ``"feed-forward"`` (every
            node computed exactly once from its final inputs). They differ only when
            a chain of nodes without inputs is longer than every input path.
        pixel_levels: ``"truncate"`` (``floor(255 |v|)``, the paper's code) or ``"round"``.
    """

    add_connection: float = 0.5
    delete_connection: float = 0.3
    add_node: float = 0.5
    delete_node: float = 0.2
    weight_rate: float = 0.1
    weight_eta: float = 15.0
    weight_range: float = 10.0
    activation_rate: float = 0.1
    activations: tuple[str, ...] = ACTIVATIONS
    output_activation: str = "random"
    colour_space: str = "hls-opencv"
    max_hidden_nodes: int = 0
    coordinates: str = "pixel"
    add_node_weights: str = "copy"
    activation_mutation: str = "redraw"
    mutation_form: str = "sferes"
    add_connection_choice: str = "sferes"
    evaluation: str = "steps"
    pixel_levels: str = "truncate"

    def __post_init__(self):
        object.__setattr__(self, "activations", tuple(self.activations))
        for name in ("add_connection", "delete_connection", "add_node", "delete_node",
                     "weight_rate", "activation_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise FoolingError(f"The CPPN probability {name} must lie between 0 and 1, not {value}.")
        if not self.weight_range > 0:
            raise FoolingError(f"The CPPN weight range must be positive, not {self.weight_range}.")
        if not self.weight_eta >= 0:
            raise FoolingError(f"The mutation index eta must be non-negative, not {self.weight_eta}.")
        if not self.activations or any(a not in ACTIVATIONS for a in self.activations):
            raise FoolingError(f"CPPN activations must be chosen from {', '.join(ACTIVATIONS)}.")
        if self.output_activation != "random" and self.output_activation not in self.activations:
            raise FoolingError(f"The output activation must be 'random' or one of "
                               f"{', '.join(self.activations)}, not {self.output_activation!r}.")
        for name, allowed in (("colour_space", COLOUR_SPACES), ("coordinates", COORDINATES),
                              ("add_node_weights", ADD_NODE_WEIGHTS),
                              ("activation_mutation", ACTIVATION_MUTATIONS),
                              ("mutation_form", MUTATION_FORMS),
                              ("add_connection_choice", ADD_CONNECTION_CHOICES),
                              ("evaluation", EVALUATIONS), ("pixel_levels", PIXEL_LEVELS)):
            if getattr(self, name) not in allowed:
                raise FoolingError(f"Unknown CPPN {name} {getattr(self, name)!r}; use one of "
                                   f"{', '.join(allowed)}.")
        if int(self.max_hidden_nodes) != self.max_hidden_nodes or self.max_hidden_nodes < 0:
            raise FoolingError(f"max_hidden_nodes must be a whole number ≥ 0, not {self.max_hidden_nodes}.")
        object.__setattr__(self, "max_hidden_nodes", int(self.max_hidden_nodes))


def _random_weight(params: CppnParams, rng: np.random.Generator, n: int | None = None):
    return rng.uniform(-params.weight_range, params.weight_range, n)


def random_genome(n_outputs: int, params: CppnParams, rng: np.random.Generator) -> CppnGenome:
    """A generation-0 genome: all inputs wired to all outputs, random weights."""
    if params.output_activation == "random":
        acts = [params.activations[k] for k in rng.integers(len(params.activations), size=n_outputs)]
    else:
        acts = [params.output_activation] * n_outputs
    weights = _random_weight(params, rng, N_INPUTS * n_outputs).tolist()
    return initial_genome(n_outputs, acts, weights)


def _new_activation(current: str, params: CppnParams, rng: np.random.Generator) -> str:
    if params.activation_mutation == "redraw":  # Sferes' Sampled::mutate: any value
        return params.activations[rng.integers(len(params.activations))]
    choices = [a for a in params.activations if a != current]
    return choices[rng.integers(len(choices))] if choices else current


def _mutate_weights(conns: list[CppnConnection], params: CppnParams,
                    rng: np.random.Generator) -> list[CppnConnection]:
    if not conns:
        return conns
    old = np.array([c.weight for c in conns])
    new = polynomial_mutation_np(old, params.weight_eta, -params.weight_range, params.weight_range,
                                 params.weight_rate, rng, params.mutation_form)
    return [c._replace(weight=float(w)) for c, w in zip(conns, new)]


def _mutate_activations(nodes: list[CppnNode], params: CppnParams,
                        rng: np.random.Generator) -> list[CppnNode]:
    mutable_kinds = {"hidden", "output"} if params.output_activation == "random" else {"hidden"}
    out = []
    for n, draw in zip(nodes, rng.random(len(nodes))):
        if n.kind in mutable_kinds and draw < params.activation_rate:
            n = n._replace(activation=_new_activation(n.activation, params, rng))
        out.append(n)
    return out


def _add_connection_sferes(nodes, conns, params, rng):
    """Sferes' ``DnnFF::_add_conn``: a source among the non-outputs, then a target among
    the non-inputs that are not its ancestors (nor itself); an existing link to that
    target gets a parallel one."""
    sources = [n.id for n in nodes if n.kind != "output"]
    src = sources[rng.integers(len(sources))]
    banned = ancestors_or_self(nodes, conns, [src])
    targets = [n.id for n in nodes if n.kind != "input" and n.id not in banned]
    if not targets:
        return conns
    dst = targets[rng.integers(len(targets))]
    return conns + [CppnConnection(src, dst, float(_random_weight(params, rng)))]


def _add_connection(nodes, conns, params, rng):
    """Join a random unconnected pair whose link would keep the graph acyclic."""
    if params.add_connection_choice == "sferes":
        return _add_connection_sferes(nodes, conns, params, rng)
    order = topological_order(CppnGenome(tuple(nodes), tuple(conns)))
    index = {n.id: k for k, n in enumerate(nodes)}
    # Bit sets over node positions (a CPPN has tens of nodes: ints beat numpy here).
    kids = [0] * len(nodes)
    for c in conns:
        kids[index[c.src]] |= 1 << index[c.dst]
    reach = [0] * len(nodes)  # reach[i]: every node reachable from i, children first
    for node_id in reversed(order):
        i = index[node_id]
        r = rest = kids[i]
        while rest:
            low = rest & -rest
            r |= reach[low.bit_length() - 1]
            rest ^= low
        reach[i] = r
    # src → dst is allowed unless it exists already or dst already reaches src (a cycle).
    pairs = [(i, j) for i, a in enumerate(nodes) if a.kind != "output"
             for j, b in enumerate(nodes)
             if b.kind != "input" and i != j and not (kids[i] >> j) & 1
             and not (reach[j] >> i) & 1]
    if not pairs:
        return conns
    i, j = pairs[rng.integers(len(pairs))]
    weight = float(_random_weight(params, rng))
    return conns + [CppnConnection(nodes[i].id, nodes[j].id, weight)]


def _add_node(nodes, conns, params, rng):
    """Split a random link ``a → b`` (weight ``w``): ``a → new → b``, both links of weight
    ``w`` (the paper's code) or, NEAT style, 1 into the new node and ``w`` out of it."""
    if not conns:
        return nodes, conns
    n_hidden = sum(1 for n in nodes if n.kind == "hidden")
    if params.max_hidden_nodes and n_hidden >= params.max_hidden_nodes:
        return nodes, conns
    k = int(rng.integers(len(conns)))
    old = conns[k]
    new_id = max(n.id for n in nodes) + 1
    activation = params.activations[rng.integers(len(params.activations))]
    nodes = nodes + [CppnNode(new_id, "hidden", activation)]
    first = old.weight if params.add_node_weights == "copy" else 1.0
    conns = conns[:k] + conns[k + 1:] + [CppnConnection(old.src, new_id, first),
                                         CppnConnection(new_id, old.dst, old.weight)]
    return nodes, conns


def _delete_node(nodes, conns, rng):
    hidden = [n.id for n in nodes if n.kind == "hidden"]
    if not hidden:
        return nodes, conns
    gone = hidden[rng.integers(len(hidden))]
    return ([n for n in nodes if n.id != gone],
            [c for c in conns if c.src != gone and c.dst != gone])


def mutate_cppn(genome: CppnGenome, params: CppnParams, rng: np.random.Generator):
    """One offspring of ``genome`` (which is left untouched), as a PackedCppn."""
    return mutate_cppns([genome], params, rng)[0]


def mutate_cppns(genomes: Sequence[CppnGenome], params: CppnParams,
                 rng: np.random.Generator) -> list:
    """One offspring of each genome, all mutated at once on the population's arrays
    (:mod:`.cppn_batch_mutation`); returns a CppnPopulation (a sequence of PackedCppn)."""
    if not genomes:
        return []
    batch = CppnBatch.of(genomes, spare_nodes=1, spare_conns=3)
    mutate_batch(batch, params, rng)
    return CppnPopulation(batch)


def mutate_cppn_objects(genome: CppnGenome, params: CppnParams,
                        rng: np.random.Generator) -> CppnGenome:
    """The same operators written per genome on the object form: the readable reference
    the batched operators are tested against (not used by the loop)."""
    conns = _mutate_weights(list(genome.connections), params, rng)
    return _mutate_structure(list(genome.nodes), conns, params, rng)


def _mutate_structure(nodes: list[CppnNode], conns: list[CppnConnection], params: CppnParams,
                      rng: np.random.Generator) -> CppnGenome:
    """Activation changes, then adding/deleting connections and nodes."""
    nodes = _mutate_activations(nodes, params, rng)
    if rng.random() < params.add_connection:
        conns = _add_connection(nodes, conns, params, rng)
    if rng.random() < params.delete_connection and conns:
        k = int(rng.integers(len(conns)))
        conns = conns[:k] + conns[k + 1:]
    if rng.random() < params.add_node:
        nodes, conns = _add_node(nodes, conns, params, rng)
    if rng.random() < params.delete_node:
        nodes, conns = _delete_node(nodes, conns, rng)
    return CppnGenome(tuple(nodes), tuple(conns))
