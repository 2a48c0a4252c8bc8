import numpy as np
import pytest

from fooling_gui.core.encodings import (
    ACTIVATIONS,
    CppnConnection,
    CppnGenome,
    CppnNode,
    CppnEncoding,
    CppnParams,
    mutate_cppn,
    mutate_cppns,
    random_genome,
)
from fooling_gui.core.encodings.cppn_genome import topological_order
from fooling_gui.core.errors import FoolingError

NO_OPS = {"add_connection": 0.0, "delete_connection": 0.0, "add_node": 0.0,
          "delete_node": 0.0, "weight_rate": 0.0, "activation_rate": 0.0}


def only(**kwargs) -> CppnParams:
    return CppnParams(**{**NO_OPS, **kwargs})


def grown(n_outputs=3, generations=30, seed=0) -> list:
    """Genomes after a random mutation chain with the paper's rates (they have hidden nodes)."""
    rng = np.random.default_rng(seed)
    params = CppnParams()
    genomes = [random_genome(n_outputs, params, rng) for _ in range(10)]
    for _ in range(generations):
        genomes = [mutate_cppn(g, params, rng) for g in genomes]
    return genomes


def test_initial_genome_has_the_papers_topology():
    params = CppnParams()
    g = random_genome(3, params, np.random.default_rng(0))
    assert [n.kind for n in g.nodes] == ["input"] * 4 + ["output"] * 3
    assert len(g.connections) == 12 and all(c.src < 4 <= c.dst for c in g.connections)
    assert all(-10 <= c.weight <= 10 for c in g.connections)
    assert all(n.activation in ACTIVATIONS for n in g.nodes if n.kind == "output")


def test_long_random_mutation_chains_keep_valid_feed_forward_genomes():
    rng = np.random.default_rng(1)
    params = CppnParams(add_connection=0.8, delete_connection=0.5, add_node=0.7, delete_node=0.4)
    for n_outputs in (1, 3):
        genomes = [random_genome(n_outputs, params, rng) for _ in range(8)]
        for _ in range(60):
            genomes = [mutate_cppn(g, params, rng) for g in genomes]
            for g in genomes:
                assert g.problem() is None  # acyclic, no edge into inputs / out of outputs
                assert topological_order(g) is not None
                assert g.input_ids == [0, 1, 2, 3]
                assert g.output_ids == list(range(4, 4 + n_outputs))
                assert all(-10 <= c.weight <= 10 for c in g.connections)
        assert max(len(g.hidden_ids) for g in genomes) > 0


def test_add_connection_adds_one_link_without_cycles():
    rng = np.random.default_rng(2)
    added = 0
    for g in grown():
        child = mutate_cppn(g, only(add_connection=1.0), rng)
        assert child.problem() is None
        assert set(g.connections) <= set(child.connections)
        assert len(child.connections) - len(g.connections) in (0, 1)
        added += len(child.connections) - len(g.connections)
    assert added >= 8  # grown genomes nearly always have a free pair


def test_unlinked_add_connection_does_nothing_when_every_link_exists():
    g = random_genome(1, CppnParams(), np.random.default_rng(0))  # inputs → output, all wired
    params = only(add_connection=1.0, add_connection_choice="unlinked")
    assert mutate_cppn(g, params, np.random.default_rng(0)) == g


def test_papers_add_connection_links_a_wired_pair_again_in_parallel():
    # Sferes: a source among inputs and hidden nodes, then a target that is not an input
    # nor an ancestor; with no hidden node that is the output, already linked.
    g = random_genome(1, CppnParams(), np.random.default_rng(0))
    rng = np.random.default_rng(1)
    sources = set()
    for _ in range(40):
        child = mutate_cppn(g, only(add_connection=1.0), rng)
        (new,) = [c for c in child.connections if c not in g.connections]
        assert new.dst == 4 and len(child.connections) == len(g.connections) + 1
        assert child.problem() is None
        sources.add(new.src)
    assert sources == {0, 1, 2, 3}


def test_papers_add_connection_never_targets_an_ancestor_of_its_source():
    # 0 → 5 → 6 → 4 (output): from source 6 the only allowed target is the output.
    nodes = tuple(CppnNode(i, "input", None) for i in range(4)) + (
        CppnNode(4, "output", "sine"), CppnNode(5, "hidden", "sine"), CppnNode(6, "hidden", "sine"))
    conns = (CppnConnection(0, 5, 1.0), CppnConnection(5, 6, 1.0), CppnConnection(6, 4, 1.0))
    g = CppnGenome(nodes, conns)
    rng = np.random.default_rng(3)
    for _ in range(200):
        child = mutate_cppn(g, only(add_connection=1.0), rng)
        (new,) = child.connections[3:]
        assert new.dst not in (0, 1, 2, 3) and new.dst != new.src
        if new.src == 6:
            assert new.dst == 4
        if new.src == 5:
            assert new.dst in (4, 6)


def test_delete_connection_removes_exactly_one():
    rng = np.random.default_rng(3)
    for g in grown():
        child = mutate_cppn(g, only(delete_connection=1.0), rng)
        assert set(child.connections) < set(g.connections)
        assert len(child.connections) == len(g.connections) - 1


@pytest.mark.parametrize("form, first_weight", [("copy", "old"), ("neat", 1.0)])
def test_add_node_splits_a_connection(form, first_weight):
    # The paper's code gives both new links the old weight; NEAT gives the first 1.
    rng = np.random.default_rng(4)
    g = random_genome(1, CppnParams(), rng)
    child = mutate_cppn(g, only(add_node=1.0, add_node_weights=form), rng)
    (new_node,) = [n for n in child.nodes if n.kind == "hidden"]
    (gone,) = set(g.connections) - set(child.connections)
    into = [c for c in child.connections if c.dst == new_node.id]
    out_of = [c for c in child.connections if c.src == new_node.id]
    expected = gone.weight if first_weight == "old" else 1.0
    assert [(c.src, c.weight) for c in into] == [(gone.src, expected)]
    assert [(c.dst, c.weight) for c in out_of] == [(gone.dst, gone.weight)]
    assert new_node.activation in ACTIVATIONS


def test_delete_node_removes_a_hidden_node_and_its_links_only():
    rng = np.random.default_rng(5)
    for g in grown():
        child = mutate_cppn(g, only(delete_node=1.0), rng)
        assert child.input_ids == g.input_ids and child.output_ids == g.output_ids
        if g.hidden_ids:
            (gone,) = set(g.hidden_ids) - set(child.hidden_ids)
            assert all(gone not in (c.src, c.dst) for c in child.connections)
            assert set(child.connections) == {c for c in g.connections
                                              if gone not in (c.src, c.dst)}
        else:
            assert child == g


def test_weight_mutation_moves_weights_within_range():
    rng = np.random.default_rng(6)
    g = grown()[0]
    child = mutate_cppn(g, only(weight_rate=1.0), rng)
    old = np.array([c.weight for c in g.connections])
    new = np.array([c.weight for c in child.connections])
    # Every weight moves, except one at a bound whose step was clipped back onto it.
    inside = np.abs(old) < 10
    assert np.all(old[inside] != new[inside]) and np.all(np.abs(new) <= 10)
    assert [(c.src, c.dst) for c in child.connections] == [(c.src, c.dst) for c in g.connections]


def test_switch_activation_changes_hit_hidden_and_output_nodes_not_inputs():
    rng = np.random.default_rng(7)
    g = grown()[0]
    child = mutate_cppn(g, only(activation_rate=1.0, activation_mutation="switch"), rng)
    for before, after in zip(g.nodes, child.nodes):
        if before.kind == "input":
            assert after.activation is None
        else:
            assert after.activation != before.activation


def test_papers_activation_mutation_redraws_from_all_four():
    # Sferes' Sampled::mutate draws any of the 4 values: a quarter keep their function.
    rng = np.random.default_rng(7)
    kept = total = 0
    for g in grown(generations=20):
        for _ in range(50):
            child = mutate_cppn(g, only(activation_rate=1.0), rng)
            for before, after in zip(g.nodes, child.nodes):
                if before.kind != "input":
                    kept += after.activation == before.activation
                    total += 1
    assert abs(kept / total - 0.25) < 0.02


def test_fixed_output_activation_never_changes():
    params = CppnParams(output_activation="sigmoid", activation_rate=1.0)
    rng = np.random.default_rng(8)
    g = random_genome(3, params, rng)
    for _ in range(20):
        g = mutate_cppn(g, params, rng)
        assert all(g.node(i).activation == "sigmoid" for i in g.output_ids)


def test_hidden_node_limit_is_respected():
    params = CppnParams(add_node=1.0, delete_node=0.0, max_hidden_nodes=3)
    rng = np.random.default_rng(9)
    g = random_genome(1, params, rng)
    for _ in range(10):
        g = mutate_cppn(g, params, rng)
    assert len(g.hidden_ids) == 3


def test_encoding_mutation_is_reproducible_and_leaves_parents_alone():
    enc = CppnEncoding(3, (64, 64))

    def run(seed):
        rng = np.random.default_rng(seed)
        pop = enc.initial(6, rng)
        first = list(pop)
        for gen in range(10):
            pop = enc.mutate(pop, rng, gen)
        return first, pop

    first, a = run(11)
    again, b = run(11)
    assert first == again and a == b
    assert a != run(12)[1]


def test_bad_parameters_are_refused():
    with pytest.raises(FoolingError):
        CppnParams(add_node=1.5)
    with pytest.raises(FoolingError):
        CppnParams(activations=("sine", "relu"))
    with pytest.raises(FoolingError):
        CppnParams(output_activation="linear", activations=("sine",))
    with pytest.raises(FoolingError):
        CppnParams(colour_space="cmyk")
    with pytest.raises(FoolingError):
        CppnParams(coordinates="polar")


def test_batch_mutation_changes_weights_at_the_papers_rate_and_keeps_genomes_valid():
    params = CppnParams()
    parents = grown()
    rng = np.random.default_rng(5)
    changed = total = 0
    for _ in range(40):
        children = mutate_cppns(parents, only(weight_rate=params.weight_rate), rng)
        for p, c in zip(parents, children):
            assert [(k.src, k.dst) for k in c.connections] == [(k.src, k.dst) for k in p.connections]
            changed += sum(a.weight != b.weight for a, b in zip(p.connections, c.connections))
            total += len(p.connections)
    assert abs(changed / total - params.weight_rate) < 0.02
    genomes = parents
    for _ in range(40):  # all operators together, as evolution uses them
        genomes = mutate_cppns(genomes, CppnParams(add_node=0.7, delete_node=0.4), rng)
        assert all(g.problem() is None and topological_order(g) is not None for g in genomes)
    assert all(-10 <= k.weight <= 10 for g in genomes for k in g.connections)


@pytest.mark.parametrize("choice", ["sferes", "unlinked"])
def test_batched_operators_follow_the_per_genome_reference(choice):
    # The loop mutates whole populations as arrays; the per-genome object version is
    # the readable reference. Same operators: the same distribution of outcomes.
    from fooling_gui.core.encodings.cppn_mutation import mutate_cppn_objects

    params = CppnParams(add_connection_choice=choice)
    parents = [CppnGenome(g.nodes, g.connections) for g in grown(generations=15)] * 40

    def outcome(children):
        d_links = np.mean([len(c.connections) - len(p.connections)
                           for p, c in zip(parents, children)])
        d_hidden = np.mean([len(c.hidden_ids) - len(p.hidden_ids)
                            for p, c in zip(parents, children)])
        return d_links, d_hidden

    batched = mutate_cppns(parents, params, np.random.default_rng(0))
    reference = [mutate_cppn_objects(p, params, np.random.default_rng(i))
                 for i, p in enumerate(parents)]
    assert all(c.problem() is None for c in batched)
    assert outcome(batched) == pytest.approx(outcome(reference), abs=0.15)
