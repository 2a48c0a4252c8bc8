import dataclasses
import io
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from fooling_gui.core.encodings import (
    CppnConnection,
    CppnEncoding,
    CppnGenome,
    CppnNode,
    encoding_from_config,
    make_encoding,
    render_cppns,
    render_one_large,
)
from fooling_gui.core.encodings.cppn_plan import build_plan
from fooling_gui.core.encodings.cppn_render import PixelRule, _evaluate_, _input_rows
from fooling_gui.core.errors import FoolingError

INPUTS = tuple(CppnNode(i, "input", None) for i in range(4))
X, Y, D, BIAS = range(4)


def genome(outputs, hidden=(), conns=()) -> CppnGenome:
    """Hand-made genome: ``outputs`` activations, ``hidden`` as (id, activation)."""
    nodes = INPUTS + tuple(CppnNode(4 + k, "output", a) for k, a in enumerate(outputs))
    nodes += tuple(CppnNode(i, "hidden", a) for i, a in hidden)
    return CppnGenome(nodes, tuple(CppnConnection(*c) for c in conns))


def evolved(channels, n=12, generations=25, seed=0):
    enc = CppnEncoding(channels)
    rng = np.random.default_rng(seed)
    pop = enc.initial(n, rng)
    for gen in range(generations):
        pop = enc.mutate(pop, rng, gen)
    return enc, pop


def test_coordinates_are_pixel_centres_in_minus_one_to_one():
    # linear(3 · x) = x, so the pixel is |x|.
    g = genome(["linear"], conns=[(X, 4, 3.0)])
    image = render_cppns([g], (2, 4))[0, 0]
    assert torch.allclose(image, torch.tensor([[0.75, 0.25, 0.25, 0.75]] * 2))
    gy = genome(["linear"], conns=[(Y, 4, -3.0)])
    assert torch.allclose(render_cppns([gy], (4, 1))[0, 0, :, 0],
                          torch.tensor([0.75, 0.25, 0.25, 0.75]))


def test_each_activation_follows_the_papers_formula():
    p = 0.7
    expected = {"sine": math.sin(p), "sigmoid": 2 / (1 + math.exp(-p)) - 1,
                "gaussian": math.exp(-p * p), "linear": p / 3}
    for name, value in expected.items():
        g = genome([name], conns=[(BIAS, 4, p)])
        assert render_cppns([g], (3, 3)).flatten().tolist() == pytest.approx([abs(value)] * 9,
                                                                             abs=1e-6)
    # Linear is clipped at ±3 before scaling; the distance input is 0 at the centre.
    assert render_cppns([genome(["linear"], conns=[(BIAS, 4, -7.0)])], (1, 1)).item() == 1.0
    assert render_cppns([genome(["gaussian"], conns=[(D, 4, 5.0)])], (1, 1)).item() == 1.0


def test_hidden_nodes_chain_and_dead_ends_do_not_matter():
    # out = sine(2 · gaussian(x + 0.5 · linear(nothing)))  and node 7 leads nowhere.
    g = genome(["sine"], hidden=[(5, "gaussian"), (6, "linear"), (7, "sigmoid")],
               conns=[(X, 5, 1.0), (6, 5, 0.5), (5, 4, 2.0), (Y, 7, 3.0)])
    x = torch.tensor([-0.75, -0.25, 0.25, 0.75])
    expected = torch.sin(2 * torch.exp(-x**2)).abs()
    assert torch.allclose(render_cppns([g], (1, 4))[0, 0, 0], expected, atol=1e-6)


def test_hsv_and_hls_outputs_become_rgb():
    # Constant outputs via the bias: h = 0, s = 1, v = 1 is pure red in HSV.
    red_hsv = genome(["linear"] * 3, conns=[(BIAS, 5, 3.0), (BIAS, 6, 3.0)])
    assert render_cppns([red_hsv], (2, 2), PixelRule(colour_space="hsv"))[0, :, 0, 0].tolist() \
        == [1.0, 0.0, 0.0]
    # h = 1/3 (green), l = 1/2, s = 1 in HLS.
    green_hls = genome(["linear"] * 3, conns=[(BIAS, 4, 1.0), (BIAS, 5, 1.5), (BIAS, 6, 3.0)])
    assert render_cppns([green_hls], (2, 2), PixelRule(colour_space="hls"))[0, :, 0, 0].tolist() == pytest.approx(
        [0.0, 1.0, 0.0], abs=1e-6)


@pytest.mark.parametrize("channels", [1, 3])
def test_batched_render_equals_rendering_each_alone(channels):
    enc, pop = evolved(channels)
    assert any(g.hidden_ids for g in pop)
    batch = enc.render(pop, (32, 32))
    assert batch.shape == (len(pop), channels, 32, 32) and batch.dtype == torch.float32
    assert batch.min() >= 0 and batch.max() <= 1
    for k, g in enumerate(pop):
        assert torch.allclose(batch[k], enc.render([g], (32, 32))[0], atol=1e-5)


def test_pixel_chunking_does_not_change_the_image():
    _, pop = evolved(3)
    whole = render_cppns(pop, (40, 40))
    chunked = render_cppns(pop, (40, 40), budget_bytes=20_000)  # one pixel row per chunk
    assert torch.allclose(whole, chunked, atol=1e-5)


def test_links_added_one_slot_at_a_time_as_on_a_gpu_give_the_same_bits():
    # A GPU adds a level's links slot by slot (its indexed add sums duplicates in any
    # order); each node must still sum its links in the order the CPU does.
    _, pop = evolved(3, n=24, generations=40)
    plan = build_plan(pop, torch.device("cpu"), "steps")
    assert any(len(level.slots) > 1 for level in plan.levels)  # nodes with several links
    renders = []
    for by_slot in (False, True):
        values = torch.empty((plan.n_rows, 32 * 32))
        _input_rows(values, (32, 32), 0, 32, coordinates="pixel")
        _evaluate_(values, plan, torch.empty((plan.max_links, 32 * 32)), 32, by_slot=by_slot)
        renders.append(values)
    assert torch.equal(renders[0], renders[1])


def test_same_genome_looks_alike_at_28_and_256_pixels():
    # Smooth coordinates: a low-frequency pattern, nearly the same after downsampling
    # (the paper's pixel coordinates: test_paper_operators).
    enc, pop = evolved(1, n=16, generations=10, seed=3)
    enc = CppnEncoding(1, enc.size, dataclasses.replace(enc.params, coordinates="smooth"))
    small = enc.render(pop, (28, 28))
    down = F.adaptive_avg_pool2d(enc.render(pop, (256, 256)), (28, 28))
    same = (down - small).abs().mean().item()
    other = (down - small.roll(1, dims=0)).abs().mean().item()
    assert same < 0.05 and same < other / 5


def test_one_large_image_is_rendered_in_chunks_as_uint8():
    g = genome(["linear"], conns=[(X, 4, 3.0)])  # pixel = |x|
    image = render_one_large(g, (4000, 4000))
    assert image.shape == (4000, 4000, 1) and image.dtype == np.uint8
    assert image[123, 0, 0] == 255 and image[3999, 1999, 0] == 0
    assert np.all(image[:, 0] == image[:, -1])
    enc, pop = evolved(3, n=1)
    enc = CppnEncoding(3, (64, 48))
    expected = torch.round(enc.render(pop, (64, 48))[0] * 255).permute(1, 2, 0).to(torch.uint8)
    large = render_one_large(pop[0], (64, 48), enc.pixel_rule, budget_bytes=4096,
                             evaluation=enc.params.evaluation)
    assert np.array_equal(large, expected.numpy())
    assert np.array_equal(enc.render_large(pop[0], (64, 48)), large)


def test_pack_unpack_and_json_give_identical_renders():
    enc, pop = evolved(3, n=5)
    buffer = io.BytesIO()
    torch.save(enc.pack(pop), buffer)
    buffer.seek(0)
    back = enc.unpack(torch.load(buffer, weights_only=True))
    assert back == pop
    from_json = [CppnGenome.from_json(g.to_json()) for g in pop]
    assert torch.equal(enc.render(back, (24, 24)), enc.render(pop, (24, 24)))
    assert torch.equal(enc.render(from_json, (24, 24)), enc.render(pop, (24, 24)))
    with pytest.raises(FoolingError):
        CppnEncoding(1).unpack(enc.pack(pop))


def test_describe_holds_the_whole_genome_and_config_rebuilds():
    enc = make_encoding("cppn", 3, (256, 256), add_node=0.4, colour_space="hls")
    g = enc.initial(1, np.random.default_rng(0))[0]
    info = enc.describe(g)
    assert info["encoding"] == "cppn" and info["colour_space"] == "hls"
    assert CppnGenome.from_dict(info["genome"]) == g
    again = encoding_from_config(enc.config())
    assert again.config() == enc.config() and again.params == enc.params


def test_rendered_images_can_enter_autograd():
    _, pop = evolved(1, n=2)
    images = render_cppns(pop, (8, 8)).requires_grad_()
    (images * 2).sum().backward()
    assert images.grad is not None


def test_rendering_is_deterministic_for_a_seed():
    _, a = evolved(3, seed=5)
    _, b = evolved(3, seed=5)
    assert torch.equal(render_cppns(a, (16, 16)), render_cppns(b, (16, 16)))
