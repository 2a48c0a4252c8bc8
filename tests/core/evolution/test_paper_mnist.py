"""The paper's MNIST result with the paper preset: 200 generations of 200 offspring.

Thresholds are what the paper preset reaches on the shipped LeNet (README, MNIST
table, seeds 0–7), not the paper's claim: with the original's pixel-index coordinates
the CPPN's "1" stays under 99.99 % within 200 generations on most seeds (seed 0: 9 of
10 digits, the 1 at 99.18 %); the smooth-coordinates option reaches all 10.
"""

import numpy as np
import pytest

from fooling_gui.core.evolution import EvolutionRun, RunConfig, first_generation_reaching
from fooling_gui.core.models import load_model


@pytest.fixture(scope="module")
def lenet():
    return load_model("lenet")


def _run(lenet, encoding, **params) -> EvolutionRun:
    run = EvolutionRun(RunConfig(encoding=encoding, batch=200, generations=200, seed=0,
                                 encoding_params=params), classifier=lenet)
    run.run()
    return run


@pytest.mark.slow
def test_paper_cppn_fools_lenet_on_nine_digits_at_9999_and_all_at_99(lenet):
    conf = _run(lenet, "cppn").archive.confidences
    assert (conf >= 0.9999).sum() >= 9 and conf.min() >= 0.99


@pytest.mark.slow
def test_smooth_coordinates_fool_lenet_on_every_digit_at_9999(lenet):
    assert _run(lenet, "cppn", coordinates="smooth").archive.confidences.min() >= 0.9999


@pytest.mark.slow
def test_paper_direct_encoding_fools_lenet_on_every_digit(lenet):
    run = _run(lenet, "direct")
    conf = run.archive.confidences
    # Seeds 0–7 reach 10 of 10 at 99.99 %, the "1" last (148–198 generations).
    assert (conf >= 0.9999).sum() >= 9 and conf.min() >= 0.999
    first = first_generation_reaching(run.history, 0.9999)
    assert np.median(first[first >= 0]) <= 100
