import numpy as np
import pytest
import torch

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.vis.saliency import saliency

from .models import left_half_linear, sharp_lenet


def test_saliency_is_an_image_sized_map_normalised_to_one():
    clf = sharp_lenet()
    image = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    for samples in (0, 8):
        s = saliency(clf, image, samples=samples)
        assert s.shape == (28, 28) and s.dtype == np.float32
        assert s.min() >= 0 and s.max() == pytest.approx(1.0)


def test_saliency_is_zero_where_the_model_does_not_look():
    clf = left_half_linear()
    s = saliency(clf, torch.rand(1, 8, 8), class_index=1)
    assert s[:, 4:].max() == 0 and s[:, :4].max() == 1
    smooth = saliency(clf, torch.rand(1, 8, 8), samples=4, seed=1)
    assert smooth[:, 4:].max() == 0


def test_saliency_smoothgrad_is_repeatable_and_unknown_class_is_an_error():
    clf = sharp_lenet()
    image = torch.rand(1, 1, 28, 28)
    assert np.array_equal(saliency(clf, image, samples=3, seed=2), saliency(clf, image, samples=3, seed=2))
    with pytest.raises(FoolingError):
        saliency(clf, image, class_index=10)
