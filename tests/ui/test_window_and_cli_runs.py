"""The window and `fooling-gui evolve` build the same run for the same choices: both go
through the session layer's RunChoices and run builder."""

from __future__ import annotations

import dataclasses

import pytest

from fooling_gui.cli import build_parser, evolve_cmd

TIMEOUT = 120_000  # ms: loading a model on a busy 2-core machine



@pytest.mark.parametrize("model, encoding, window_settings, flags", [
    # EfficientNet-Lite0 on the centre crop: its own forward-pass size on a CPU (8).
    ("efficientnet_lite0", "cppn", {"crops": "centre", "weight_rate": 0.2},
     ["--set", "crops=centre", "--set", "weight_rate=0.2"]),
    # LeNet: the whole batch in one pass; the legacy preset.
    ("lenet", "direct", {}, ["--preset", "legacy"]),
])
def test_the_window_and_evolve_build_the_same_run(qtbot, window, tmp_path, model, encoding,
                                                   window_settings, flags):
    view = window.evolution
    view.load_initial(model=model, encoding=encoding, seed=7, interactive=False)
    qtbot.waitUntil(lambda: view.model_info is not None, timeout=TIMEOUT)
    view.controls.set_batch(12)
    view.controls.advanced.apply("legacy" if "--preset" in flags else "paper", window_settings)
    view.setup.classes = (1, 3)  # as the class dialog leaves them
    in_window = view.config()

    args = build_parser().parse_args(
        ["evolve", "--model", model, "--encoding", encoding, "--seed", "7", "--batch", "12",
         "--classes", "1,3", "--generations", "5", "--out", str(tmp_path / "g"), *flags])
    from_command = evolve_cmd.new_run(args).config

    assert in_window.eval_batch == (8 if model == "efficientnet_lite0" else None)
    # The window's runs go on until stopped; everything else is the same run.
    assert dataclasses.replace(in_window, generations=5) == from_command
