"""The main window on the shipped ImageNet network (real weights, offscreen)."""

from __future__ import annotations

import pytest

from fooling_gui.ui.main_window import MainWindow
from fooling_gui.ui.settings import Settings

TIMEOUT = 120_000  # ms: a generation of an ImageNet network on a busy 2-core machine


@pytest.fixture
def window(qtbot, settings_path):
    w = MainWindow(Settings(settings_path))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    yield w
    w.close()


def test_the_model_selector_offers_lite0_with_its_weights(window, monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # AlexNet's weights: surely missing
    view = window.evolution
    view.load_initial(model="lenet", encoding="cppn", seed=0, interactive=False)
    combo = view.controls.model
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels[:3] == ["LeNet · MNIST digits", "EfficientNet-Lite0 · ImageNet",
                          "AlexNet · ImageNet (the paper's)  ↓"]
    assert not view._entry("efficientnet_lite0").weights_missing  # never a download dialog


def test_a_1000_class_run_fills_the_grid_filters_penguins_and_plots_bands(qtbot, window):
    view = window.evolution
    view.load_initial(model="efficientnet_lite0", encoding="cppn", seed=0, interactive=False)
    view.controls.set_batch(8)
    qtbot.waitUntil(lambda: view.model_info is not None, timeout=TIMEOUT)
    view.start()
    qtbot.waitUntil(lambda: view.frame is not None and view.frame.snapshot.generation >= 1,
                    timeout=TIMEOUT)
    view.stop()
    grid, plot = view.grid, view.plot
    assert grid.model.rowCount() == 1000 and grid.model.names[145] == "king penguin"
    assert plot.aggregated and plot.scale == "linear" and plot._class_items == []

    grid.filter_edit.setText("penguin")
    assert grid.count_label.text() == "1 of 1000"
    assert plot.emphasised == [145]  # the filtered class gets its own curve
    assert [it.name() for it in plot._emphasis_items] == ["king penguin"]
    grid.filter_edit.clear()
    assert plot.emphasised == []
