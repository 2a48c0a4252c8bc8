import warnings

import pytest
import torch

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models.classifier import Classifier
from fooling_gui.core.vis.layers import activation_maps, discover_layers, find_layer

from .models import random_alexnet, sharp_lenet


def test_lenet_layers_are_found_in_order_with_kinds_and_channels():
    layers = {l.name: l for l in discover_layers(sharp_lenet())}
    names = list(layers)
    assert names.index("features.0") < names.index("features.2") < names.index("classifier.3")
    conv1 = layers["features.0"]
    assert (conv1.kind, conv1.channels, conv1.spatial, conv1.shape) == ("conv", 20, True, (20, 24, 24))
    assert (layers["features.1"].kind, layers["classifier.1"].kind) == ("pool", "linear")
    assert layers["classifier.2"].kind == "activation"
    assert (layers["classifier.3"].channels, layers["classifier.3"].spatial) == (10, False)
    assert "Conv2d" in conv1.label


def test_at_another_size_only_layers_that_can_run_are_listed():
    names = [l.name for l in discover_layers(sharp_lenet(), size=(40, 40))]
    assert "features.2" in names and "classifier.1" not in names


def test_any_torchvision_model():
    names = {l.name: l.kind for l in discover_layers(random_alexnet())}
    assert names["features.0"] == "conv" and names["classifier.6"] == "linear"


def test_unknown_layer_names_some_real_ones():
    with pytest.raises(FoolingError, match=r"no layer named 'conv9'.*features\.0"):
        find_layer(sharp_lenet(), "conv9")


def test_torchscript_models_say_their_layers_are_hidden():
    lenet = sharp_lenet()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scripted = torch.jit.script(lenet.module)
    clf = Classifier(scripted, lenet.spec)
    assert discover_layers(clf) == []
    with pytest.raises(FoolingError, match="flat graph"):
        find_layer(clf, "features.0")


def test_activation_maps_layer_by_layer():
    clf = sharp_lenet()
    maps = activation_maps(clf, torch.rand(1, 28, 28, generator=torch.Generator().manual_seed(0)))
    assert maps["features.0"].shape == (1, 20, 24, 24)
    assert maps["features.2"].shape == (1, 50, 8, 8)
    assert maps["classifier.3"].shape == (1, 10)
    some = activation_maps(clf, torch.rand(2, 1, 28, 28), layers=["features.2"])
    assert list(some) == ["features.2"] and some["features.2"].shape[0] == 2
