"""Kiosk configuration files: every mistake is one sentence, and the kiosk still starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from fooling_gui.ui.kiosk.config import KioskConfig, describe, load_config, main

SHIPPED = Path(__file__).resolve().parents[3] / "packaging" / "kiosk.toml"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_defaults_without_complaint():
    config, problems = load_config(None)
    assert config == KioskConfig()
    assert problems == []
    assert config.models == ("lenet",)


def test_the_shipped_example_is_clean_and_equals_the_defaults():
    config, problems = load_config(SHIPPED)
    assert problems == []
    assert describe(config) == describe(KioskConfig())


def test_a_good_file_is_read(tmp_path):
    config, problems = load_config(write(tmp_path, """
language = "de"
models = ["lenet", "alexnet"]
classes = { lenet = [3, 7], alexnet = [779] }
encoding = "cppn"
[pacing]
generations_per_second = 2.5
hold_seconds = 12
time_scale = 10
[timeouts]
idle_seconds = 30
[exit]
chord = "Ctrl+Alt+K"
pin = "0815"
[gallery]
folder = "~/visitors"
[captions]
attract_title = "Täusch den Computer!"
[[cards]]
title = "Kurz"
text = "Ein kurzer Text über {label}."
"""))
    assert problems == []
    assert config.language == "de" and config.models == ("lenet", "alexnet")
    assert config.classes_for("lenet", 10) == (3, 7)
    assert config.classes_for("alexnet", 1000) == (779,)
    assert config.exit_chord == "Ctrl+Alt+K" and config.exit_pin == "0815"
    assert config.gallery_folder == Path("~/visitors").expanduser()
    assert config.captions == {"attract_title": "Täusch den Computer!"}
    assert config.cards == (("Kurz", "Ein kurzer Text über {label}."),)
    # time_scale speeds every kiosk timer up and the pace with it.
    assert config.scaled(30) == pytest.approx(3.0)
    assert config.pace == pytest.approx(25.0)


@pytest.mark.parametrize("text, fragment", [
    ("batch = 0", "batch must be between 1 and 5000"),
    ("language = \"fr\"", "language must be one of \"en\", \"de\""),
    ("models = []", "models must be a list of model names"),
    ("classes = [1, 1]", "classes must not name a class twice"),
    ("[pacing]\ngeneration_per_second = 3", "'pacing.generation_per_second' is unknown"),
    ("[pacing]\ngenerations_per_second = \"fast\"", "generations_per_second must be a number"),
    ("[timeouts]\nidle_seconds = 1", "idle_seconds must be between 5 and 3600"),
    ("[exit]\nchord = \"Q\"", "chord must be modifiers and one key"),
    ("[exit]\nchord = \"Shift+Q\"", "including Ctrl, Alt or Meta"),
    ("[exit]\npin = 4711", "must be digits in quotes"),
    ("[captions]\nattract_title = \"Hello {name}\"", "uses {name}, which the kiosk cannot"),
    ("[captions]\nno_such_caption = \"x\"", "is not a caption the kiosk shows"),
    ("[[cards]]\ntitle = \"Long\"\ntext = \"" + "word " * 61 + "\"", "card 1 has 61 words"),
    ("pacing = 3", "[pacing] must be a table"),
])
def test_each_bad_setting_is_one_sentence_and_keeps_its_default(tmp_path, text, fragment):
    config, problems = load_config(write(tmp_path, "seed = 5\n" + text))
    assert len(problems) == 1
    assert fragment in problems[0]
    assert problems[0].endswith(".") and "\n" not in problems[0]
    assert config.seed == 5  # the good settings are kept
    defaults = describe(KioskConfig())
    changed = {k for k, v in describe(config).items() if v != defaults[k]}
    assert changed == {"seed"}


def test_a_file_that_is_not_toml_gives_defaults_and_one_sentence(tmp_path):
    config, problems = load_config(write(tmp_path, "models = [lenet\n"))
    assert config == KioskConfig()
    assert len(problems) == 1 and "is not valid TOML" in problems[0]


def test_a_missing_file_gives_defaults_and_one_sentence(tmp_path):
    config, problems = load_config(tmp_path / "nope.toml")
    assert config == KioskConfig()
    expected = (f"The kiosk configuration {tmp_path / 'nope.toml'} does not exist; "
                "the default settings are used.")
    assert problems == [expected]


def test_classes_default_to_all_small_models_and_ten_of_a_large_one():
    config = KioskConfig()
    assert config.classes_for("lenet", 10) == tuple(range(10))
    big = config.classes_for("alexnet", 1000)
    assert len(big) == 10 and len(set(big)) == 10 and all(0 <= c < 1000 for c in big)
    # Classes the model does not have are skipped.
    assert KioskConfig(classes=(3, 42)).classes_for("lenet", 10) == (3,)


def test_the_pin_never_appears_in_reports():
    assert "exit_pin" not in describe(KioskConfig(exit_pin="1234"))


def test_checking_a_file_from_the_command_line(tmp_path, capsys):
    assert main([str(SHIPPED)]) == 0
    assert main([str(write(tmp_path, "batch = -1"))]) == 1
    assert "batch must be between" in capsys.readouterr().out


def test_the_kiosk_finds_its_settings_without_a_flag_and_the_command_line_wins(
        tmp_path, monkeypatch):
    import argparse

    from fooling_gui.ui.kiosk.app import settings_from_args

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "fooling-gui").mkdir()
    (tmp_path / "fooling-gui" / "kiosk.toml").write_text('language = "de"\nseed = 4\n')
    args = argparse.Namespace(config=None, window_model=None, window_encoding=None,
                              window_seed=None)
    config, problems = settings_from_args(args)
    assert (config.language, config.seed, problems) == ("de", 4, [])
    args.config = write(tmp_path, "batch = 77")
    args.window_model, args.window_seed = "resnet18", 9
    config, _ = settings_from_args(args)
    assert (config.language, config.batch, config.models, config.seed) == \
        ("en", 77, ("resnet18",), 9)
