import io

import numpy as np
import pytest
import torch

from fooling_gui.core.encodings import (
    DirectEncoding,
    DirectParams,
    encoding_from_config,
    make_encoding,
)
from fooling_gui.core.encodings.colour import hsv_to_rgb
from fooling_gui.core.errors import FoolingError


def rng(seed=0):
    return np.random.default_rng(seed)


def test_initial_genomes_are_uniform_pixels():
    enc = DirectEncoding(1, (28, 28))
    genomes = enc.initial(50, rng())
    assert len(genomes) == 50
    assert all(g.shape == (1, 28, 28) and g.dtype == torch.float32 for g in genomes)
    values = torch.stack(list(genomes))
    assert values.min() >= 0 and values.max() <= 1
    assert values.mean().item() == pytest.approx(0.5, abs=0.01)
    assert values.std().item() == pytest.approx(12 ** -0.5, abs=0.01)
    assert not torch.equal(genomes[0], genomes[1])


@pytest.mark.parametrize("generation, rate", [(0, 0.1), (999, 0.1), (1000, 0.05), (2500, 0.025)])
def test_mutation_rate_halves_every_1000_generations(generation, rate):
    enc = DirectEncoding(1, (28, 28), DirectParams(crossover_rate=0.0))
    parents = enc.initial(200, rng())
    children = enc.mutate(parents, rng(1), generation)
    changed = (torch.stack(list(children)) != torch.stack(list(parents))).float().mean().item()
    assert changed == pytest.approx(rate, rel=0.06)


def test_mutation_leaves_parents_alone_and_stays_in_range():
    enc = DirectEncoding(3, (16, 16))
    parents = enc.initial(10, rng())
    before = [p.clone() for p in parents]
    children = enc.mutate(parents, rng(1), 0)
    assert all(torch.equal(p, b) for p, b in zip(parents, before))
    assert all(c.min() >= 0 and c.max() <= 1 for c in children)
    assert all(c.shape == (3, 16, 16) for c in children)
    # Each child owns its own pixels (a kept elite must not pin the whole batch).
    assert all(c.untyped_storage().nbytes() == c.numel() * 4 for c in children)


def test_a_seed_reproduces_a_run():
    enc = DirectEncoding(1, (28, 28))

    def run(seed):
        r = rng(seed)
        pop = enc.initial(5, r)
        for gen in range(3):
            pop = enc.mutate(pop, r, gen)
        return torch.stack(list(pop))

    assert torch.equal(run(4), run(4))
    assert not torch.equal(run(4), run(5))


def test_render_is_the_genome_in_rgb_and_resizes():
    enc = DirectEncoding(3, (8, 8), DirectParams(colour_space="rgb", pixel_levels="round"))
    genomes = enc.initial(2, rng())
    images = enc.render(genomes, (8, 8))
    assert torch.equal(images, torch.round(torch.stack(list(genomes)) * 255) / 255)
    big = enc.render(genomes, (16, 16))
    assert big.shape == (2, 3, 16, 16)
    assert torch.equal(big[:, :, ::2, ::2], images)


def test_hsv_colour_space_converts_on_render():
    enc = make_encoding("direct", 3, (4, 4), colour_space="hsv", pixel_levels="round")
    genome = enc.initial(1, rng())[0]
    image = enc.render([genome], (4, 4))[0]
    assert torch.allclose(image, torch.round(hsv_to_rgb(*genome) * 255) / 255, atol=1e-6)


def test_pack_unpack_round_trip_through_torch_save():
    enc = DirectEncoding(1, (28, 28))
    genomes = enc.initial(4, rng())
    buffer = io.BytesIO()
    torch.save(enc.pack(genomes), buffer)
    buffer.seek(0)
    back = enc.unpack(torch.load(buffer, weights_only=True))
    assert all(torch.equal(a, b) for a, b in zip(genomes, back))
    with pytest.raises(FoolingError):
        DirectEncoding(3, (28, 28)).unpack(enc.pack(genomes))


def test_describe_and_config_rebuild_the_encoding():
    enc = make_encoding("direct", 1, (28, 28), mutation_rate=0.2, halve_every=50)
    assert enc.describe(enc.initial(1, rng())[0]) == {"encoding": "direct", "shape": [1, 28, 28]}
    again = encoding_from_config(enc.config())
    assert again.config() == enc.config()
    assert again.params == DirectParams(mutation_rate=0.2, halve_every=50)


def test_bad_parameters_are_one_sentence_errors():
    with pytest.raises(FoolingError):
        DirectParams(mutation_rate=1.5)
    with pytest.raises(FoolingError):
        DirectParams(halve_every=0)
    with pytest.raises(FoolingError):
        DirectParams(colour_space="cmyk")
    with pytest.raises(FoolingError):
        DirectEncoding(2, (28, 28))
