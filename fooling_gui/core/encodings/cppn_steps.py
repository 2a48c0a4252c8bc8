"""The paper's CPPN evaluation: synchronous steps, as Sferes2's ``nn2`` runs a network.

Sferes does not compute a CPPN node by node in topological order: it starts every
node at 0 and updates all of them at once, ``depth`` times, where ``depth`` is the
longest path from an input to an output plus one (``DnnFF::_compute_depth``). A node
fed by inputs only through paths of length ``k`` is final after ``k`` steps, so the
result is the feed-forward value — except where a chain of nodes with no incoming
link (they output ``activation(0)``) is longer than every input path: there the
output still sees the chain's early, partial values.

:func:`stepped_genome` rewrites such a genome into an equivalent feed-forward one: a
node needed at step ``k`` before it has settled becomes a copy of itself fed by its
sources' values at step ``k - 1`` (a source at step 0 contributes 0). Genomes that
settle in time, nearly all of them, are returned unchanged.
"""

from __future__ import annotations

from .cppn_genome import CppnConnection, CppnGenome, CppnNode, topological_order


def _depths(genome: CppnGenome) -> tuple[dict[int, int], dict[int, int | None]]:
    """``settle``: steps until each node is final (inputs 0, a node with no incoming
    link 1); ``from_inputs``: longest path from an input (None where none reaches)."""
    order = topological_order(genome)
    if order is None:
        raise ValueError("the genome has a cycle")
    kinds = {n.id: n.kind for n in genome.nodes}
    parents: dict[int, list[int]] = {n.id: [] for n in genome.nodes}
    for c in genome.connections:
        parents[c.dst].append(c.src)
    settle: dict[int, int] = {}
    from_inputs: dict[int, int | None] = {}
    for i in order:
        if kinds[i] == "input":
            settle[i], from_inputs[i] = 0, 0
            continue
        settle[i] = 1 + max((settle[p] for p in parents[i]), default=0)
        reached = [from_inputs[p] for p in parents[i] if from_inputs[p] is not None]
        from_inputs[i] = 1 + max(reached) if reached else None
    return settle, from_inputs


def sferes_depth(genome: CppnGenome) -> int:
    """How many synchronous steps Sferes runs: longest input → output path, plus one."""
    _, from_inputs = _depths(genome)
    return 1 + max((d for i in genome.output_ids if (d := from_inputs[i]) is not None),
                   default=0)


def stepped_genome(genome: CppnGenome) -> CppnGenome:
    """A feed-forward genome whose outputs equal ``genome``'s after Sferes' steps."""
    settle, from_inputs = _depths(genome)
    depth = 1 + max((d for i in genome.output_ids if (d := from_inputs[i]) is not None),
                    default=0)
    if all(settle[i] <= depth for i in genome.output_ids):
        return genome
    node = {n.id: n for n in genome.nodes}
    incoming: dict[int, list[CppnConnection]] = {n.id: [] for n in genome.nodes}
    for c in genome.connections:
        incoming[c.dst].append(c)
    next_id = max(node) + 1
    copies: dict[tuple[int, int], int] = {}
    new_nodes: list[CppnNode] = []
    new_conns: list[CppnConnection] = []

    def value_at(i: int, step: int) -> int | None:
        """The id whose value is node ``i``'s after ``step`` steps (None: still 0)."""
        nonlocal next_id
        if node[i].kind == "input" or step >= settle[i]:
            return i
        if step == 0:
            return None
        if (i, step) not in copies:
            copies[(i, step)] = copy = next_id
            next_id += 1
            new_nodes.append(CppnNode(copy, "hidden", node[i].activation))
            for c in incoming[i]:
                if (src := value_at(c.src, step - 1)) is not None:
                    new_conns.append(CppnConnection(src, copy, c.weight))
        return copies[(i, step)]

    late = {i for i in genome.output_ids if settle[i] > depth}
    kept = [c for c in genome.connections if c.dst not in late]
    for i in sorted(late):  # outputs keep their ids; their links come from step depth - 1
        for c in incoming[i]:
            if (src := value_at(c.src, depth - 1)) is not None:
                kept.append(CppnConnection(src, i, c.weight))
    return CppnGenome(genome.nodes + tuple(new_nodes), tuple(kept + new_conns))
