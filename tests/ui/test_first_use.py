"""Rough edges a new user met in the main window: labels, the status bar,
stale scores, replacing a run and going back to it, closing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox, QStyle, QStyleOptionComboBox

from fooling_gui.sessions.evolution_session import EliteDetails, ScoreResult
from fooling_gui.ui.evolution_worker import RUNNING
from fooling_gui.ui.model_catalogue import model_entries
from fooling_gui.ui.widgets.inspector import Inspector

TIMEOUT = 60_000


@pytest.fixture
def window(window, qtbot):
    """The shared main window (tests/ui/conftest.py), on LeNet + CPPN, 20 offspring."""
    w = window
    w.evolution.obtain_weights = lambda name: (True, True)  # "use random weights"
    w.evolution.load_initial(model="lenet", encoding="cppn", seed=0, interactive=False)
    w.evolution.controls.set_batch(20)
    qtbot.waitUntil(lambda: w.evolution.model_info is not None, timeout=TIMEOUT)
    return w


def running_to(qtbot, view, generation: int) -> None:
    if view.worker.state != RUNNING:
        view.start()
    qtbot.waitUntil(lambda: view.frame is not None and view.frame.run_id == view.run_id
                    and view.frame.snapshot.generation >= generation, timeout=TIMEOUT)


def field_width(combo) -> int:
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    return combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                        QStyle.SubControl.SC_ComboBoxEditField, combo).width()


def test_the_model_selector_shows_whole_names_in_its_box_and_its_list(window):
    combo = window.evolution.controls.model
    room = field_width(combo)
    fm = combo.fontMetrics()
    featured = [e for e in model_entries() if e.name in ("lenet", "alexnet", "resnet18", "vgg16")]
    for entry in featured:
        for random_init in (False, True):
            assert fm.horizontalAdvance(entry.short_label(random_init)) <= room, entry.name
    # The open list is as wide as its longest label.
    combo.showPopup()
    try:
        view = combo.view()
        assert view.width() >= max(fm.horizontalAdvance(combo.itemText(i))
                                   for i in range(combo.count()))
    finally:
        combo.hidePopup()


def test_switching_model_leaves_no_stale_run_in_the_status_bar(qtbot, window):
    view = window.evolution
    running_to(qtbot, view, 2)
    view.stop()
    assert "lenet" in window.model_label.text()
    view.choose_model("alexnet")
    qtbot.waitUntil(lambda: view.model_info is not None and view.model_info.name == "alexnet",
                    timeout=TIMEOUT)
    assert "alexnet" in window.model_label.text().lower()
    assert window.gen_label.text() == "generation —"
    assert "random weights" in view.controls.model.shown_text()
    assert "last run" in view.controls.status.text()  # the grid still shows LeNet's run
    # The run's counters belong to the Evolution tab only.
    window.tabs.setCurrentIndex(1)
    assert not window.model_label.isVisible() and not window.gen_label.isVisible()
    window.tabs.setCurrentIndex(0)
    assert window.model_label.isVisible()


def test_a_long_status_message_keeps_both_ends(window):
    name = "0007_seven_at_99_9999_percent_rendered_at_4096_pixels.png"
    text = "Saved /srv/exhibits/" + "/".join(["a_rather_long_folder_name"] * 6) + "/" + name
    window.resize(900, 700)
    window.show_status(text)
    shown = window.message.text()
    assert "…" in shown and shown.startswith("Saved /srv") and shown.endswith(name[-12:])
    assert window.message.toolTip() == text
    assert window.message.fontMetrics().horizontalAdvance(shown) <= window.message.width()


def details(cell: int, generation: int, run_id: int = 1) -> EliteDetails:
    return EliteDetails(run_id=run_id, cell=cell, class_index=cell, class_name=str(cell),
                        confidence=0.9, generation=generation,
                        image=np.zeros((28, 28, 1), np.uint8),
                        top=((cell, str(cell), 0.9),), model_label="lenet", encoding="direct",
                        genome={"shape": [28, 28, 1]}, can_render=False)


def score(cell: int, generation: int) -> ScoreResult:
    return ScoreResult(run_id=1, cell=cell, model_label="other", top=((1, "1", 0.7),),
                       image=np.zeros((28, 28, 1), np.uint8), generation=generation)


def test_a_score_never_outlives_the_image_it_was_for(qtbot):
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.show()
    inspector.show_details(details(4, generation=10))
    inspector.show_score(score(4, generation=10))
    assert inspector.score_bars.isVisible()
    inspector.show_details(details(4, generation=10))  # a refresh of the same image
    assert inspector.score_bars.isVisible()
    inspector.show_details(details(4, generation=17))  # evolution found a better one
    assert not inspector.score_bars.isVisible()
    assert "replaced" in inspector.score_label.text()
    inspector.show_score(score(4, generation=10))  # a late answer about the old image
    assert not inspector.score_bars.isVisible()
    inspector.show_score(score(4, generation=17))
    assert inspector.score_bars.isVisible()


def test_evolve_from_asks_first_and_the_previous_run_can_be_had_back(qtbot, window,
                                                                    monkeypatch):
    view = window.evolution
    running_to(qtbot, view, 3)
    first_run = view.run_id
    view.inspect(5)
    qtbot.waitUntil(lambda: view.inspector.cell == 5, timeout=TIMEOUT)
    asked = []

    def answer(button):
        def question(*args, **kwargs):
            asked.append(args[2])
            return button
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    view.inspector.evolve_button.click()
    assert asked and "Back to the previous run" in asked[0]
    assert view.run_id == first_run and view.worker.state == RUNNING  # nothing replaced

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    view.inspector.evolve_button.click()
    qtbot.waitUntil(lambda: view.run_id != first_run, timeout=TIMEOUT)
    assert view.frame.seeded_from.startswith("5 ")
    assert window.back_action.isEnabled() and "generation" in window.back_action.text()
    left_at = int(window.back_action.text().split("generation ")[1].rstrip(")").replace(",", ""))

    window.back_action.trigger()
    qtbot.waitUntil(lambda: view.frame.seeded_from == "" and view.frame.run_id == view.run_id,
                    timeout=TIMEOUT)
    assert view.frame.config.seed == 0 and view.frame.snapshot.generation >= left_at
    # The plot got the whole history of the run it went back to, not just what came next.
    view.stop()
    qtbot.waitUntil(lambda: view.plot.generations_plotted == view.frame.snapshot.generation + 1,
                    timeout=TIMEOUT)
    # And the seeded run is now the one to go back to.
    assert window.back_action.isEnabled()


def test_closing_hides_the_window_before_waiting_for_workers(qtbot, window, monkeypatch):
    view = window.evolution
    running_to(qtbot, view, 1)
    seen = []
    original = view.worker.shutdown

    def shutdown(timeout_ms=5000):
        seen.append(window.isVisible())
        return original(timeout_ms)

    monkeypatch.setattr(view.worker, "shutdown", shutdown)
    window.close()
    assert seen == [False]


def test_exporting_during_a_run_names_the_folder_after_what_the_manifest_says(
        qtbot, window, tmp_path, monkeypatch):
    import json

    from PySide6.QtWidgets import QFileDialog

    view = window.evolution
    running_to(qtbot, view, 3)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    window.export_action.trigger()  # the run goes on meanwhile
    def written():  # the gallery's own folder, not the temporary one it is built in
        return [p for p in tmp_path.glob("*/manifest.json") if not p.parent.name.startswith(".")]

    qtbot.waitUntil(lambda: bool(written()), timeout=TIMEOUT)
    manifest_path = written()[0]
    manifest = json.loads(manifest_path.read_text())
    assert manifest_path.parent.name.endswith(f"_gen{manifest['generations']}")
    assert manifest["config"]["generations"] == manifest["generations"]
