"""LeNet: the paper's architecture, and the shipped weights that really read digits."""

import torch

from fooling_gui.core.datasets import mnist_sample
from fooling_gui.core.images import from_uint8
from fooling_gui.core.models import LeNet, file_sha256, load_model
from fooling_gui.core.models.lenet import seeded_lenet
from fooling_gui.core.resources import resource_path

# Measured 98.7 % when the weights were made (see resources/weights/lenet_mnist.json).
MIN_SHIPPED_ACCURACY = 0.97


def test_lenet_has_caffes_layers_and_shapes():
    net = LeNet()
    x = torch.rand(4, 1, 28, 28)
    feats = net.features(x)
    assert feats.shape == (4, 50, 4, 4)
    assert net(x).shape == (4, 10)
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    fcs = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    assert [(c.out_channels, c.kernel_size) for c in convs] == [(20, (5, 5)), (50, (5, 5))]
    assert [(f.in_features, f.out_features) for f in fcs] == [(800, 500), (500, 10)]
    assert sum(p.numel() for p in net.parameters()) == 431_080  # Caffe's lenet.prototxt


def test_seeded_lenet_is_reproducible_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a, b, c = seeded_lenet(0), seeded_lenet(0), seeded_lenet(1)
    assert torch.equal(torch.rand(3), before)
    assert torch.equal(a.features[0].weight, b.features[0].weight)
    assert not torch.equal(a.features[0].weight, c.features[0].weight)


def test_shipped_weights_read_the_held_out_digits():
    classifier = load_model("lenet")
    images, labels = mnist_sample()
    probs = classifier.probabilities(from_uint8(images), batch_size=500)
    accuracy = (probs.argmax(1).numpy() == labels).mean()
    assert accuracy >= MIN_SHIPPED_ACCURACY
    assert not classifier.spec.random_init
    assert classifier.spec.weights_sha256 == file_sha256(resource_path("weights", "lenet_mnist.pt"))
    assert classifier.spec.class_names == tuple("0123456789")


def test_random_lenet_is_flagged():
    classifier = load_model("lenet", random_init=True)
    assert classifier.spec.random_init
    assert "RANDOM" in classifier.spec.label
    assert classifier.spec.weights_sha256 == ""
