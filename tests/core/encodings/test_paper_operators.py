"""Each operator of the paper preset pinned to the original code on hand-checked cases.

The original: Evolving-AI-Lab/fooling (Sferes2 + Caffe): ``phen_grayscale_image.hpp``,
``phen_color_image.hpp``, ``gen_dnn_ff.hpp``, ``evo_float.hpp``, ``af_cppn.hpp``.
"""

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
    CppnParams,
    DirectEncoding,
    DirectParams,
    render_cppns,
)
from fooling_gui.core.encodings.colour import hls_opencv_to_rgb
from fooling_gui.core.encodings.cppn_render import PixelRule
from fooling_gui.core.encodings.cppn_steps import sferes_depth, stepped_genome
from fooling_gui.core.encodings.polynomial_mutation import _deltaq, polynomial_mutation_np
from fooling_gui.core.encodings.sbx_crossover import sbx_pairs

INPUTS = tuple(CppnNode(i, "input", None) for i in range(4))
X, Y, D, BIAS = range(4)
PIXEL = PixelRule(coordinates="pixel")


def genome(outputs, hidden=(), conns=()) -> CppnGenome:
    nodes = INPUTS + tuple(CppnNode(4 + k, "output", a) for k, a in enumerate(outputs))
    nodes += tuple(CppnNode(i, "hidden", a) for i, a in hidden)
    return CppnGenome(nodes, tuple(CppnConnection(*c) for c in conns))


def test_paper_coordinates_are_column_and_row_indices_and_d_on_a_minus_one_to_one_grid():
    # linear(p) = clamp(p, -3, 3) / 3, so with weight 1/10 the pixel is |input| / 30.
    size = (3, 4)
    x = render_cppns([genome(["linear"], conns=[(X, 4, 0.1)])], size, PIXEL)[0, 0] * 30
    y = render_cppns([genome(["linear"], conns=[(Y, 4, 0.1)])], size, PIXEL)[0, 0] * 30
    d = render_cppns([genome(["linear"], conns=[(D, 4, 1.0)])], size, PIXEL)[0, 0] * 3
    assert torch.allclose(x, torch.tensor([[0.0, 1, 2, 3]] * 3), atol=1e-5)
    assert torch.allclose(y, torch.tensor([[0.0] * 4, [1.0] * 4, [2.0] * 4]), atol=1e-5)
    # The grid: columns -1, -1/3, 1/3, 1; rows -1, 0, 1 (normalize_map_xy_to_grid).
    expected = [[math.hypot(gx, gy) for gx in (-1, -1 / 3, 1 / 3, 1)] for gy in (-1, 0, 1)]
    assert torch.allclose(d, torch.tensor(expected), atol=1e-5)


def test_smooth_coordinates_are_the_named_alternative():
    g = genome(["linear"], conns=[(X, 4, 3.0)])
    smooth = render_cppns([g], (1, 4), PixelRule(coordinates="smooth"))[0, 0, 0]
    assert smooth.tolist() == pytest.approx([0.75, 0.25, 0.25, 0.75])


def test_a_larger_render_keeps_exactly_the_look_of_the_scored_image():
    # Pixel coordinates: each enlarged pixel takes the coordinates of the scored pixel
    # it falls in (the pattern is far finer than a pixel; a finer sample would differ).
    rule = PixelRule(coordinates="pixel", base=(3, 4))
    x = render_cppns([genome(["linear"], conns=[(X, 4, 0.1)])], (9, 10), rule)[0, 0, 0] * 30
    assert x.tolist() == pytest.approx([0, 0, 0, 1, 1, 2, 2, 2, 3, 3], abs=1e-5)
    enc = CppnEncoding(1, (28, 28))
    rng = np.random.default_rng(2)
    pop = enc.initial(16, rng)
    for gen in range(10):
        pop = enc.mutate(pop, rng, gen)
    small = enc.render(pop, (28, 28))
    large = enc.render(pop, (280, 280))
    assert torch.equal(large, small.repeat_interleave(10, 2).repeat_interleave(10, 3))
    big = enc.render_large(pop[0], (100, 100))  # not a multiple: still the scored pixels
    picked = (np.arange(100) * 28) // 100
    assert np.array_equal(big[:, :, 0], np.round(small[0, 0].numpy() * 255)[picked][:, picked])


def test_pixels_are_truncated_to_8_bit_levels_as_int_color_value_times_255():
    # int color = value * 255: 0.999 → 254 (rounding would give 255), -0.5 → 127.
    g = genome(["linear"], conns=[(BIAS, 4, 3 * 0.999)])
    assert round(render_cppns([g], (1, 1), PixelRule(levels="truncate")).item() * 255) == 254
    assert round(render_cppns([g], (1, 1), PixelRule(levels="round")).item() * 255) == 255
    enc = DirectEncoding(1, (1, 2))
    image = enc.render([torch.tensor([[[0.999, 0.5]]])], (1, 2))
    assert (image * 255).round().flatten().tolist() == [254.0, 127.0]


def test_opencv_hls_matches_hand_checked_values_and_wraps_the_hue():
    def convert(h, l, s):
        levels = torch.tensor([h, l, s], dtype=torch.float32) / 255
        return (hls_opencv_to_rgb(*levels) * 255).round().int().tolist()

    assert convert(0, 128, 255) == [255, 1, 1]  # red; p1 = 2l - 1 = 1/255
    assert convert(255, 128, 128) == [64, 192, 128]  # hue 510° = 150°
    assert convert(200, 100, 200) == [178, 126, 22]
    assert convert(180, 77, 99) == convert(0, 77, 99)  # 8-bit hue 180 is a full turn
    assert convert(37, 90, 0) == [90, 90, 90]  # no saturation: grey


def test_parallel_links_add_their_weights():
    two = genome(["sine"], conns=[(X, 4, 0.3), (X, 4, 0.4)])
    one = genome(["sine"], conns=[(X, 4, 0.7)])
    assert two.problem() is None
    assert torch.allclose(render_cppns([two], (5, 5), PIXEL), render_cppns([one], (5, 5), PIXEL))


def test_sferes_steps_leave_a_long_chain_of_input_free_nodes_unsettled():
    # 0 → out directly (depth 1 + 1 = 2 steps); 5 (no input) → 6 → out is 3 long.
    # Sferes after 2 steps: node 6 = linear(3 · node5 at step 0 = 0) = 0, so out = sine(x).
    # Feed-forward: node 5 = gaussian(0) = 1, node 6 = linear(3) = 1, out = sine(x + 1).
    g = genome(["sine"], hidden=[(5, "gaussian"), (6, "linear")],
               conns=[(X, 4, 1.0), (5, 6, 3.0), (6, 4, 1.0)])
    assert sferes_depth(g) == 2
    x = torch.arange(4.0)
    steps = render_cppns([g], (1, 4), PIXEL, evaluation="steps")[0, 0, 0]
    ff = render_cppns([g], (1, 4), PIXEL, evaluation="feed-forward")[0, 0, 0]
    assert torch.allclose(steps, torch.sin(x).abs(), atol=1e-6)
    assert torch.allclose(ff, torch.sin(x + 1).abs(), atol=1e-6)
    # A genome whose input paths are long enough is left as it is.
    settled = genome(["sine"], hidden=[(5, "gaussian")], conns=[(X, 4, 1.0), (5, 4, 1.0)])
    assert stepped_genome(settled) is settled


def test_sferes_polynomial_mutation_adds_the_step_then_clips():
    # delta = (2u)^(1/16) - 1 for u < 0.5, 1 - (2(1 - u))^(1/16) otherwise, whatever y is.
    u = np.array([0.25, 0.75, 0.0])
    expected = [0.5 ** (1 / 16) - 1, 1 - 0.5 ** (1 / 16), -1.0]
    assert _deltaq(np.zeros(3), u, 15.0, 0.0, 1.0, np, "sferes") == pytest.approx(expected)
    # On [-10, 10] the step is 20 · delta: from 9.9 a step up always lands on 10 exactly.
    rng = np.random.default_rng(0)
    y = polynomial_mutation_np(np.full(4000, 9.9), 15.0, -10.0, 10.0, 1.0, rng, "sferes")
    up = y > 9.9
    assert 0.45 < up.mean() < 0.55 and np.mean(y[up] == 10.0) > 0.5
    # Deb's bounded form rarely reaches the bound from there.
    z = polynomial_mutation_np(np.full(4000, 9.9), 15.0, -10.0, 10.0, 1.0, rng, "deb")
    assert np.mean(z == 10.0) < 0.01


def test_sbx_recombines_every_gene_and_resets_agreeing_genes_to_one_half():
    gen = torch.Generator().manual_seed(0)
    a = torch.tensor([[0.2, 0.7, 0.0, 1.0]] * 2000)
    b = torch.tensor([[0.4, 0.7, 0.0, 0.3]] * 2000)
    c1, c2 = sbx_pairs(a, b, 10.0, 0.0, 1.0, gen, "half")
    # Genes 1 and 2: the parents agree, Sferes never sets the child's gene: 0.5.
    assert torch.all(c1[:, 1:3] == 0.5) and torch.all(c2[:, 1:3] == 0.5)
    # Gene 0: the children spread around the parents, keeping about their mean (the
    # lower child is shaped by the distance to 0, the upper one by the distance to 1).
    mean = (c1[:, 0] + c2[:, 0]) / 2
    assert (mean - 0.3).abs().max() < 0.02
    assert (c1[:, 0] != a[:, 0]).all() and c1[:, 0].std() > 0.03
    k1, k2 = sbx_pairs(a, b, 10.0, 0.0, 1.0, gen, "keep")
    assert torch.equal(k1[:, 1:3], a[:, 1:3]) and torch.equal(k2[:, 1:3], b[:, 1:3])


def test_direct_offspring_come_in_pairs_half_of_them_recombined():
    enc = DirectEncoding(1, (8, 8), DirectParams(mutation_rate=0.0))
    rng = np.random.default_rng(0)
    a, b = enc.initial(2, rng)
    children = enc.mutate([a, b] * 200, rng, 0)
    copied = sum(torch.equal(children[2 * i], a) and torch.equal(children[2 * i + 1], b)
                 for i in range(200))
    assert 80 < copied < 120  # cross_rate 0.5 per pair


def test_the_default_parameters_are_the_papers():
    c, d = CppnParams(), DirectParams()
    assert (c.coordinates, c.add_node_weights, c.activation_mutation, c.mutation_form,
            c.colour_space, c.evaluation, c.pixel_levels) == (
        "pixel", "copy", "redraw", "sferes", "hls-opencv", "steps", "truncate")
    assert (c.add_connection, c.delete_connection, c.add_node, c.delete_node,
            c.weight_rate, c.weight_eta, c.activation_rate) == (0.5, 0.3, 0.5, 0.2, 0.1, 15, 0.1)
    assert (d.mutation_rate, d.eta, d.mutation_form, d.crossover_rate, d.eta_crossover,
            d.crossover_equal_genes, d.colour_space) == (
        0.1, 15, "sferes", 0.5, 10, "half", "hls-opencv")


def test_batched_sferes_steps_match_the_per_genome_unrolling():
    # Nearly half of the paper preset's evolved genomes have an output that Sferes'
    # steps leave unsettled; the plan builder unrolls them all at once on arrays.
    from fooling_gui.core.encodings.cppn_render import render_cppns as render

    differing = 0
    for channels, seed in ((1, 0), (3, 1)):
        enc = CppnEncoding(channels, (12, 12))
        rng = np.random.default_rng(seed)
        pop = enc.initial(60, rng)
        for gen in range(40):
            pop = enc.mutate(pop, rng, gen)
        batched = render(pop, (12, 12), enc.pixel_rule, evaluation="steps")
        reference = render([stepped_genome(g.genome) for g in pop], (12, 12), enc.pixel_rule)
        plain = render(pop, (12, 12), enc.pixel_rule, evaluation="feed-forward")
        assert torch.equal(batched, reference)
        differing += int((batched != plain).flatten(1).any(1).sum())
    assert differing > 0  # the case does occur
