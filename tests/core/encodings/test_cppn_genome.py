import pytest

from fooling_gui.core.encodings import CppnConnection, CppnGenome, CppnNode, layered_nodes
from fooling_gui.core.encodings.cppn_genome import expressed_nodes, initial_genome
from fooling_gui.core.errors import FoolingError


def small_genome() -> CppnGenome:
    """x → h5 → out4, y → out4, h6 → h5 (h6 has no inputs), h7 dangling (no path to output)."""
    nodes = (CppnNode(0, "input", None), CppnNode(1, "input", None), CppnNode(2, "input", None),
             CppnNode(3, "input", None), CppnNode(4, "output", "sine"),
             CppnNode(5, "hidden", "gaussian"), CppnNode(6, "hidden", "linear"),
             CppnNode(7, "hidden", "sigmoid"))
    conns = (CppnConnection(0, 5, 1.0), CppnConnection(5, 4, 2.0), CppnConnection(1, 4, -1.5),
             CppnConnection(6, 5, 0.5), CppnConnection(2, 7, 3.0))
    return CppnGenome(nodes, conns)


def test_initial_genome_wires_every_input_to_every_output():
    g = initial_genome(3, ["sine", "linear", "gaussian"], list(range(12)))
    assert g.input_ids == [0, 1, 2, 3] and g.output_ids == [4, 5, 6] and g.hidden_ids == []
    assert {(c.src, c.dst) for c in g.connections} == {(i, o) for i in range(4) for o in (4, 5, 6)}
    assert g.problem() is None


def test_json_round_trip_is_exact():
    g = small_genome()
    assert CppnGenome.from_json(g.to_json()) == g
    assert CppnGenome.from_dict(g.to_dict()) == g
    assert g.to_dict()["inputs"] == ["x", "y", "d", "bias"]


@pytest.mark.parametrize("corrupt", [
    lambda d: d["connections"].append({"src": 4, "dst": 5, "weight": 1.0}),  # out of an output
    lambda d: d["connections"].append({"src": 5, "dst": 0, "weight": 1.0}),  # into an input
    lambda d: d["connections"].append({"src": 5, "dst": 6, "weight": 1.0}),  # cycle 5 → 6 → 5
    lambda d: d["connections"].append({"src": 0, "dst": 99, "weight": 2.0}),  # missing node
    lambda d: d["nodes"][5].update(activation="relu"),
    lambda d: d["nodes"].pop(4),  # no output
    lambda d: d["nodes"][0].pop("id"),
])
def test_invalid_genomes_are_refused_with_a_sentence(corrupt):
    data = small_genome().to_dict()
    corrupt(data)
    with pytest.raises(FoolingError):
        CppnGenome.from_dict(data)


def test_not_json_is_refused():
    with pytest.raises(FoolingError):
        CppnGenome.from_json("{nope")


def test_layers_put_sources_before_targets():
    g = small_genome()
    layers = layered_nodes(g)
    assert layers[0] == [0, 1, 2, 3] and layers[-1] == [4]
    layer_of = {n: k for k, layer in enumerate(layers) for n in layer}
    assert sorted(layer_of) == sorted(n.id for n in g.nodes)
    assert all(layer_of[c.src] < layer_of[c.dst] for c in g.connections)


def test_expressed_nodes_are_those_reaching_an_output():
    assert expressed_nodes(small_genome()) == {0, 1, 4, 5, 6}
