"""Custom models: torch.export programs and state_dicts with a JSON sidecar; TorchScript refused."""

import json
import pickle

import pytest
import torch
from torch import nn

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models import LeNet, file_sha256, load_model
from fooling_gui.core.models.lenet import seeded_lenet

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning",
                                        "ignore:Detected pickle protocol:UserWarning")

SIDE = {"class_names": ["ring", "cross", "bar"], "input_size": [8, 8], "channels": 1,
        "mean": [0.5], "std": [0.25], "value_range": [0, 1], "output": "logits"}


def tiny_net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(),
                         nn.Linear(4 * 6 * 6, 3)).eval()


def write_sidecar(path, data):
    path.with_suffix(".json").write_text(json.dumps(data))


def expected_probs(net, images):
    with torch.no_grad():
        return torch.softmax(net((images - 0.5) / 0.25), dim=1)


def export_tiny(path):
    net = tiny_net()
    torch.export.save(torch.export.export(net, (torch.rand(2, 1, 8, 8),),
                                          dynamic_shapes=({0: torch.export.Dim("batch")},)),
                      str(path))
    return net


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """One exported tiny net; tests copy it (exporting takes about a second)."""
    path = tmp_path_factory.mktemp("exported") / "tiny.pt2"
    export_tiny(path)
    return path


def copy_of(exported, path):
    path.write_bytes(exported.read_bytes())
    return path


def test_exported_program_round_trip(tmp_path, exported):
    net = tiny_net()
    path = copy_of(exported, tmp_path / "shapes.pt2")
    write_sidecar(path, {**SIDE, "name": "shapes"})
    classifier = load_model(path)
    spec = classifier.spec
    assert spec.name == "shapes" and spec.class_names == ("ring", "cross", "bar")
    assert spec.input_size == spec.image_size == (8, 8) and spec.channels == 1
    assert spec.weights_sha256 == file_sha256(path)
    images = torch.rand(5, 1, 8, 8)
    assert torch.allclose(classifier.probabilities(images), expected_probs(net, images), atol=1e-5)
    # any input size is resized to the model's image size
    assert classifier.probabilities(torch.rand(2, 1, 16, 16)).shape == (2, 3)


@pytest.mark.parametrize("batch", ["dynamic", "fixed"])
def test_torch_export_round_trip(tmp_path, batch):
    net = tiny_net()
    example = (torch.rand(1 if batch == "fixed" else 2, 1, 8, 8),)
    dims = ({0: torch.export.Dim("batch")},) if batch == "dynamic" else None
    path = tmp_path / "shapes.pt2"
    torch.export.save(torch.export.export(net, example, dynamic_shapes=dims), str(path))
    write_sidecar(path, SIDE)
    classifier = load_model(str(path))
    assert classifier.spec.name == "custom:shapes"
    images = torch.rand(3, 1, 8, 8)  # three at once, even from a batch-of-one export
    assert torch.allclose(classifier.probabilities(images), expected_probs(net, images), atol=1e-5)


def test_state_dict_with_architecture_loads_on_cpu(tmp_path):
    net = seeded_lenet(3)
    path = tmp_path / "digits.pt"
    torch.save({k: v for k, v in net.state_dict().items()}, path)
    write_sidecar(path, {"architecture": "lenet", "test_accuracy": 0.5})
    classifier = load_model(path)
    assert classifier.device.type == "cpu"
    assert classifier.spec.class_names == tuple("0123456789")
    assert "50.00 %" in classifier.spec.description
    images = torch.rand(4, 1, 28, 28)
    with torch.no_grad():
        assert torch.allclose(classifier.logits(images), net(images), atol=1e-5)


def test_state_dict_with_own_class_names_reshapes_the_head(tmp_path):
    net = LeNet(n_classes=2)
    path = tmp_path / "two.pt"
    torch.save({"state_dict": net.state_dict()}, path)  # a wrapped checkpoint
    write_sidecar(path, {"architecture": "lenet", "class_names": ["odd", "even"]})
    assert load_model(path).spec.class_names == ("odd", "even")


class Payload:
    """Something a malicious pickle could construct; weights_only must refuse it."""

    def __reduce__(self):
        return (print, ("unpickled!",))


def test_arbitrary_pickles_are_refused(tmp_path):
    path = tmp_path / "evil.pt"
    with open(path, "wb") as fh:
        pickle.dump({"features.0.weight": Payload()}, fh)
    write_sidecar(path, {"architecture": "lenet"})
    with pytest.raises(FoolingError, match="cannot be loaded safely|not a weights file"):
        load_model(path)


def test_corrupt_weights_file_is_one_sentence(tmp_path):
    path = tmp_path / "broken.pt"
    path.write_bytes(b"\x00not really weights" * 50)
    write_sidecar(path, {"architecture": "lenet"})
    with pytest.raises(FoolingError) as err:
        load_model(path)
    assert "\n" not in str(err.value) and str(err.value).endswith(".")


@pytest.mark.parametrize("change, message", [
    ({"class_names": None}, 'lacks "class_names"'),
    ({"channels": 2}, '"channels" .* must be 1 \\(grey\\) or 3'),
    ({"input_size": "8x8"}, '"input_size" .* \\[height, width\\]'),
    ({"output": "softmax"}, '"output" .* logits, log_probs, probs'),
    ({"std": [0]}, '"std" .* positive'),
    ({"mean": [0.1, 0.2]}, '"mean" .* 1 numbers'),
    ({"value_range": [1, 0]}, "low < high"),
    ({"class_names": ["a", "b"]}, "names 2 classes but the model gives 3 outputs"),
    ({"input_size": [4, 4]}, "fails on a 1×4×4 input"),
])
def test_bad_sidecars_are_explained(tmp_path, exported, change, message):
    path = copy_of(exported, tmp_path / "m.pt2")
    data = {**SIDE, **change}
    data = {k: v for k, v in data.items() if v is not None}
    write_sidecar(path, data)
    with pytest.raises(FoolingError, match=message) as err:
        load_model(path)
    assert "\n" not in str(err.value)


def test_missing_or_broken_sidecar(tmp_path, exported):
    path = copy_of(exported, tmp_path / "m.pt2")
    with pytest.raises(FoolingError, match="No sidecar .*m.json"):
        load_model(path)
    path.with_suffix(".json").write_text("{not json")
    with pytest.raises(FoolingError, match="not valid JSON"):
        load_model(path)
    other = tmp_path / "elsewhere.json"
    other.write_text(json.dumps(SIDE))
    assert load_model(path, sidecar=other).spec.n_classes == 3


def test_torchscript_is_refused_without_loading_it(tmp_path):
    path = tmp_path / "shapes.pt"
    torch.jit.script(tiny_net()).save(str(path))
    write_sidecar(path, SIDE)
    with pytest.raises(FoolingError, match="TorchScript file, which can run code") as err:
        load_model(path)
    assert "torch.export.save" in str(err.value) and "\n" not in str(err.value)


def test_state_dict_without_architecture_says_what_to_add(tmp_path):
    path = tmp_path / "digits.pt"
    torch.save(LeNet().state_dict(), path)
    write_sidecar(path, SIDE)
    with pytest.raises(FoolingError, match='"architecture"'):
        load_model(path)


def test_unknown_architecture(tmp_path):
    path = tmp_path / "x.pt"
    torch.save(LeNet().state_dict(), path)
    write_sidecar(path, {"architecture": "lenet9"})
    with pytest.raises(FoolingError, match='Unknown "architecture"'):
        load_model(path)


def test_weights_of_another_architecture_do_not_fit(tmp_path):
    path = tmp_path / "x.pt"
    torch.save(tiny_net().state_dict(), path)
    write_sidecar(path, {"architecture": "lenet"})
    with pytest.raises(FoolingError, match="do not fit the architecture"):
        load_model(path)
