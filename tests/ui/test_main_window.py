"""The main window as a user drives it (offscreen): run control, grid, plot, inspector,
model switch, export, closing mid-run, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from fooling_gui.core.gallery import read_png_text
from fooling_gui.ui.evolution_worker import PAUSED, RUNNING, STOPPED
from fooling_gui.ui.settings import Settings

TIMEOUT = 60_000  # ms; generous because the test machine may be busy


@pytest.fixture
def window(window):
    """The shared main window (tests/ui/conftest.py), on LeNet + CPPN, 20 offspring."""
    w = window
    w.evolution.load_initial(model="lenet", encoding="cppn", seed=0, interactive=False)
    w.evolution.controls.set_batch(20)
    return w


def running_to(qtbot, view, generation: int) -> None:
    if view.worker.state != RUNNING:
        view.start()
    qtbot.waitUntil(lambda: view.frame is not None
                    and view.frame.snapshot.generation >= generation, timeout=TIMEOUT)


def test_start_fills_the_grid_and_the_plot_with_every_generation(qtbot, window):
    view = window.evolution
    running_to(qtbot, view, 6)
    grid = view.grid.model
    assert grid.rowCount() == 10
    assert all(img is not None for img in grid.images)
    assert grid.names == tuple(str(d) for d in range(10))
    # Frames are throttled, yet the plot has every generation once, in order.
    view.stop()
    qtbot.waitUntil(lambda: view.plot.generations_plotted == view.frame.snapshot.generation + 1,
                    timeout=TIMEOUT)
    gens = view.plot.history.gens[: view.plot.history.n]
    np.testing.assert_array_equal(gens, np.arange(gens.size))
    assert view.controls.generation.text() == f"{view.frame.snapshot.generation:,}"
    assert "generation" in window.gen_label.text()
    assert view.snapshots_drawn >= 1


def test_a_view_that_missed_frames_still_ends_with_every_image(qtbot, window):
    from fooling_gui.ui.widgets.elite_grid import thumbnail, to_qimage

    view = window.evolution
    view.worker.frame.disconnect(view.draw)
    seen = []

    def lossy(frame):  # frames carry only what changed: losing two leaves a gap
        seen.append(frame)
        if len(seen) not in (3, 4):
            view.draw(frame)

    view.worker.frame.connect(lossy)
    running_to(qtbot, view, 8)
    view.stop()
    # Stopped, and every frame asked for since (the last changes, a whole one) drawn.
    qtbot.waitUntil(lambda: not view.worker._runner.busy and len(seen) > 4, timeout=TIMEOUT)
    assert view.plot.generations_plotted == view.frame.snapshot.generation + 1
    assert any(f.snapshot.whole for f in seen[4:])  # the view asked for everything once
    view.grid.flush()
    archive = view.worker._session.run.archive  # the run is stopped: safe to read here
    assert all(view.grid.model.images[c] == to_qimage(thumbnail(archive.images[c]))
               for c in range(len(archive)))
    gens = view.plot.history.gens[: view.plot.history.n]
    np.testing.assert_array_equal(gens, np.arange(gens.size))


def test_pause_resume_stop(qtbot, window):
    view = window.evolution
    running_to(qtbot, view, 1)
    view.controls.pause_button.click()
    assert view.worker.state == PAUSED
    assert view.controls.pause_button.text() == "Resume"
    qtbot.wait(300)  # let the last in-flight frame land
    frozen = view.frame.snapshot.generation
    qtbot.wait(400)
    assert view.frame.snapshot.generation == frozen
    view.controls.pause_button.click()
    assert view.worker.state == RUNNING
    qtbot.waitUntil(lambda: view.frame.snapshot.generation > frozen, timeout=TIMEOUT)
    view.controls.stop_button.click()
    assert view.worker.state == STOPPED
    assert view.controls.start_button.isEnabled()
    assert not view.controls.stop_button.isEnabled()


def test_clicking_a_tile_opens_the_inspector(qtbot, window):
    view = window.evolution
    running_to(qtbot, view, 2)
    index = view.grid.proxy.mapFromSource(view.grid.model.index(3))
    rect = view.grid.view.visualRect(index)
    qtbot.mouseClick(view.grid.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.inspector.cell == 3, timeout=TIMEOUT)
    ins = view.inspector
    assert ins.title.text() == "Class 3"
    assert len(ins.top_bars.rows()) == 5
    assert ins.render_button.isEnabled()  # a CPPN renders at any size
    assert ins.network.isVisibleTo(ins)
    assert view.plot.selected == 3  # the grid selection highlights the curve


def test_plot_and_grid_selection_follow_each_other(qtbot, window):
    view = window.evolution
    running_to(qtbot, view, 1)
    view.grid.select_cell(4)
    assert view.plot.selected == 4
    view.plot.cell_selected.emit(7)
    assert view.grid.selected_cell() == 7
    view.grid.filter_edit.setText("9")
    assert view.grid.proxy.rowCount() == 1


def test_offspring_view_shows_the_current_generation(qtbot, window):
    view = window.evolution
    running_to(qtbot, view, 1)
    # Hidden, the offspring are not rendered into frames (for AlexNet that is 64 images).
    assert view.frame.snapshot.offspring.shape[0] == 0
    view.views.setCurrentWidget(view.offspring)
    qtbot.waitUntil(lambda: view.offspring.image_item.image is not None, timeout=TIMEOUT)
    assert view.offspring.image_item.image.shape[0] >= 28
    assert view.frame.snapshot.offspring.shape[0] > 0


def test_inspector_actions(qtbot, window, tmp_path, monkeypatch):
    view = window.evolution
    running_to(qtbot, view, 2)
    view.stop()
    view.inspect(5)
    qtbot.waitUntil(lambda: view.inspector.cell == 5, timeout=TIMEOUT)
    details = view.inspector.details

    saved = view.save_details_png(details, tmp_path / "five")
    assert read_png_text(saved)["class_name"] == "5"
    assert "genome" in read_png_text(saved)

    from PySide6.QtWidgets import QFileDialog
    big = tmp_path / "big.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(big), ""))
    view.inspector.render_size.setValue(128)
    view.inspector.render_button.click()
    qtbot.waitUntil(big.exists, timeout=TIMEOUT)
    from PIL import Image
    assert Image.open(big).size == (128, 128)

    view.inspector.score_model.setCurrentIndex(view.inspector.score_model.findData("lenet"))
    view.inspector.score_button.click()
    qtbot.waitUntil(lambda: view.inspector.score_bars.isVisibleTo(view.inspector),
                    timeout=TIMEOUT)
    assert view.inspector.score_bars.rows()[0][0] == details.top[0][0]

    old_run = view.run_id
    view.inspector.evolve_button.click()
    qtbot.waitUntil(lambda: view.run_id != old_run, timeout=TIMEOUT)
    assert view.frame.seeded_from.startswith("5 ")


def test_export_gallery_from_the_menu(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    view = window.evolution
    running_to(qtbot, view, 2)
    view.stop()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    window.export_action.trigger()
    # [!.]: not the hidden folder the gallery is built in before it is moved into place
    qtbot.waitUntil(lambda: any(tmp_path.glob("[!.]*/manifest.json")), timeout=TIMEOUT)
    manifest = next(tmp_path.glob("[!.]*/manifest.json"))
    assert manifest.parent.name.startswith("lenet_cppn_seed0_gen")
    assert len(json.loads(manifest.read_text())["elites"]) == 10
    assert window.settings.get("export/last_folder") == str(tmp_path)


def test_model_switch_during_a_run_restarts_on_the_new_model(qtbot, window, monkeypatch):
    import fooling_gui.ui.evolution_view as ev
    import fooling_gui.ui.run_setup as run_setup

    view = window.evolution
    # Offline: the ImageNet model comes with random weights (as its dialog offers).
    monkeypatch.setattr(ev.EvolutionView, "obtain_weights", lambda self, name: (True, True))
    monkeypatch.setattr(run_setup, "run_defaults", lambda *args: (2, None))  # small batches
    running_to(qtbot, view, 1)
    view.choose_model("mobilenet_v3_small")
    qtbot.waitUntil(lambda: view.frame.snapshot.class_names[0] != "0", timeout=TIMEOUT)
    snap = view.frame.snapshot
    assert len(snap.class_names) == 1000
    assert "RANDOM WEIGHTS" in snap.model_label
    assert view.grid.model.rowCount() == 1000
    assert view.controls.batch.value() == 2
    view.stop()


def test_errors_in_the_worker_become_a_message_and_the_run_goes_on(qtbot, window):
    view = window.evolution
    running_to(qtbot, view, 1)
    view.inspect(0)
    qtbot.waitUntil(lambda: view.inspector.cell == 0, timeout=TIMEOUT)
    view.worker.score_on(0, "/no/such/model.pt")
    qtbot.waitUntil(lambda: view.banner.isVisibleTo(view), timeout=TIMEOUT)
    assert view.errors and "Traceback" not in view.errors[-1]
    gen = view.frame.snapshot.generation
    qtbot.waitUntil(lambda: view.frame.snapshot.generation > gen, timeout=TIMEOUT)


def test_closing_mid_run_stops_the_worker_and_saves_settings(qtbot, window, settings_path):
    view = window.evolution
    view.controls.set_seed(7)
    running_to(qtbot, view, 1)
    assert view.worker.state == RUNNING
    window.close()  # the dangling-thread fixture fails the test if a thread survives
    again = Settings(settings_path)
    assert again.get("run/model") == "lenet"
    assert again.get("run/seed") == 7
    assert again.get("run/encoding") == "cppn"
    assert not again.get("window/geometry").isEmpty()


@pytest.mark.slow
def test_screenshot_mode_in_a_subprocess(tmp_path):
    """``fooling-gui --screenshot … --run-for …`` runs the real app and reports."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FOOLING_GUI_OFFLINE="1",
               FOOLING_GUI_SETTINGS=str(tmp_path / "settings.ini"))
    shot, stats = tmp_path / "s.png", tmp_path / "st.json"
    proc = subprocess.run([sys.executable, "-m", "fooling_gui", "--screenshot", str(shot),
                           "--run-for", "2", "--model", "lenet", "--encoding", "direct",
                           "--stats", str(stats)], env=env, capture_output=True, text=True,
                          timeout=240, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    from PIL import Image
    assert Image.open(shot).size == (1400, 900)
    data = json.loads(stats.read_text())
    assert data["generations"] > 0 and data["snapshots_drawn"] > 0
    assert set(data["event_loop_latency_ms"]) >= {"p50", "p99", "max"}
    assert data["errors"] == []
    assert Path(tmp_path / "settings.ini").is_file()


def test_custom_model_from_the_model_menu(qtbot, window, tmp_path, monkeypatch):
    """"Custom model…": pick a torch.export file with its JSON sidecar, then evolve on it."""
    import torch
    from PySide6.QtWidgets import QFileDialog
    from torch import nn

    from fooling_gui.ui.widgets.run_controls import CUSTOM

    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))
    path = tmp_path / "shapes.pt2"
    example = (torch.rand(2, 1, 8, 8),)
    torch.export.save(torch.export.export(net.eval(), example,
                                          dynamic_shapes=({0: torch.export.Dim("batch")},)),
                      str(path))
    path.with_suffix(".json").write_text(json.dumps(
        {"name": "shapes", "class_names": ["ring", "cross", "bar"], "input_size": [8, 8],
         "channels": 1, "mean": [0.5], "std": [0.25], "output": "logits"}))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))

    view = window.evolution
    view.choose_model(CUSTOM)
    qtbot.waitUntil(lambda: view.model_info is not None and view.model_info.name == "shapes",
                    timeout=TIMEOUT)
    assert view.controls.model_name() == str(path)
    assert "shapes.pt2" in view.controls.model.currentText()
    running_to(qtbot, view, 1)
    assert view.frame.snapshot.class_names == ("ring", "cross", "bar")
    view.stop()
