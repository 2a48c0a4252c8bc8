"""Every evolution setting from the command line: --preset and --set NAME=VALUE."""

import json

import pytest
from PIL import Image

from fooling_gui.cli import main
from fooling_gui.core.evolution.settings import SETTINGS


def test_help_lists_every_setting_with_its_paper_value(capsys):
    with pytest.raises(SystemExit):
        main(["evolve", "--help"])
    text = capsys.readouterr().out
    for setting in SETTINGS:
        assert f"\n  {setting.name}" in text
    assert "coordinates [cppn] = pixel (pixel|smooth)" in text


def test_changed_settings_are_used_and_recorded_in_every_png(tmp_path):
    out = tmp_path / "g"
    assert main(["evolve", "--encoding", "cppn", "--generations", "2", "--batch", "16",
                 "--quiet", "--out", str(out), "--set", "coordinates=smooth",
                 "--set", "add_node=0.25", "--set", "crops=centre"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["preset"] == "paper"
    assert manifest["config"]["encoding_params"] == {"coordinates": "smooth", "add_node": 0.25}
    png = Image.open(out / manifest["elites"][0]["file"])
    settings = json.loads(png.text["settings"])
    assert settings == manifest["settings"]
    assert settings["coordinates"] == "smooth" and settings["add_node"] == 0.25
    assert settings["add_node_weights"] == "copy" and settings["crops"] == "whole"


def test_the_legacy_preset_gives_the_earlier_operators(tmp_path):
    out = tmp_path / "g"
    assert main(["evolve", "--generations", "1", "--batch", "8", "--quiet", "--out", str(out),
                 "--preset", "legacy"]) == 0
    settings = json.loads((out / "manifest.json").read_text())["settings"]
    assert (settings["preset"], settings["colour_space"], settings["mutation_form"],
            settings["crossover_rate"]) == ("legacy", "rgb", "deb", 0.0)


@pytest.mark.parametrize("assignment, words", [
    ("coordinates=smooth", "only to the cppn encoding"),
    ("eta=fast", "takes a float"),
    ("colour_space=cmyk", "must be one of"),
    ("nonsense=1", "no setting"),
    ("eta", "NAME=VALUE"),
])
def test_a_bad_setting_is_one_sentence_and_exit_code_2(tmp_path, capsys, assignment, words):
    code = main(["evolve", "--generations", "1", "--quiet", "--out", str(tmp_path / "g"),
                 "--set", assignment])
    err = capsys.readouterr().err
    assert code == 2 and words in err and "Traceback" not in err
    assert not (tmp_path / "g").exists()
