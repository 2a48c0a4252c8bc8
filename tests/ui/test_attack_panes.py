"""The Adversarial, "Small pushes add up" and Defences panes as a user drives them
(offscreen, LeNet): an attack on a shipped digit redrawn as ε moves, the toy clicked
from 0.047 to 0.88, a defence experiment run, cancelled, and the panes closed."""

from __future__ import annotations

import numpy as np
import pytest

from fooling_gui.core.attacks import LogisticToy
from fooling_gui.core.datasets import example_digit
from fooling_gui.ui.panes import AttackPane, DefencePane, ToyPane
from fooling_gui.ui.panes.attack_pane import EPS_STEPS
from fooling_gui.core.attacks.pictures import perturbation_picture
from fooling_gui.ui.settings import Settings

TIMEOUT = 60_000  # ms; generous because the test machine may be busy


@pytest.fixture
def attack_pane(qtbot, settings_path):
    p = AttackPane(Settings(settings_path))
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.set_model("lenet")
    p.show()
    qtbot.waitUntil(lambda: p.model is not None, timeout=TIMEOUT)
    yield p
    p.shutdown()


def settled(qtbot, pane, drawn: int) -> None:
    qtbot.waitUntil(lambda: pane.attacks_drawn >= drawn and not pane.busy, timeout=TIMEOUT)


def test_fgsm_on_a_shipped_digit_draws_the_result_and_the_bars(qtbot, attack_pane):
    pane = attack_pane
    settled(qtbot, pane, 1)  # a digit is attacked as soon as the model is ready
    pane.digit.setValue(7)
    pane.sample.setValue(0)
    pane.digit_button.click()
    settled(qtbot, pane, 2)
    view = pane.view
    np.testing.assert_array_equal(view.original, example_digit(7, 0))
    assert pane.original.has_image and pane.change.has_image and pane.result.has_image
    assert view.request.method == "fgsm" and view.request.epsilon == pytest.approx(51 / 255)
    # The change stays inside the budget and the picture shows it.
    steps = np.abs(view.adversarial.astype(int) - view.original.astype(int))
    assert 0 < steps.max() <= 51
    assert view.perturbation.shape == (28, 28, 3)
    # Ten digits before and after; LeNet reads the real 7 correctly first.
    before, after = pane.bars_before.rows(), pane.bars_after.rows()
    assert [r[1] for r in before] == [str(d) for d in range(10)]
    assert before[7][2] > 0.9
    assert after[view.predicted][2] == pytest.approx(max(r[2] for r in after))
    assert before != after
    assert "at most 0.20" in pane.caption.text()
    assert pane.view.success == (view.predicted != 7)


def test_moving_epsilon_reruns_the_attack_with_the_new_budget(qtbot, attack_pane):
    pane = attack_pane
    settled(qtbot, pane, 1)
    drawn = pane.attacks_drawn
    for value in (5, 10, 15, 20):  # a drag: only the last value has to be drawn
        pane.epsilon.setValue(value)
    settled(qtbot, pane, drawn + 1)
    assert pane.view.request.epsilon == pytest.approx(20 / EPS_STEPS)
    steps = np.abs(pane.view.adversarial.astype(int) - pane.view.original.astype(int))
    assert steps.max() <= 20
    assert "at most 0.08" in pane.caption.text()


def test_targeted_pgd_makes_lenet_say_the_chosen_digit(qtbot, attack_pane):
    pane = attack_pane
    settled(qtbot, pane, 1)
    drawn = pane.attacks_drawn
    pane.steps.setValue(10)
    pane.target.set_class_index(3)
    pane.method.setCurrentIndex(1)  # PGD towards a class
    pane.epsilon.setValue(80)
    settled(qtbot, pane, drawn + 1)
    view = pane.view
    assert view.request.method == "pgd" and view.request.target == 3
    assert view.success and view.predicted == 3
    assert "the class we pushed it towards" in pane.caption.text()


def test_perturbation_picture_shows_the_sign_in_colour():
    change = np.array([[[-0.1], [0.0], [0.1]]], dtype=np.float32)
    rgb = perturbation_picture(change, 0.1)
    darker, same, brighter = rgb[0]
    assert darker[2] > darker[0]  # blue
    assert same.max() < 20  # black
    assert brighter[0] > brighter[2]  # orange


def test_toy_goes_from_0047_to_088_by_clicking(qtbot):
    pane = ToyPane()
    qtbot.addWidget(pane)
    assert pane.score_label.text() == "0.047"
    pane.push_buttons[0].click()
    assert pane.score == pytest.approx(LogisticToy().step(0).score())
    assert pane.moved_labels[0].text() == "−0.5"
    for button in pane.push_buttons[1:]:
        button.click()
    assert pane.score_label.text() == "0.881"
    assert pane.score_bar.value == pytest.approx(0.8808, abs=1e-4)
    assert "went from 0.047 to 0.881" in pane.summary.text()
    pane.reset_button.click()
    assert pane.score_label.text() == "0.047"
    pane.push_all_button.click()
    assert pane.score_label.text() == "0.881"


@pytest.fixture
def defence_pane(qtbot):
    p = DefencePane()
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.show()
    yield p
    p.shutdown()


def test_threshold_experiment_runs_in_the_worker_and_fills_its_table(qtbot, defence_pane):
    pane = defence_pane
    seen = []
    job = pane.run("threshold", generations=3, batch=20, runs=1, noise=20)
    job.yielded.connect(lambda p: seen.append(p.generations))
    assert pane.cancel_button.isEnabled() and not pane.run_button.isEnabled()
    qtbot.waitUntil(lambda: not pane.running, timeout=TIMEOUT)
    assert not pane.errors
    result = pane.results["threshold"]
    assert result["generations"] == 3 and result["noise_images"] == 20
    table = pane.view("threshold").table
    assert table.rowCount() == len(result["rows"]) == 6
    assert table.cell_text(0, 0) == "0.5"
    assert table.cell_text(0, 1).endswith("%")
    assert "3 generations × 20 offspring" in pane.view("threshold").settings_label.text()
    assert "still pass" in pane.view("threshold").lesson.text()
    assert pane.run_button.isEnabled() and not pane.cancel_button.isEnabled()


def test_cancel_stops_an_experiment_without_a_result(qtbot, defence_pane):
    pane = defence_pane
    pane.run("smoothing", generations=5000, batch=20, runs=1)
    qtbot.waitUntil(lambda: pane.progress.value() > 0, timeout=TIMEOUT)
    pane.cancel_button.click()
    qtbot.waitUntil(lambda: not pane.running, timeout=TIMEOUT)
    assert "smoothing" not in pane.results
    assert pane.progress_label.text() == "Cancelled."
    assert pane.run_button.isEnabled()


def test_panes_shut_down_mid_work_in_the_main_window(qtbot, settings_path):
    from fooling_gui.ui.main_window import MainWindow

    window = MainWindow(Settings(settings_path))
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert {"Adversarial", "Small pushes add up", "Defences"} <= set(titles)
    attack = window.tabs.widget(titles.index("Adversarial"))
    defences = window.tabs.widget(titles.index("Defences"))
    window.show()
    window.tabs.setCurrentWidget(attack)
    attack.set_model("lenet")
    qtbot.waitUntil(lambda: attack.model is not None, timeout=TIMEOUT)
    defences.run("threshold", generations=5000, batch=20, runs=1)
    qtbot.waitUntil(lambda: defences.progress.value() > 0, timeout=TIMEOUT)
    window.close()  # the leftover-QThread fixture fails the test if a worker lives on
    assert not defences.runner.busy and not attack.runner.busy
