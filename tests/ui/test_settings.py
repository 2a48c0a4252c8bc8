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
