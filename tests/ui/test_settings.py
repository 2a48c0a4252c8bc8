"""Settings: one defaults table, typed values, stored where the caller says."""

from __future__ import annotations

import pytest

from fooling_gui.ui.settings import DEFAULTS, Settings


def test_defaults_then_values_survive_a_new_instance(settings_path):
    s = Settings(settings_path)
    assert s.get("run/model") == DEFAULTS["run/model"]
    assert s.get("run/seed") == DEFAULTS["run/seed"]
    s.set("run/model", "alexnet")
    s.set("run/seed", 42)
    s.set("export/last_folder", "/tmp/galleries")
    s.sync()
    assert settings_path.is_file()

    again = Settings(settings_path)
    assert again.get("run/model") == "alexnet"
    assert again.get("run/seed") == 42  # an int again, not the INI file's string
    assert again.get("export/last_folder") == "/tmp/galleries"


def test_unknown_keys_are_refused_and_bad_values_fall_back(settings_path):
    s = Settings(settings_path)
    with pytest.raises(KeyError):
        s.set("run/modle", "typo")
    s._qs.setValue("run/batch", "not a number")
    assert s.get("run/batch") == DEFAULTS["run/batch"]


def window_args(*argv: str):
    from fooling_gui.cli import build_parser

    return build_parser().parse_args(list(argv))


def test_settings_file_option_keeps_a_separate_profile(tmp_path, monkeypatch):
    from fooling_gui.ui.app import open_settings

    monkeypatch.delenv("FOOLING_GUI_SETTINGS", raising=False)
    profile = tmp_path / "lab.ini"
    s = open_settings(window_args("--settings", str(profile)))
    s.set("run/seed", 11)
    s.sync()
    assert profile.is_file()
    assert open_settings(window_args("--settings", str(profile))).get("run/seed") == 11
    # The user's own settings (under XDG_CONFIG_HOME, a scratch folder in tests) are untouched.
    assert open_settings(window_args()).get("run/seed") == DEFAULTS["run/seed"]


def test_reset_settings_forgets_everything(tmp_path, capsys):
    from fooling_gui.ui.app import open_settings

    profile = tmp_path / "lab.ini"
    s = Settings(profile)
    s.set("run/model", "alexnet")
    s.set("run/seed", 9)
    s.sync()
    again = open_settings(window_args("--settings", str(profile), "--reset-settings"))
    assert again.get("run/model") == "lenet" and again.get("run/seed") == 0
    assert Settings(profile).get("run/seed") == 0  # gone from the file too
    assert "reset" in capsys.readouterr().err


def test_timed_runs_neither_read_nor_write_the_users_settings(tmp_path, monkeypatch):
    from fooling_gui.ui.app import open_settings

    monkeypatch.delenv("FOOLING_GUI_SETTINGS", raising=False)
    mine = open_settings(window_args())
    assert "fooling-gui-tests-" in mine.path  # conftest's scratch, never the real ~/.config
    mine.set("run/seed", 5)
    mine.sync()
    timed = open_settings(window_args("--screenshot", "s.png", "--run-for", "1"))
    assert timed.get("run/seed") == 0
    timed.set("run/seed", 77)
    timed.sync()
    assert timed.path != mine.path
    assert open_settings(window_args()).get("run/seed") == 5


def test_a_settings_file_in_a_missing_folder_is_one_sentence(tmp_path):
    from fooling_gui.core.errors import FoolingError

    with pytest.raises(FoolingError, match="does not exist"):
        Settings(tmp_path / "no" / "such" / "settings.ini")
    with pytest.raises(FoolingError, match="is a folder"):
        Settings(tmp_path)


def test_kiosk_refuses_window_settings_options():
    from fooling_gui.cli import main

    assert main(["--kiosk", "--reset-settings"]) == 2
