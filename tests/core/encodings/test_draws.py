"""The CPU draws (numpy) and the device draws (torch) give the operators the same laws."""

import numpy as np
import torch

from fooling_gui.core.encodings.draws import DeviceDraws, HostDraws
from fooling_gui.core.encodings.polynomial_mutation import (
    polynomial_mutation,
    polynomial_mutation_,
)
from fooling_gui.core.encodings.sbx_crossover import sbx_pairs

QUANTILES = [0.05, 0.1, 0.25, 0.75, 0.9, 0.95]


def test_host_positions_are_a_bernoulli_sample_of_the_indices():
    positions = HostDraws(np.random.default_rng(0)).positions(200_000, 0.1).numpy()
    assert np.all(np.diff(positions) > 0) and positions[0] >= 0 and positions[-1] < 200_000
    assert abs(len(positions) - 20_000) < 600  # 4.5 standard deviations
    # Every region is hit alike (no bias towards the start or the end of a batch).
    per_quarter = np.bincount(positions // 50_000, minlength=4)
    assert per_quarter.min() > 4_700 and per_quarter.max() < 5_300


def _sbx_relative_positions(source) -> np.ndarray:
    g = torch.Generator().manual_seed(1)
    a, b = torch.rand(100_000, generator=g), torch.rand(100_000, generator=g)
    c1, _ = sbx_pairs(a, b, 10.0, 0.0, 1.0, source, "half")
    low, high = torch.minimum(a, b), torch.maximum(a, b)
    return ((c1 - low) / (high - low)).numpy()


def test_sbx_and_mutation_follow_the_same_law_from_either_source():
    host = _sbx_relative_positions(HostDraws(np.random.default_rng(2)))
    device = _sbx_relative_positions(DeviceDraws(torch.Generator().manual_seed(2)))
    np.testing.assert_allclose(np.quantile(host, QUANTILES), np.quantile(device, QUANTILES),
                               atol=0.01)
    assert abs(np.mean(host < 0.5) - 0.5) < 0.01  # children land by either parent alike

    x = torch.full((200_000,), 0.3)
    steps = [polynomial_mutation(x, 15.0, 0.0, 1.0, 0.1, source, "sferes") - x
             for source in (HostDraws(np.random.default_rng(3)),
                            DeviceDraws(torch.Generator().manual_seed(3)))]
    shares = [float((s != 0).float().mean()) for s in steps]
    assert all(abs(share - 0.1) < 0.004 for share in shares)
    moved = [s[s != 0].numpy() for s in steps]
    np.testing.assert_allclose(np.quantile(moved[0], QUANTILES), np.quantile(moved[1], QUANTILES),
                               atol=0.005)


def test_the_gpus_masked_mutation_follows_the_law_of_the_cpus_positions():
    # On a GPU every value draws a coin and the update is masked (nothing is read back
    # to the host); the same law as mutating drawn positions, and values stay in bounds.
    x = torch.linspace(0.0, 1.0, 200_000)
    sparse = polynomial_mutation_(x.clone(), 15.0, 0.0, 1.0, 0.1,
                                  torch.Generator().manual_seed(4), "sferes", masked=False)
    masked = polynomial_mutation_(x.clone(), 15.0, 0.0, 1.0, 0.1,
                                  torch.Generator().manual_seed(4), "sferes", masked=True)
    assert masked.min() >= 0.0 and masked.max() <= 1.0
    steps = [(m - x)[m != x].numpy() for m in (sparse, masked)]
    assert all(abs(len(s) / 200_000 - 0.1) < 0.004 for s in steps)
    np.testing.assert_allclose(np.quantile(steps[0], QUANTILES), np.quantile(steps[1], QUANTILES),
                               atol=0.005)
    unchanged = polynomial_mutation_(x.clone(), 15.0, 0.0, 1.0, 0.0,
                                     torch.Generator().manual_seed(4), "sferes", masked=True)
    assert torch.equal(unchanged, x)
