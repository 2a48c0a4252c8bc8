"""Scoring pools with strided views: the same scores as torch's pool, and gradients
through torch's pool as before."""

import torch
import torch.nn.functional as F
from torch import nn

from fooling_gui.core.models import Classifier
from fooling_gui.core.models.lenet import lenet_spec, seeded_lenet
from fooling_gui.core.models.pooling import (
    StridedMaxPool2d,
    strided_max_pool2d,
    with_strided_max_pools,
)


def _bits(t: torch.Tensor) -> torch.Tensor:
    return t.contiguous().view(torch.int32)


def test_strided_pool_is_torchs_pool_bit_for_bit_with_ties_zeros_and_nan():
    g = torch.Generator().manual_seed(3)
    for shape, kernel, stride in [((4, 3, 24, 24), (2, 2), (2, 2)),
                                  ((2, 4, 55, 55), (3, 3), (2, 2)),
                                  ((2, 2, 13, 13), (3, 3), (2, 2)),
                                  ((3, 2, 9, 10), (2, 3), (1, 2)),
                                  ((5, 7, 7), (2, 2), (2, 2))]:
        x = torch.randn(shape, generator=g).round()  # many ties, +0 and -0
        x[x == 0] = -0.0 if shape[0] % 2 else 0.0
        x.view(-1)[7] = float("nan")
        assert torch.equal(_bits(strided_max_pool2d(x, kernel, stride)),
                           _bits(F.max_pool2d(x, kernel, stride))), shape


def test_classifier_scores_lenet_as_with_torchs_pool():
    images = torch.rand(37, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    plain = seeded_lenet(5)
    fast = Classifier(seeded_lenet(5), lenet_spec())
    assert sum(isinstance(m, StridedMaxPool2d) for m in fast.module.modules()) == 2
    with torch.inference_mode():
        expected = F.log_softmax(plain(images), dim=1).exp()  # as the classifier scores
    assert torch.equal(_bits(fast.probabilities(images)), _bits(expected))


def test_gradients_still_flow_through_torchs_pool():
    # A tie: torch's pool sends the whole gradient to one input, torch.maximum would
    # split it; attacks and feature visualisation must see what they saw before.
    pool = with_strided_max_pools(nn.Sequential(nn.MaxPool2d(2)))
    assert isinstance(pool[0], StridedMaxPool2d)
    x = torch.ones(1, 1, 2, 2, requires_grad=True)
    pool(x).sum().backward()
    assert sorted(x.grad.flatten().tolist()) == [0.0, 0.0, 0.0, 1.0]


def test_pools_the_views_cannot_compute_are_left_alone():
    model = with_strided_max_pools(nn.Sequential(
        nn.MaxPool2d(2, ceil_mode=True), nn.MaxPool2d(3, padding=1),
        nn.MaxPool2d(2, dilation=2), nn.MaxPool2d(2, return_indices=True), nn.MaxPool2d(2)))
    assert [type(m) for m in model] == [nn.MaxPool2d] * 4 + [StridedMaxPool2d]


def test_alexnet_scores_as_with_torchs_pools(tmp_path, monkeypatch):
    # AlexNet's three overlapping 3x3 / 2 pools, in the model the paper fooled.
    from fooling_gui.core.models import load_model

    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    classifier = load_model("alexnet", random_init=True)
    assert sum(isinstance(m, StridedMaxPool2d) for m in classifier.module.modules()) == 3
    crops = torch.rand(3, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    scored = classifier.probabilities(crops, cropped=True)
    with torch.no_grad():  # not inference mode: torch's own pools
        expected = classifier.log_probs(crops, cropped=True).exp()
    assert torch.equal(_bits(scored), _bits(expected))
