"""Crafted model files: each would run code inside torch.export.load; none may here.

Every payload only creates a marker file, so a test can see whether it ran. For the
pickle payloads a test first shows that torch itself runs them, so the refusals below
are refusals of something real.
"""

import io
import json
import os
import zipfile

import pytest
import torch
from torch import nn

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models import load_model
from fooling_gui.core.models import export_archive

SIDE = {"class_names": ["ring", "cross", "bar"], "input_size": [8, 8], "channels": 1,
        "mean": [0.5], "std": [0.25], "value_range": [0, 1], "output": "logits"}


class Touch:
    """Unpickling this creates ``path``: a stand-in for ``os.system(...)``."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(144, 3)).eval()
    path = tmp_path_factory.mktemp("clean") / "tiny.pt2"
    torch.export.save(torch.export.export(net, (torch.rand(2, 1, 8, 8),),
                                          dynamic_shapes=({0: torch.export.Dim("batch")},)),
                      str(path))
    return path


def entries(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def write(path, files):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    path.with_suffix(".json").write_text(json.dumps(SIDE))
    return path


def prefix(files):
    return next(iter(files)).split("/", 1)[0] + "/"


def edit_json(files, name, change):
    key = prefix(files) + name
    data = json.loads(files[key])
    change(data)
    files[key] = json.dumps(data).encode()


def pickled(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def hostile_pickled_weight(files, marker):
    def change(cfg):
        first = next(iter(cfg["config"].values()))
        first["use_pickle"] = True
        files[prefix(files) + "data/weights/" + first["path_name"]] = pickled(Touch(marker))
    edit_json(files, "data/weights/model_weights_config.json", change)


def assert_refused(path, marker, match):
    with pytest.raises(FoolingError, match=match) as err:
        load_model(path)
    assert "\n" not in str(err.value)
    assert not os.path.exists(marker), "the payload ran"


def code_in_shape_expression(files, marker):
    """sympy evaluates shape expressions as Python."""
    payload = f"__import__('builtins').open({str(marker)!r}, 'w') and Symbol('s0')"
    program = json.loads(files[prefix(files) + "models/model.json"])

    def poison(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "expr_str":
                    value[k] = payload
                else:
                    poison(v)
        elif isinstance(value, list):
            for v in value:
                poison(v)
    poison(program)
    files[prefix(files) + "models/model.json"] = json.dumps(program).encode()


def example_inputs_needing_full_unpickling(files, marker):
    """torch retries example inputs with weights_only=False when the safe load fails."""
    files[prefix(files) + "data/sample_inputs/model.pt"] = pickled(((Touch(marker),), {}))


THREATS = {
    "pickled weight": (hostile_pickled_weight, "stored as a pickle"),
    "shape expression": (code_in_shape_expression, "shape expression"),
    "example inputs": (example_inputs_needing_full_unpickling, "example inputs"),
}


@pytest.mark.parametrize("threat", THREATS)
def test_torch_itself_runs_the_payload(tmp_path, clean, threat):
    """The threats are real: plain torch.export.load runs each payload."""
    marker = tmp_path / "ran"
    files = entries(clean)
    THREATS[threat][0](files, marker)
    path = write(tmp_path / "trojan.pt2", files)
    try:
        torch.export.load(str(path))
    except Exception:  # noqa: BLE001 - it may fail after the payload ran; that is the point
        pass
    assert marker.exists()


@pytest.mark.parametrize("threat", THREATS)
def test_fooling_gui_refuses_the_payload(tmp_path, clean, threat):
    marker = tmp_path / "ran"
    files = entries(clean)
    mutate, match = THREATS[threat]
    mutate(files, marker)
    assert_refused(write(tmp_path / "trojan.pt2", files), marker, match)


def test_a_pickled_or_opaque_constant_is_refused(tmp_path, clean):
    marker = tmp_path / "ran"
    for kind, match in (("tensor_0", "stored as a pickle"), ("opaque_obj_0", "not a plain tensor")):
        files = entries(clean)

        def change(cfg, kind=kind):
            cfg["config"]["evil"] = {"path_name": kind, "is_param": False, "use_pickle": True,
                                     "tensor_meta": None}
        edit_json(files, "data/constants/model_constants_config.json", change)
        files[prefix(files) + "data/constants/" + kind] = pickled(Touch(marker))
        if kind != "tensor_0":
            cfg = json.loads(files[prefix(files) + "data/constants/model_constants_config.json"])
            cfg["config"]["evil"]["use_pickle"] = False
            files[prefix(files) + "data/constants/model_constants_config.json"] = \
                json.dumps(cfg).encode()
        assert_refused(write(tmp_path / f"{kind}.pt2", files), marker, match)


def test_compiled_native_code_is_refused(tmp_path, clean):
    files = entries(clean)
    files[prefix(files) + "data/aotinductor/model/model.so"] = b"\x7fELF" + b"\0" * 64
    assert_refused(write(tmp_path / "aoti.pt2", files), tmp_path / "none", "compiled native code")


def test_guard_code_is_refused(tmp_path, clean):
    marker = tmp_path / "ran"
    files = entries(clean)
    edit_json(files, "models/model.json",
              lambda p: p.__setitem__("guards_code", [f"open({str(marker)!r}, 'w')"]))
    assert_refused(write(tmp_path / "guards.pt2", files), marker, "guard code")


def test_a_call_outside_the_tensor_operators_is_refused(tmp_path, clean):
    marker = tmp_path / "ran"
    files = entries(clean)

    def change(program):
        node = program["graph_module"]["graph"]["nodes"][0]
        node["target"] = "torch.os.system"
    edit_json(files, "models/model.json", change)
    assert_refused(write(tmp_path / "system.pt2", files), marker, "not a built-in tensor operator")


def test_operators_that_skip_bounds_checks_are_refused(tmp_path, clean):
    files = entries(clean)

    def change(program):
        program["graph_module"]["graph"]["nodes"][0]["target"] = \
            "torch.ops.aten._unsafe_index_put.default"
    edit_json(files, "models/model.json", change)
    assert_refused(write(tmp_path / "oob.pt2", files), tmp_path / "none", "does not allow")


def test_code_in_a_node_name_is_refused(tmp_path, clean):
    """Names are pasted into the Python source torch generates for the module."""
    marker = tmp_path / "ran"
    files = entries(clean)
    evil = f"x=open({str(marker)!r},'w')"
    text = files[prefix(files) + "models/model.json"].decode()
    files[prefix(files) + "models/model.json"] = text.replace('"input"', json.dumps(evil)).encode()
    assert_refused(write(tmp_path / "name.pt2", files), marker, "not an identifier")


def test_the_old_archive_layout_is_refused(tmp_path):
    """torch's fallback for old archives unpickles serialized_*.pt files."""
    marker = tmp_path / "ran"
    path = tmp_path / "old.pt2"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("version", "8.0")
        z.writestr("serialized_exported_program.json", "{}")
        z.writestr("serialized_state_dict.pt", pickled(Touch(marker)))
    path.with_suffix(".json").write_text(json.dumps(SIDE))
    assert_refused(path, marker, "not a torch.export archive|another archive format")


def test_unknown_entries_and_oversized_archives_are_refused(tmp_path, clean, monkeypatch):
    files = entries(clean)
    files[prefix(files) + "data/custom_objects/x"] = b"?"
    assert_refused(write(tmp_path / "extra.pt2", files), tmp_path / "none",
                   r"does not load \(data/custom_objects/x\)")
    monkeypatch.setattr(export_archive, "MAX_ARCHIVE_BYTES", 1000)
    with pytest.raises(FoolingError, match="unpacks to"):
        load_model(write(tmp_path / "big.pt2", entries(clean)))


def test_not_a_zip_at_all(tmp_path):
    path = tmp_path / "junk.pt2"
    path.write_bytes(b"not a zip" * 100)
    path.with_suffix(".json").write_text(json.dumps(SIDE))
    with pytest.raises(FoolingError, match="not a torch.export archive"):
        load_model(path)


def test_a_clean_export_still_loads_and_scores_the_same(tmp_path, clean):
    """The checked copy computes exactly what torch's own loader computes."""
    path = write(tmp_path / "same.pt2", entries(clean))
    ours = load_model(path)
    theirs = torch.export.load(str(clean)).module()
    x = torch.rand(4, 1, 8, 8)
    with torch.no_grad():
        expected = torch.softmax(theirs((x - 0.5) / 0.25), dim=1)
    assert torch.allclose(ours.probabilities(x), expected, atol=1e-6)


def test_evolve_on_a_trojan_model_says_one_sentence_and_runs_nothing(tmp_path, clean, capsys):
    from fooling_gui.cli import main

    marker = tmp_path / "ran"
    files = entries(clean)
    hostile_pickled_weight(files, marker)
    path = write(tmp_path / "trojan.pt2", files)
    code = main(["evolve", "--model", str(path), "--generations", "1", "--quiet",
                 "--out", str(tmp_path / "g")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "pickle" in err
    assert not marker.exists() and not (tmp_path / "g").exists()
