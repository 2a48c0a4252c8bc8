import numpy as np
import pytest
import torch

from fooling_gui.core.encodings.polynomial_mutation import (
    polynomial_mutation,
    polynomial_mutation_np,
)


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("low, high", [(0.0, 1.0), (-10.0, 10.0)])
def test_results_stay_within_bounds_even_from_the_bounds(low, high):
    x = torch.cat([torch.full((20000,), low), torch.full((20000,), high),
                   torch.empty(20000).uniform_(low, high, generator=gen(1))])
    y = polynomial_mutation(x, 15.0, low, high, 1.0, gen())
    assert y.min() >= low and y.max() <= high
    y = polynomial_mutation(x, 0.0, low, high, 1.0, gen())  # eta 0: the widest steps
    assert y.min() >= low and y.max() <= high


def test_fraction_changed_matches_rate_and_input_is_untouched():
    x = torch.full((100_000,), 0.5)
    y = polynomial_mutation(x, 15.0, 0.0, 1.0, 0.1, gen())
    assert torch.all(x == 0.5)
    assert 0.095 < (y != x).float().mean().item() < 0.105
    assert torch.equal(polynomial_mutation(x, 15.0, 0.0, 1.0, 0.0, gen()), x)


def test_large_eta_gives_small_unbiased_steps():
    x = torch.full((100_000,), 0.5)
    step15 = polynomial_mutation(x, 15.0, 0.0, 1.0, 1.0, gen()) - x
    step1 = polynomial_mutation(x, 1.0, 0.0, 1.0, 1.0, gen()) - x
    # For eta = 15 the mean |step| is about 1 / (eta + 2) of the range.
    assert 0.03 < step15.abs().mean().item() < 0.08
    assert step1.abs().mean().item() > 2 * step15.abs().mean().item()
    assert abs(step15.mean().item()) < 0.002
    # Most steps are small: a 0.5 → 0.8 jump is rare.
    assert (step15.abs() > 0.3).float().mean().item() < 0.01


def test_same_generator_seed_same_result():
    x = torch.rand(1000, generator=gen(3))
    a = polynomial_mutation(x, 15.0, 0.0, 1.0, 0.3, gen(7))
    b = polynomial_mutation(x, 15.0, 0.0, 1.0, 0.3, gen(7))
    c = polynomial_mutation(x, 15.0, 0.0, 1.0, 0.3, gen(8))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_numpy_version_has_the_same_distribution():
    x = np.full(100_000, 0.0)
    y = polynomial_mutation_np(x, 15.0, -10.0, 10.0, 0.1, np.random.default_rng(0))
    assert np.all(x == 0.0) and y.min() >= -10 and y.max() <= 10
    changed = y != x
    assert 0.095 < changed.mean() < 0.105
    t = polynomial_mutation(torch.zeros(100_000), 15.0, -10.0, 10.0, 1.0, gen())
    assert np.abs(y[changed]).mean() == pytest.approx(t.abs().mean().item(), rel=0.05)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        polynomial_mutation(torch.zeros(3), 15.0, 1.0, 0.0, 0.1, gen())
    with pytest.raises(ValueError):
        polynomial_mutation(torch.zeros(3), 15.0, 0.0, 1.0, 1.5, gen())


def _nsga2_step(y, u, eta, low, high):
    """Deb's real_mutate from the NSGA-II C code, one value at a time."""
    delta1, delta2 = (y - low) / (high - low), (high - y) / (high - low)
    mut_pow = 1.0 / (eta + 1.0)
    if u <= 0.5:
        val = 2.0 * u + (1.0 - 2.0 * u) * (1.0 - delta1) ** (eta + 1.0)
        deltaq = val ** mut_pow - 1.0
    else:
        val = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * (1.0 - delta2) ** (eta + 1.0)
        deltaq = 1.0 - val ** mut_pow
    return min(max(y + deltaq * (high - low), low), high)


def test_steps_follow_debs_nsga2_formula():
    # With rate 1, the numpy version draws the "chosen" uniforms first, then u.
    x = np.random.default_rng(2).uniform(-10, 10, 500)
    rng = np.random.default_rng(3)
    rng.random(500)
    u = rng.random(500)
    got = polynomial_mutation_np(x, 15.0, -10.0, 10.0, 1.0, np.random.default_rng(3))
    expected = [_nsga2_step(y, v, 15.0, -10.0, 10.0) for y, v in zip(x, u)]
    assert np.allclose(got, expected, rtol=0, atol=1e-12)
