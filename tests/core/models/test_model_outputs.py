"""A model's outputs, sizes and files are checked, not trusted: one sentence, never a crash.

Exported programs here compute simple things (a mean, a constant) so that each test
controls exactly what the network returns.
"""

from __future__ import annotations

import json
import pickle

import pytest
import torch
from torch import nn

from fooling_gui.cli import main
from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models import load_model
from fooling_gui.core.models.lenet import seeded_lenet

pytestmark = pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")

CLASSES = ["a", "b", "c"]


class Scores(nn.Module):
    """Three scores from an image: its brightness, made NaN or out of range on request."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def forward(self, x):
        m = x.flatten(1).mean(1, keepdim=True)
        three = torch.cat([m, 1 - m, m * 0 + 0.5], dim=1)
        if self.kind == "nan_when_bright":  # NaN only for some images: mid-run
            return torch.where(m > 0.3, three * float("nan"), three)
        if self.kind == "probs_above_one":
            return three * 3.0
        if self.kind == "negative_probs":
            return three - 2.0
        return three  # plain logits


def export(tmp_path, kind: str, batch: int | None = None, output="logits", **side) -> str:
    path = tmp_path / f"{kind}-{batch}.pt2"
    example = torch.rand(batch or 2, 1, 8, 8)
    dynamic = None if batch else ({0: torch.export.Dim("batch")},)
    program = torch.export.export(Scores(kind), (example,), dynamic_shapes=dynamic)
    torch.export.save(program, str(path))
    sidecar = {"class_names": CLASSES, "input_size": [8, 8], "channels": 1,
               "output": output, **side}
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    return str(path)


def test_a_model_returning_nan_mid_run_stops_with_one_sentence(tmp_path, capsys):
    model = export(tmp_path, "nan_when_bright")
    load_model(model)  # blank images score fine: the load check passes
    code = main(["evolve", "--model", model, "--generations", "3", "--batch", "16",
                 "--quiet", "--out", str(tmp_path / "g")])
    err = capsys.readouterr().err
    assert code == 2 and "returned NaN or infinite scores" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "g").exists()


@pytest.mark.parametrize("kind, fragment", [("probs_above_one", "probabilities above 1"),
                                            ("negative_probs", "negative probabilities")])
def test_probabilities_outside_0_1_are_refused_at_load(tmp_path, kind, fragment):
    model = export(tmp_path, kind, output="probs")
    with pytest.raises(FoolingError, match=fragment) as err:
        load_model(model)
    assert '"logits"' in str(err.value)


@pytest.mark.parametrize("batch", [1, 2, 4])
def test_a_program_exported_for_a_fixed_batch_scores_any_number_of_images(tmp_path, batch):
    fixed = load_model(export(tmp_path, "logits", batch=batch))
    dynamic = load_model(export(tmp_path, "logits"))
    images = torch.rand(7, 1, 8, 8)
    assert torch.allclose(fixed.probabilities(images), dynamic.probabilities(images))


def test_evolution_runs_on_a_fixed_batch_of_two(tmp_path, capsys):
    model = export(tmp_path, "logits", batch=2)
    assert main(["evolve", "--model", model, "--generations", "2", "--batch", "9", "--quiet",
                 "--out", str(tmp_path / "g")]) == 0


@pytest.mark.parametrize("value", [1e30, 10**30, -5, 0, 3.5, [8], "8x8", 4097])
def test_absurd_sidecar_sizes_are_one_sentence(tmp_path, value):
    path = tmp_path / "lenet.pt"
    torch.save(seeded_lenet(0).state_dict(), path)
    path.with_suffix(".json").write_text(json.dumps(
        {"architecture": "lenet", "input_size": value if isinstance(value, list) else
         [value, value]}))
    with pytest.raises(FoolingError) as err:
        load_model(path)
    assert "input_size" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("text", ["[" * 100_000, '{"input_size": [1' + "0" * 5000 + ", 1]}"])
def test_deeply_nested_or_enormous_numbers_in_a_sidecar_are_one_sentence(tmp_path, text):
    path = tmp_path / "lenet.pt"
    torch.save(seeded_lenet(0).state_dict(), path)
    path.with_suffix(".json").write_text(text)
    with pytest.raises(FoolingError, match="not a sidecar fooling-gui can read"):
        load_model(path)


def test_pickled_weights_are_refused_without_torchs_unsafe_advice(tmp_path):
    path = tmp_path / "evil.pt"
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    with open(path, "wb") as fh:
        pickle.dump({"features.0.weight": Payload()}, fh)
    path.with_suffix(".json").write_text('{"architecture": "lenet"}')
    with pytest.raises(FoolingError) as err:
        load_model(path)
    message = str(err.value)
    assert "weights_only" not in message and "trust" not in message
    assert "Python objects besides tensors" in message and "could run code" in message
    assert not marker.exists()


def test_a_model_with_100000_classes_is_refused_by_the_memory_guard(tmp_path, capsys,
                                                                    monkeypatch):
    class Many(nn.Module):
        def forward(self, x):
            return x.flatten(1)[:, :1].expand(-1, 100_000) * 1.0

    path = tmp_path / "many.pt2"
    program = torch.export.export(Many(), (torch.rand(2, 1, 8, 8),),
                                  dynamic_shapes=({0: torch.export.Dim("batch")},))
    torch.export.save(program, str(path))
    path.with_suffix(".json").write_text(json.dumps(
        {"class_names": [f"c{i}" for i in range(100_000)], "input_size": [8, 8],
         "channels": 1, "output": "logits"}))
    monkeypatch.setenv("FOOLING_GUI_MEMORY_LIMIT", "4G")
    code = main(["evolve", "--model", str(path), "--generations", "1", "--quiet",
                 "--out", str(tmp_path / "g")])
    err = capsys.readouterr().err
    assert code == 2 and "100,000 classes" in err and "fewer classes (--classes)" in err
    assert main(["evolve", "--model", str(path), "--generations", "1", "--quiet",
                 "--classes", "0,99999", "--out", str(tmp_path / "g")]) == 0
