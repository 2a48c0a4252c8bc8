"""Ensembles, input smoothing and the confidence threshold as classifiers and measures."""

import numpy as np
import pytest
import torch

from fooling_gui.core.attacks import EnsembleClassifier, SmoothedClassifier, threshold_table
from fooling_gui.core.attacks.smoothing import gaussian_blur, median_filter
from fooling_gui.core.attacks.training import accuracy
from fooling_gui.core.attacks.training import quick_lenet as quick_lenet_fn
from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models.classifier import Classifier
from fooling_gui.core.models.lenet import lenet_spec, seeded_lenet


@pytest.fixture(scope="module")
def untrained():
    return Classifier(seeded_lenet(5), lenet_spec(name="lenet-random", random_init=True))


@pytest.fixture(scope="module")
def images(digit_split):
    return digit_split.test_images[::50]


def test_mean_ensemble_averages_member_probabilities(quick_lenet, untrained, images):
    ens = EnsembleClassifier([quick_lenet, untrained], mode="mean")
    expected = (quick_lenet.probabilities(images) + untrained.probabilities(images)) / 2
    got = ens.probabilities(images, batch_size=7)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(got.sum(dim=1), torch.ones(len(images)), atol=1e-5, rtol=0)
    assert ens.spec.class_names == quick_lenet.spec.class_names
    assert ens.spec.random_init  # one member has random weights, so the label says so
    assert "RANDOM" in ens.spec.label


def test_min_ensemble_needs_every_member_to_agree(quick_lenet, untrained, images):
    ens = EnsembleClassifier([quick_lenet, untrained], mode="min")
    got = ens.probabilities(images)
    both = torch.minimum(quick_lenet.probabilities(images), untrained.probabilities(images))
    torch.testing.assert_close(got, both, atol=1e-6, rtol=1e-5)
    assert ens.top_k(images[:2], k=2)[0][0][2] <= 1.0


def test_ensemble_refuses_members_with_other_classes(quick_lenet):
    other = Classifier(seeded_lenet(0, n_classes=11),
                       lenet_spec(name="lenet11", class_names=tuple("0123456789") + ("fooling",)))
    with pytest.raises(FoolingError, match="different classes"):
        EnsembleClassifier([quick_lenet, other])
    with pytest.raises(FoolingError, match="mode"):
        EnsembleClassifier([quick_lenet], mode="vote")
    with pytest.raises(FoolingError):
        EnsembleClassifier([])


def test_gradients_flow_through_the_ensemble(quick_lenet, untrained, images):
    x = images[:2].clone().requires_grad_(True)
    EnsembleClassifier([quick_lenet, untrained]).log_probs(x)[:, 3].sum().backward()
    assert x.grad is not None and float(x.grad.abs().sum()) > 0


def test_blur_keeps_flat_images_and_spreads_a_dot():
    flat = torch.full((1, 1, 9, 9), 0.4)
    torch.testing.assert_close(gaussian_blur(flat, 1.5), flat)
    dot = torch.zeros(1, 1, 9, 9)
    dot[0, 0, 4, 4] = 1.0
    blurred = gaussian_blur(dot, 1.0)
    assert float(blurred[0, 0, 4, 4]) < 0.2 and float(blurred[0, 0, 4, 5]) > 0.05
    assert float(blurred.sum()) == pytest.approx(1.0, abs=1e-5)
    assert gaussian_blur(dot, 0) is dot


def test_median_removes_isolated_specks_but_keeps_edges():
    img = torch.zeros(1, 1, 8, 8)
    img[..., :, 4:] = 1.0  # an edge
    specked = img.clone()
    specked[0, 0, 2, 1] = 1.0
    torch.testing.assert_close(median_filter(specked, 3), img)


def test_smoothed_classifier_is_the_model_on_smoothed_images(quick_lenet, images, digit_split):
    smoothed = SmoothedClassifier(quick_lenet, "gaussian", sigma=1.0)
    torch.testing.assert_close(smoothed.probabilities(images),
                               quick_lenet.probabilities(gaussian_blur(images, 1.0)))
    assert smoothed.spec.name == "lenet-seed0+blur1"
    assert SmoothedClassifier(quick_lenet, "gaussian", sigma=0).probabilities(images).allclose(
        quick_lenet.probabilities(images))
    # Heavy blur costs accuracy on real digits: the price of the defence is measurable.
    x, y = digit_split.test_images[::5], digit_split.test_labels[::5].numpy()
    assert accuracy(SmoothedClassifier(quick_lenet, "gaussian", sigma=3.0), x, y) < \
        accuracy(quick_lenet, x, y) - 0.1


@pytest.mark.parametrize("kw", [{"kind": "box"}, {"kind": "median", "size": 4},
                                {"kind": "gaussian", "sigma": -1.0}])
def test_smoothing_settings_are_checked(quick_lenet, kw):
    with pytest.raises(FoolingError):
        SmoothedClassifier(quick_lenet, **kw)


def test_threshold_table_on_known_numbers():
    fooling = np.array([[0.999, 0.001], [0.95, 0.05], [0.6, 0.4], [0.2, 0.8]])
    real = np.array([[0.99, 0.01], [0.3, 0.7], [0.55, 0.45]])
    labels = np.array([0, 0, 0])
    noise = np.array([[0.5, 0.5], [0.9, 0.1]])
    rows = threshold_table(fooling, real, labels, thresholds=(0.5, 0.9, 0.99), noise_probs=noise)
    assert [r.fooling_accepted for r in rows] == [1.0, 0.5, 0.25]
    assert [r.real_rejected for r in rows] == pytest.approx([0.0, 2 / 3, 2 / 3])
    # At 0.5 every real image is accepted and one of three is wrong (argmax 1).
    assert rows[0].real_accepted_accuracy == pytest.approx(2 / 3)
    assert rows[1].real_accepted_accuracy == 1.0
    assert [r.noise_accepted for r in rows] == [1.0, 0.5, 0.0]
    assert threshold_table(fooling, real, thresholds=(0.5,))[0].real_accepted_accuracy is None


def test_another_seed_is_a_different_model_that_still_reads_digits(digit_split, quick_lenet):
    # Ensembles and transfer need differently seeded members that still read digits.
    other = quick_lenet_fn(digit_split, seed=11, epochs=1)
    assert other.spec.name == "lenet-seed11"
    x = digit_split.test_images[:5]
    assert not torch.allclose(other.probabilities(x), quick_lenet.probabilities(x))
    assert accuracy(other, digit_split.test_images, digit_split.test_labels) > 0.6
