"""The main window on the shipped ImageNet network (real weights, offscreen)."""

from __future__ import annotations

from fooling_gui.ui.main_window import MainWindow
from fooling_gui.ui.settings import Settings

TIMEOUT = 120_000  # ms: a generation of an ImageNet network on a busy 2-core machine



def test_the_model_selector_offers_lite0_with_its_weights(window, monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # AlexNet's weights: surely missing
    view = window.evolution
    view.load_initial(model="lenet", encoding="cppn", seed=0, interactive=False)
    combo = view.controls.model
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels[:3] == ["LeNet · MNIST digits", "EfficientNet-Lite0 · ImageNet",
                          "AlexNet · ImageNet (the paper's)  ↓"]
    assert not view.selection.entry("efficientnet_lite0").weights_missing  # never a download dialog


def test_a_first_start_on_imagenet_offers_the_papers_400_offspring(qtbot, window):
    view = window.evolution
    view.load_initial(model="efficientnet_lite0", encoding="cppn", seed=0, interactive=False)
    qtbot.waitUntil(lambda: view.model_info is not None, timeout=TIMEOUT)
    assert view.controls.batch.value() == 400  # nothing remembered: the model's default


def test_a_remembered_offspring_count_is_kept_on_the_first_model(qtbot, settings_path):
    settings = Settings(settings_path)
    settings.set("run/batch", 50)
    settings.sync()
    w = MainWindow(Settings(settings_path))
    qtbot.addWidget(w)
    view = w.evolution
    view.load_initial(model="efficientnet_lite0", encoding="cppn", seed=0, interactive=False)
    qtbot.waitUntil(lambda: view.model_info is not None, timeout=TIMEOUT)
    assert view.controls.batch.value() == 50
    w.close()


def test_a_1000_class_run_fills_the_grid_filters_penguins_and_plots_bands(qtbot, window):
    view = window.evolution
    view.load_initial(model="efficientnet_lite0", encoding="cppn", seed=0, interactive=False)
    view.controls.set_batch(8)
    view.controls.advanced.apply("paper", {"crops": "centre"})  # ten crops: 10× the wait
    qtbot.waitUntil(lambda: view.model_info is not None, timeout=TIMEOUT)
    view.start()
    qtbot.waitUntil(lambda: view.frame is not None and view.frame.snapshot.generation >= 1,
                    timeout=TIMEOUT)
    view.stop()
    view.inspect(500)  # a stopped run's elites are still drawn on request (they were not)
    qtbot.waitUntil(lambda: view.inspector.cell == 500, timeout=TIMEOUT)
    # Live frames draw a screenful of new elites; after the stop every tile is drawn.
    qtbot.waitUntil(lambda: view.frame.snapshot.pending_images == 0, timeout=TIMEOUT)
    view.grid.flush()
    assert all(image is not None for image in view.grid.model.images)
    grid, plot = view.grid, view.plot
    assert grid.model.rowCount() == 1000 and grid.model.names[145] == "king penguin"
    assert plot.aggregated and plot.y_scale == "linear" and plot._class_items == []

    grid.filter_edit.setText("penguin")
    assert grid.count_label.text() == "1 of 1000"
    assert plot.emphasised == [145]  # the filtered class gets its own curve
    assert [it.name() for it in plot._emphasis_items] == ["king penguin"]
    grid.filter_edit.clear()
    assert plot.emphasised == []


def test_the_adversarial_tab_turns_the_espresso_into_a_chosen_class_at_2_levels(
        qtbot, settings_path):
    import numpy as np

    from fooling_gui.ui.panes import AttackPane

    pane = AttackPane(Settings(settings_path))
    qtbot.addWidget(pane)
    pane.resize(1200, 800)
    pane.set_model("efficientnet_lite0")
    pane.show()
    qtbot.waitUntil(lambda: pane.model is not None, timeout=TIMEOUT)
    assert pane.photo.isEnabled() and not pane.digit_button.isEnabled()
    qtbot.waitUntil(lambda: pane.attacks_drawn >= 1 and not pane.busy, timeout=TIMEOUT)
    assert pane.item.source.startswith("photo: Chelsea")  # the first photo, at once
    drawn = pane.attacks_drawn
    pane.photo.setCurrentIndex(pane.photo.findData("coffee"))
    pane.steps.setValue(15)
    pane.target.set_class_index(2)  # great white shark
    pane.method.setCurrentIndex(1)  # PGD towards a class
    pane.epsilon.setValue(2)  # 2 of 255 levels
    pane.use_photo("coffee")
    qtbot.waitUntil(lambda: pane.attacks_drawn > drawn and not pane.busy
                    and pane.view.source == "photo: a cup of espresso"
                    and pane.view.request.epsilon == 2 / 255, timeout=TIMEOUT)
    view = pane.view
    assert view.original.shape == (256, 256, 3)
    assert pane.model.spec.class_names[view.label] == "espresso"
    steps = np.abs(view.adversarial.astype(int) - view.original.astype(int))
    assert steps.max() <= 2  # within ε after 8-bit rounding
    assert view.success and view.predicted == 2
    pane.shutdown()
