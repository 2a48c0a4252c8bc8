"""torchvision ImageNet models: offline errors, random weights, installing a file, ten crops."""

import pytest
import torch

from fooling_gui.core.downloads import DownloadCancelled, download_file
from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models import (
    download_weights,
    file_sha256,
    install_weights_file,
    load_model,
    ten_crops,
    weights_file,
    weights_present,
)
from fooling_gui.core.models import torchvision_models as tvm


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """An empty torch hub cache in tmp_path."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    folder = tmp_path / "hub" / "checkpoints"
    assert weights_file("alexnet").parent == folder
    return folder


def test_alexnet_offline_names_the_file_to_place(hub):
    with pytest.raises(FoolingError) as err:
        load_model("alexnet")
    msg = str(err.value)
    assert msg.startswith("AlexNet weights are not on this computer and could not be downloaded")
    assert f"place alexnet-owt-7be5be79.pth in {hub}." in msg
    assert "\n" not in msg and msg.count(": ") == 1
    assert not hub.exists() or not any(hub.iterdir())


def test_no_download_when_not_allowed(hub, monkeypatch):
    monkeypatch.delenv("FOOLING_GUI_OFFLINE")
    with pytest.raises(FoolingError, match=r"\(downloads were not allowed\): place resnet18-"):
        load_model("resnet18", allow_download=False)


def test_random_alexnet_has_imagenet_classes_and_is_flagged(hub):
    classifier = load_model("alexnet", random_init=True)
    spec = classifier.spec
    assert spec.n_classes == 1000 and spec.class_names[1] == "goldfish"
    assert spec.random_init and "RANDOM WEIGHTS" in spec.label
    assert spec.input_size == (224, 224) and spec.image_size == (256, 256)
    assert spec.mean == pytest.approx((0.485, 0.456, 0.406))
    again = load_model("alexnet", random_init=True)  # seeded: same weights every time
    assert torch.equal(classifier.module.features[0].weight, again.module.features[0].weight)
    assert not weights_present("alexnet")


def test_ten_crops_are_corners_centre_and_mirrors():
    images = torch.rand(2, 3, 12, 12)
    crops = ten_crops(images, (8, 8))
    assert crops.shape == (20, 3, 8, 8)
    assert torch.equal(crops[1], images[1, :, :8, :8])  # crop 0 (top left) of image 1
    assert torch.equal(crops[2 * 3], images[0, :, 4:, 4:])  # crop 3: bottom right
    assert torch.equal(crops[2 * 4], images[0, :, 2:10, 2:10])  # crop 4: centre
    assert torch.equal(crops[2 * 5 + 1], images[1, :, :8, :8].flip(-1))  # mirror of crop 0


def test_ten_crop_averages_probabilities_over_crops(hub):
    one = load_model("resnet18", random_init=True)
    ten = load_model("resnet18", random_init=True, ten_crop=True)
    assert ten.spec.ten_crop and not one.spec.ten_crop
    images = torch.rand(2, 3, 256, 256)
    with torch.no_grad():
        per_crop = torch.softmax(one.module(ten.network_input(images)), dim=1)
        expected = per_crop.view(10, 2, -1).mean(0)
        assert torch.allclose(ten.log_probs(images).exp(), expected, atol=1e-5)
        assert one.network_input(images).shape == (2, 3, 224, 224)


def test_install_weights_file_checks_then_loads(hub, tmp_path):
    source = tvm.build_architecture("resnet18", seed=7)
    src = tmp_path / "my_resnet.pth"
    torch.save(source.state_dict(), src)
    dest = install_weights_file("resnet18", src)
    assert dest == weights_file("resnet18") and dest.parent == hub
    classifier = load_model("resnet18")
    assert not classifier.spec.random_init
    assert classifier.spec.weights_sha256 == file_sha256(src)
    images = torch.rand(2, 3, 256, 256)
    centre = images[..., 16:240, 16:240]
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    source.eval()
    with torch.no_grad():
        assert torch.allclose(classifier.logits(images), source((centre - mean) / std), atol=1e-4)


def test_install_refuses_weights_of_another_model(hub, tmp_path):
    from fooling_gui.core.models import LeNet

    src = tmp_path / "lenet.pt"
    torch.save(LeNet().state_dict(), src)
    with pytest.raises(FoolingError, match="do not fit the architecture"):
        install_weights_file("resnet18", src)
    assert not weights_present("resnet18")


def test_corrupt_weights_in_the_cache_are_reported(hub):
    hub.mkdir(parents=True)
    (hub / weights_file("resnet18").name).write_bytes(b"PK\x03\x04 truncated download")
    with pytest.raises(FoolingError, match="not a weights file that can be loaded safely"):
        load_model("resnet18")


def test_densenet_legacy_keys_are_renamed():
    fixed = tvm._DENSENET_KEY.sub(r"\1\2", "features.denseblock1.denselayer1.norm.1.weight")
    assert fixed == "features.denseblock1.denselayer1.norm1.weight"


def test_unknown_model_lists_valid_names():
    with pytest.raises(FoolingError, match="Unknown model 'lenet5'.*lenet, efficientnet_lite0, alexnet"):
        load_model("lenet5")


# -- downloads, from a local file:// URL (no network) ---------------------------------

@pytest.fixture
def online(monkeypatch):
    monkeypatch.delenv("FOOLING_GUI_OFFLINE")


def _source(tmp_path) -> tuple[str, bytes]:
    data = bytes(range(256)) * 8192  # 2 MiB: more than one chunk
    path = tmp_path / "remote.bin"
    path.write_bytes(data)
    return path.as_uri(), data


def test_download_reports_progress_and_checks_hash(tmp_path, online):
    import hashlib

    url, data = _source(tmp_path)
    seen = []
    dest = tmp_path / "out" / "w-abc.pth"
    digest = hashlib.sha256(data).hexdigest()
    download_file(url, dest, progress=lambda d, t: seen.append((d, t)), sha256_prefix=digest[:8])
    assert dest.read_bytes() == data
    assert seen[-1] == (len(data), len(data)) and len(seen) == 2
    with pytest.raises(FoolingError, match="corrupt"):
        download_file(url, tmp_path / "out" / "bad.pth", sha256_prefix="00000000")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["w-abc.pth"]


def test_cancelled_download_leaves_no_file(tmp_path, online):
    url, _ = _source(tmp_path)
    with pytest.raises(DownloadCancelled):
        download_file(url, tmp_path / "out" / "w.pth", progress=lambda d, t: False)
    assert list((tmp_path / "out").iterdir()) == []


def test_offline_mode_never_downloads(tmp_path):
    url, _ = _source(tmp_path)
    with pytest.raises(FoolingError, match="switched off"):
        download_file(url, tmp_path / "w.pth")
    with pytest.raises(FoolingError, match="could not be downloaded"):
        download_weights("resnet18")


def test_in_place_normalisation_scores_bit_for_bit_the_same(hub):
    classifier = load_model("alexnet", random_init=True)
    crops = torch.round(torch.rand(3, 3, 224, 224) * 255) / 255
    expected = classifier.probabilities(crops, cropped=True)
    got = classifier.probabilities(classifier.normalise_(crops.clone()), cropped=True,
                                   normalised=True)
    assert torch.equal(got, expected)
    with pytest.raises(ValueError):  # only crops at the network's input size
        classifier.log_probs(torch.rand(1, 3, 256, 256), normalised=True)
