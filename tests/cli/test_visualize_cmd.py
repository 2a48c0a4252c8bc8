import dataclasses
import json

import pytest

from fooling_gui.cli import main, visualize_cmd
from fooling_gui.core.gallery.png_meta import read_png_text
from fooling_gui.core.images import from_uint8, load_image
from fooling_gui.sessions import ModelCache

from ..core.vis.models import sharp_lenet

DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@pytest.fixture
def lenet(monkeypatch):
    """The command's model, without depending on shipped weights (in the session
    layer's model cache, where the command takes its model from)."""
    clf = sharp_lenet()
    clf.spec = dataclasses.replace(clf.spec, class_names=DIGIT_NAMES)
    monkeypatch.setattr(visualize_cmd, "command_models",
                        lambda args: ModelCache(lambda name, random_init: clf))
    return clf


def run_json(capsys, *argv):
    code = main(["visualize", *argv, "--json", "--quiet"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_class_mode_writes_a_png_that_keeps_its_confidence(lenet, tmp_path, capsys):
    out = tmp_path / "seven.png"
    code, data, _ = run_json(capsys, "--class", "seven", "--steps", "30", "--seed", "2",
                             "--out", str(out))
    assert code == 0
    assert data["class"] == 7 and data["steps"] == 30 and data["seed"] == 2
    assert data["confidence"] >= 0.9999 and data["out"] == str(out)
    p = float(lenet.probabilities(from_uint8(load_image(out, 1)))[0, 7])
    assert p == pytest.approx(data["confidence"], abs=1e-6)
    text = read_png_text(out)
    assert text["class_name"] == "seven" and text["steps"] == "30" and text["seed"] == "2"
    assert "plain preset" in text["method"] and "RANDOM WEIGHTS" in text["model"]
    assert not [p for p in tmp_path.iterdir() if p.name != "seven.png"]  # no temp files left


def test_class_by_index_and_options_override_the_preset(lenet, tmp_path, capsys):
    code, data, _ = run_json(capsys, "--class", "3", "--steps", "5", "--preset", "readable",
                             "--no-fourier", "--jitter", "0", "--scale", "none",
                             "--out", str(tmp_path / "a.png"))
    assert code == 0 and data["class"] == 3 and data["preset"] == "readable"
    assert "readable preset, modified (pixels/clamp, logit)" in read_png_text(tmp_path / "a.png")["method"]


def test_unit_mode_reports_activation_before_and_after(lenet, tmp_path, capsys):
    code, data, _ = run_json(capsys, "--layer", "features.2", "--channel", "4", "--steps", "20",
                             "--out", str(tmp_path / "u.png"))
    assert code == 0
    assert data["layer"] == "features.2" and data["channel"] == 4
    assert data["activation_end"] > data["activation_start"]
    assert read_png_text(tmp_path / "u.png")["layer"] == "features.2"


@pytest.mark.parametrize("argv, message", [
    (["--class", "eleven"], "no class named 'eleven'"),
    (["--class", "12"], "Class 12 does not exist"),
    (["--layer", "conv7", "--channel", "0"], "features.0"),
    (["--layer", "features.0", "--channel", "99"], "channels 0 to 19"),
    (["--layer", "features.0"], "--layer needs --channel"),
])
def test_user_errors_exit_2_with_one_sentence_and_no_file(lenet, tmp_path, capsys, argv, message):
    out = tmp_path / "x.png"
    code, _, err = run_json(capsys, *argv, "--steps", "2", "--out", str(out))
    assert code == 2
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert not out.exists()


def test_with_the_model_registry(tmp_path, capsys):
    code, data, _ = run_json(capsys, "--model", "lenet", "--random-init", "--layer", "features.0",
                             "--channel", "1", "--steps", "8", "--out", str(tmp_path / "r.png"))
    assert code == 0 and "RANDOM WEIGHTS" in data["model"]
    assert data["activation_end"] > data["activation_start"]
