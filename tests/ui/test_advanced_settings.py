"""The Run panel's Advanced section reaches every evolution setting."""

from __future__ import annotations

from fooling_gui.core.evolution import RunConfig
from fooling_gui.core.evolution.settings import settings_for
from fooling_gui.ui.widgets.run_controls import RunControls


def test_every_setting_of_each_encoding_has_an_editor(qtbot):
    controls = RunControls()
    qtbot.addWidget(controls)
    for encoding in ("cppn", "direct"):
        controls.set_encoding(encoding)
        shown = set(controls.advanced.values())
        assert shown == {s.name for s in settings_for(encoding)}
        assert controls.run_settings() == ("paper", None, {})  # untouched: the paper preset


def test_changed_settings_and_preset_reach_the_run_config(qtbot):
    controls = RunControls()
    qtbot.addWidget(controls)
    controls.set_encoding("cppn")
    advanced = controls.advanced
    edits = []
    advanced.edited.connect(lambda: edits.append(1))
    coords = advanced._editors["coordinates"]
    coords.setCurrentIndex(coords.findData("smooth"))
    coords.activated.emit(coords.currentIndex())
    crops = advanced._editors["crops"]
    crops.setCurrentIndex(crops.findData("centre"))
    crops.activated.emit(crops.currentIndex())
    assert edits == [1, 1]
    preset, ten_crop, params = controls.run_settings()
    assert (preset, ten_crop, params) == ("paper", False, {"coordinates": "smooth"})
    config = RunConfig(encoding="cppn", preset=preset, ten_crop=ten_crop, encoding_params=params)
    assert config.encoding_settings()["coordinates"] == "smooth"
    # Another preset shows its own values; nothing is "changed" from it.
    advanced.preset.setCurrentIndex(advanced.preset.findData("legacy"))
    advanced.preset.activated.emit(advanced.preset.currentIndex())
    assert controls.run_settings() == ("legacy", None, {})
    assert advanced.values()["coordinates"] == "smooth"
