"""The model registry: names, files and what `available_models` offers."""

import pytest

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models import available_models, load_model
from fooling_gui.core.resources import resource_path


def test_available_models_lists_lenet_and_lite0_as_present_and_alexnet(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    infos = {i.name: i for i in available_models()}
    lenet = infos["lenet"]
    assert lenet.kind == "mnist" and lenet.weights_present
    assert lenet.weights_path == resource_path("weights", "lenet_mnist.pt")
    assert "held-out" in lenet.description
    alexnet = infos["alexnet"]
    assert alexnet.kind == "imagenet" and not alexnet.weights_present
    assert alexnet.weights_path.parent == tmp_path / "hub" / "checkpoints"
    lite0 = infos["efficientnet_lite0"]  # shipped as a dependency: never in the hub cache
    assert lite0.kind == "imagenet" and lite0.weights_present
    assert lite0.weights_path.name == "efficientnet-lite0-57934424.pth"
    assert list(infos)[:3] == ["lenet", "efficientnet_lite0", "alexnet"]
    assert len(available_models(all_imagenet=True)) > len(infos) > 5


def test_downloaded_weights_make_a_model_appear(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert "squeezenet1_1" not in {i.name for i in available_models()}
    folder = tmp_path / "hub" / "checkpoints"
    folder.mkdir(parents=True)
    (folder / "squeezenet1_1-b8a52dc0.pth").write_bytes(b"x")
    info = {i.name: i for i in available_models()}["squeezenet1_1"]
    assert info.weights_present


def test_custom_models_in_a_folder_are_listed(tmp_path):
    (tmp_path / "a.pt2").write_bytes(b"x")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "no_sidecar.pt").write_bytes(b"x")
    custom = [i for i in available_models(custom_dirs=[tmp_path]) if i.kind == "custom"]
    assert [i.name for i in custom] == [str(tmp_path / "a.pt2")]


def test_names_are_case_insensitive():
    assert load_model("LeNet", random_init=True).spec.name == "lenet"


@pytest.mark.parametrize("name, message", [
    ("googlenett", "Unknown model 'googlenett': use lenet, efficientnet_lite0, alexnet"),
    ("missing/model.pt2", "No model file at missing/model.pt2"),
])
def test_bad_names_are_one_sentence(name, message):
    with pytest.raises(FoolingError, match=message) as err:
        load_model(name)
    assert "\n" not in str(err.value)


def test_random_weights_are_only_for_built_in_models(tmp_path):
    with pytest.raises(FoolingError, match="built-in"):
        load_model(tmp_path / "m.pt", random_init=True)
