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
    s.release()
    again = open_settings(window_args("--settings", str(profile)))
    assert again.get("run/seed") == 11 and not again.read_only
    again.release()
    # The user's own settings (under XDG_CONFIG_HOME, a scratch folder in tests) are untouched.
    assert Settings().get("run/seed") == DEFAULTS["run/seed"]


def test_reset_settings_forgets_everything(tmp_path, capsys):
    from fooling_gui.ui.app import open_settings

    profile = tmp_path / "lab.ini"
    s = Settings(profile)
    s.set("run/model", "alexnet")
    s.set("run/seed", 9)
    s.sync()
    again = open_settings(window_args("--settings", str(profile), "--reset-settings"))
    assert again.get("run/model") == "lenet" and again.get("run/seed") == 0
    again.release()
    assert Settings(profile).get("run/seed") == 0  # gone from the file too
    assert "reset" in capsys.readouterr().err


def test_timed_runs_neither_read_nor_write_the_users_settings(tmp_path, monkeypatch):
    from fooling_gui.ui.app import open_settings

    monkeypatch.delenv("FOOLING_GUI_SETTINGS", raising=False)
    mine = open_settings(window_args())
    assert "fooling-gui-tests-" in mine.path  # conftest's scratch, never the real ~/.config
    mine.set("run/seed", 5)
    mine.sync()
    mine.release()
    timed = open_settings(window_args("--screenshot", "s.png", "--run-for", "1"))
    assert timed.get("run/seed") == 0
    timed.set("run/seed", 77)
    timed.sync()
    assert timed.path != mine.path and not timed.read_only
    assert Settings().get("run/seed") == 5


def test_a_settings_file_in_a_missing_folder_is_one_sentence(tmp_path):
    from fooling_gui.core.errors import FoolingError

    with pytest.raises(FoolingError, match="does not exist"):
        Settings(tmp_path / "no" / "such" / "settings.ini")
    with pytest.raises(FoolingError, match="is a folder"):
        Settings(tmp_path)


def test_kiosk_refuses_window_settings_options():
    from fooling_gui.cli import main

    assert main(["--kiosk", "--reset-settings"]) == 2


def test_a_second_window_on_the_same_settings_does_not_overwrite_them(tmp_path, capsys):
    from fooling_gui.ui.app import open_settings

    path = tmp_path / "shared.ini"
    first = open_settings(window_args("--settings", str(path)))
    assert not first.read_only
    second = open_settings(window_args("--settings", str(path)))
    assert second.read_only and "--settings FILE" in capsys.readouterr().err
    second.set("run/seed", 99)
    assert second.get("run/seed") == 99  # this window still remembers it while open
    second.sync()
    first.set("run/seed", 3)
    first.sync()
    assert Settings(path).get("run/seed") == 3
    first.release()
    # A profile of its own is writable.
    assert not open_settings(window_args("--settings", str(tmp_path / "mine.ini"))).read_only
