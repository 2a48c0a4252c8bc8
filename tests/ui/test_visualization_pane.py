"""The Feature visualisation pane as a user drives it (offscreen, LeNet): class images
optimised live, stopping, units and channel grids, activation maps and saliency of a
real digit, files opened and dropped, the pane in the main window."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from fooling_gui.core.datasets import example_digit
from fooling_gui.core.gallery import read_png_text
from fooling_gui.core.gallery.png_meta import write_png
from fooling_gui.core.images import load_image
from fooling_gui.ui.panes import VisualizationPane
from fooling_gui.ui.panes.vis_settings_form import VisSettingsForm
from fooling_gui.ui.settings import Settings

TIMEOUT = 120_000  # ms; generous because the test machine may be busy


@pytest.fixture
def pane(qtbot, settings_path):
    p = VisualizationPane(Settings(settings_path))
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.set_model("lenet")
    p.show()
    qtbot.waitUntil(lambda: p.model is not None, timeout=TIMEOUT)
    yield p
    p.shutdown()


def run_to_end(qtbot, pane) -> None:
    qtbot.waitUntil(lambda: not pane.running, timeout=TIMEOUT)


def test_class_image_and_confidence_update_live_and_save_with_provenance(qtbot, pane, tmp_path):
    tab = pane.class_tab
    assert tab.class_box.count() == 10
    tab.class_box.set_class_index(3)
    tab.form.steps.setValue(12)
    seen = []
    job = pane.start_class()
    job.yielded.connect(lambda frame: seen.append(frame.state.step))
    assert tab.stop_button.isEnabled()
    run_to_end(qtbot, pane)
    assert seen and seen[-1] == 12  # the last state always arrives
    assert tab.image.has_image
    assert tab.step_label.text() == "step 12 of 12"
    assert tab.confidence.text().endswith("%")
    assert "“3”" in tab.caption.text()
    # Noise starts far from 3; gradient ascent makes LeNet sure of it.
    assert tab.curve.values[0] < 0.5 < tab.last_confidence
    # Frames are throttled, yet the curve holds every step, in order.
    np.testing.assert_array_equal(tab.curve.steps, np.arange(13))
    assert tab.start_button.text() == "Start" and not tab.stop_button.isEnabled()

    path = pane.save_class(tmp_path / "three")
    assert path == tmp_path / "three.png"
    text = read_png_text(path)
    assert text["class_index"] == "3" and text["model"] == "lenet"
    assert float(text["confidence"]) == pytest.approx(tab.last_confidence)
    assert "plain preset" in text["method"]
    assert load_image(path, 1).shape == (28, 28, 1)


def test_stop_mid_run_keeps_the_image_so_far(qtbot, pane):
    tab = pane.class_tab
    tab.form.steps.setValue(20000)
    pane.start_class()
    qtbot.waitUntil(lambda: len(tab.curve.steps) > 0 and tab.curve.steps[-1] >= 2,
                    timeout=TIMEOUT)
    tab.stop_button.click()
    run_to_end(qtbot, pane)
    stopped_at = tab.curve.steps[-1]
    assert stopped_at < 20000
    qtbot.wait(200)
    assert tab.curve.steps[-1] == stopped_at  # nothing arrives after the stop
    assert tab.start_button.isEnabled() and not tab.stop_button.isEnabled()
    assert tab.save_button.isEnabled()


def test_unit_activation_rises_and_grid_shows_each_channel(qtbot, pane, tmp_path):
    tab = pane.unit_tab
    names = [tab.layer_box.itemData(i).name for i in range(tab.layer_box.count())]
    assert names[:4] == ["features.0", "features.1", "features.2", "features.3"]
    assert tab.layer().name == "features.2"  # the last convolution is offered first
    tab.channel.setValue(5)
    tab.form.steps.setValue(20)
    tab.grid_count.setValue(6)
    pane.start_unit()
    pane.start_grid()  # both run at once, interleaved in the worker
    run_to_end(qtbot, pane)
    assert tab.last_activation > tab.start_activation
    assert "→" in tab.activation.text()
    assert "features.2 channel 5" in tab.caption.text()
    assert tab.grid.count == 6
    assert [c.split(" · ")[0] for c in tab.grid.captions()] == [str(i) for i in range(6)]
    assert "step 20 of 20" in tab.grid_label.text()
    text = read_png_text(pane.save_unit(tmp_path / "unit.png"))
    assert (text["layer"], text["channel"], text["unit"]) == ("features.2", "5", "channel mean")
    assert float(text["activation_end"]) == pytest.approx(tab.last_activation)


def test_fully_connected_units_have_no_centre_neuron(qtbot, pane):
    tab = pane.unit_tab
    tab.select_layer("classifier.1")
    assert tab.channel.maximum() == 499
    assert not tab.centre_neuron.isEnabled()
    tab.select_layer("features.0")
    assert tab.channel.maximum() == 19 and tab.centre_neuron.isEnabled()


def test_activation_maps_and_saliency_of_a_shipped_digit(qtbot, pane):
    job = pane.show_digit(7)
    qtbot.waitUntil(lambda: pane.maps_tab.analysis is not None, timeout=TIMEOUT)
    assert job.is_finished
    m = pane.maps_tab
    a = m.analysis
    assert pane.tabs.currentWidget() is m
    assert a.top[0][0] == 7 and a.top[0][2] > 0.9  # the trained LeNet reads a real 7
    assert m.top_bars.rows()[0][1] == "7"
    assert m.maps.layer_names == ["features.0", "features.1", "features.2", "features.3",
                                  "classifier.1", "classifier.3"]
    conv1 = a.layers[0]
    assert conv1.shown == conv1.channels == 20
    assert conv1.low < 0 < conv1.high  # LeNet's convolutions have no ReLU: signed maps
    assert conv1.mosaic.shape == (4 * 25 - 1, 5 * 25 - 1, 3)  # 5 × 4 tiles of 24 px + gaps
    assert a.saliency.shape == (28, 28, 3) and a.overlay.shape == (28, 28, 3)
    assert a.saliency.std() > 0  # a map, not a flat picture
    assert m.saliency.has_image and m.overlay.has_image and m.image.has_image
    assert "“7”" in m.saliency.caption


def test_open_and_drop_image_files(qtbot, pane, tmp_path):
    path = write_png(tmp_path / "my three.png", example_digit(3))
    pane.open_image(path)
    qtbot.waitUntil(lambda: pane.maps_tab.analysis is not None, timeout=TIMEOUT)
    assert pane.maps_tab.analysis.source == "my three.png"
    assert pane.maps_tab.analysis.top[0][0] == 3

    big = np.repeat(np.repeat(np.repeat(example_digit(0), 4, 0), 4, 1), 3, 2)  # 112 px RGB
    dropped = write_png(tmp_path / "zero.png", big)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    pane.dropEvent(event)
    qtbot.waitUntil(lambda: pane.maps_tab.analysis.source == "zero.png", timeout=TIMEOUT)
    assert pane.maps_tab.analysis.image.shape == (28, 28, 1)  # what LeNet sees
    assert pane.maps_tab.analysis.top[0][0] == 0


def test_a_missing_file_is_one_sentence_and_the_pane_carries_on(qtbot, pane, tmp_path):
    pane.open_image(tmp_path / "missing.png")
    qtbot.waitUntil(lambda: len(pane.errors) > 0, timeout=TIMEOUT)
    assert pane.errors == [f"No image file at {tmp_path / 'missing.png'}."]
    assert pane.banner.isVisible()
    pane.show_digit(1)
    qtbot.waitUntil(lambda: pane.maps_tab.analysis is not None, timeout=TIMEOUT)


def test_presets_set_the_switches_and_switches_change_the_config(qtbot):
    form = VisSettingsForm("plain")
    qtbot.addWidget(form)
    plain = form.config()
    assert not plain.fourier and plain.l2 == 0 and plain.jitter == 0 and plain.scales == ()
    form.apply_preset("readable")
    assert form.fourier.isChecked() and form.transforms.isChecked()
    readable = form.config()
    assert readable.fourier and readable.jitter is None and readable.rotate == 5.0
    form.l2.setChecked(True)
    form.blur.setChecked(True)
    form.transforms.setChecked(False)
    changed = form.config(every=3)
    assert changed.l2 == 1.0 and changed.blur_every == 4
    assert changed.jitter == 0 and changed.scales == () and changed.rotate == 0
    assert changed.every == 3


def test_in_the_main_window_it_follows_the_model_uses_the_inspected_elite_and_closes(
        qtbot, settings_path):
    from fooling_gui.ui.main_window import MainWindow

    window = MainWindow(Settings(settings_path))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    pane = next(p for p in window.panes() if isinstance(p, VisualizationPane))
    assert window.tabs.tabText(window.tabs.indexOf(pane)) == "Feature visualisation"
    view = window.evolution
    view.load_initial(model="lenet", encoding="cppn", seed=0, interactive=False)
    view.controls.set_batch(20)
    qtbot.waitUntil(lambda: pane.model_key == ("lenet", False), timeout=TIMEOUT)
    window.tabs.setCurrentWidget(pane)  # shown: the pane loads its own copy of the model
    qtbot.waitUntil(lambda: pane.model is not None, timeout=TIMEOUT)
    assert not pane.maps_tab.elite_button.isEnabled()  # nothing inspected yet

    view.start()
    qtbot.waitUntil(lambda: view.frame is not None and view.frame.snapshot.generation >= 1,
                    timeout=TIMEOUT)
    view.stop()
    view.inspect(2)
    qtbot.waitUntil(lambda: view.inspector.details is not None, timeout=TIMEOUT)
    assert pane.maps_tab.elite_button.isEnabled()
    pane.maps_tab.elite_button.click()
    qtbot.waitUntil(lambda: pane.maps_tab.analysis is not None, timeout=TIMEOUT)
    assert pane.maps_tab.analysis.source.startswith("Elite for “2”")

    pane.class_tab.form.steps.setValue(20000)
    pane.start_class()
    qtbot.waitUntil(lambda: len(pane.class_tab.curve.steps) > 0, timeout=TIMEOUT)
    window.close()  # mid-run: the dangling-thread fixture fails the test if a thread survives
