"""The exhibit as visitors meet it: attract loop, a visit, the cards, the idle time-out."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest

from fooling_gui.core.datasets import mnist_sample
from fooling_gui.ui.kiosk.controller import ATTRACT, CHOOSING, RESULT, VISITING, WHY
from fooling_gui.ui.kiosk.kiosk_widgets import MIN_TOUCH_PX
from fooling_gui.ui.kiosk.texts import CARD_MAX_WORDS, word_count

from .conftest import TIMEOUT, quick_config


def touch(window, widget=None) -> None:
    """A finger on ``widget``'s centre (or the window's), through the window like a touch screen."""
    win = window.windowHandle()
    target = widget or window
    point = target.mapTo(window, target.rect().center()) if widget else QPoint(
        window.width() // 2, window.height() // 3)
    device = touch.device = getattr(touch, "device", None) or QTest.createTouchDevice()
    for step in ("press", "release"):
        seq = QTest.touchEvent(win, device, False)
        getattr(seq, step)(0, point, win)
        seq.commit()


def is_real_digit(image, label: str) -> bool:
    images, labels = mnist_sample()
    return any(np.array_equal(image, d) for d in images[labels == int(label)])


def test_attract_loop_shows_each_class_with_its_verdict_and_a_real_example(qtbot, make_kiosk):
    kiosk = make_kiosk(quick_config(classes=(0, 3)))
    c, page = kiosk.controller, kiosk.window.attract
    assert kiosk.window.current_page is page
    seen = []

    def holding_a_new_class():
        if c.attract_phase == "holding" and (not seen or seen[-1][0] != page.result.label):
            r = page.result
            seen.append((r.label, r.confidence, r.evolved.shown, r.example.shown,
                         r.verdict.number.text(), page.caption.text()))
        return len(seen) >= 3

    qtbot.waitUntil(holding_a_new_class, timeout=TIMEOUT)
    assert [s[0] for s in seen] == ["0", "3", "0"]  # class after class, then round again
    for label, confidence, evolved, example, number, caption in seen:
        assert confidence >= 0.999
        assert evolved.shape == (28, 28, 1)
        assert is_real_digit(example, label)
        assert number.endswith("%") and number in caption
        assert f"a {label}" in caption or f"an {label}" in caption
    assert c.attract_cycles >= 2 and c.error_count == 0
    assert "Touch" in page.prompt.text()


def test_a_visit_from_touch_to_result_cards_and_back(qtbot, make_kiosk, tmp_path):
    gallery = tmp_path / "gallery"
    kiosk = make_kiosk(quick_config(gallery_folder=gallery))
    c, w = kiosk.controller, kiosk.window
    qtbot.waitUntil(lambda: c.attract_phase == "evolving", timeout=TIMEOUT)

    touch(w)  # anywhere on the attract loop
    qtbot.waitUntil(lambda: c.state == CHOOSING, timeout=TIMEOUT)
    assert c.visitor_sessions == 1
    assert w.current_page is w.chooser
    buttons = w.chooser.buttons
    assert sorted(buttons) == [0, 3]
    for b in buttons.values():
        assert b.width() >= MIN_TOUCH_PX and b.height() >= MIN_TOUCH_PX

    touch(w, buttons[3])
    qtbot.waitUntil(lambda: c.state == VISITING, timeout=5000)
    assert w.current_page is w.visitor
    qtbot.waitUntil(lambda: c.state == RESULT, timeout=TIMEOUT)
    r = w.visitor.result
    assert r.label == "3" and r.confidence >= 0.999
    assert r.plot.generations_plotted == r.generation + 1  # the whole climb is drawn
    assert is_real_digit(r.example.shown, "3")
    assert w.visitor.why_button.isEnabled()
    # The visitor's picture went to the gallery folder.
    qtbot.waitUntil(lambda: c.saved_images == 1, timeout=TIMEOUT)
    (folder,) = gallery.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["elites"][0]["class_name"] == "3"
    assert manifest["elites"][0]["confidence"] >= 0.999
    assert w.visitor.notice.text() == "Your picture was saved in the gallery."

    touch(w, w.visitor.why_button)
    qtbot.waitUntil(lambda: c.state == WHY, timeout=5000)
    titles = []
    for _ in range(3):
        titles.append(w.why.card_title.text())
        assert word_count(w.why.card_text.text()) <= CARD_MAX_WORDS
        assert np.array_equal(w.why.image.shown, r.evolved.shown)
        touch(w, w.why.next_button)
    assert len(set(titles)) == 3

    touch(w, w.why.again_button)
    qtbot.waitUntil(lambda: c.state == CHOOSING, timeout=5000)
    touch(w, w.chooser.back_button)
    qtbot.waitUntil(lambda: c.state == ATTRACT, timeout=5000)
    assert w.current_page is w.attract
    assert w.visitor.result.evolved.shown is None  # the visitor's state is gone
    qtbot.waitUntil(lambda: c.attract_phase == "evolving", timeout=TIMEOUT)


def test_idle_warning_then_back_to_the_loop_with_the_visit_cleared(qtbot, make_kiosk):
    # time_scale: 6 s of quiet and a 4 s warning become 0.6 s and 0.4 s.
    kiosk = make_kiosk(quick_config(idle_seconds=6.0, warning_seconds=4.0, time_scale=10.0))
    c, w = kiosk.controller, kiosk.window
    qtbot.waitUntil(lambda: c.attract_phase in ("evolving", "holding"), timeout=TIMEOUT)
    c.begin_visit()
    c.choose(0)
    qtbot.waitUntil(lambda: w.idle.isVisible(), timeout=TIMEOUT)
    assert w.idle.title.text() == "Are you still there?"
    assert "The show starts again in" in w.idle.countdown.text()
    assert w.idle.button.height() >= MIN_TOUCH_PX
    qtbot.waitUntil(lambda: c.state == ATTRACT, timeout=TIMEOUT)
    assert not w.idle.isVisible()
    assert w.current_page is w.attract
    assert w.visitor.result.label == "" and w.visitor.result.evolved.shown is None
    qtbot.waitUntil(lambda: c.attract_phase == "evolving", timeout=TIMEOUT)
    assert c.visitor_sessions == 1 and c.error_count == 0


def test_keep_going_dismisses_the_warning_and_the_visit_goes_on(qtbot, make_kiosk):
    kiosk = make_kiosk(quick_config(idle_seconds=6.0, warning_seconds=40.0, time_scale=10.0))
    c, w = kiosk.controller, kiosk.window
    c.begin_visit()
    qtbot.waitUntil(lambda: w.idle.isVisible(), timeout=TIMEOUT)
    touch(w, w.idle.button)
    qtbot.waitUntil(lambda: not w.idle.isVisible(), timeout=5000)
    assert c.state == CHOOSING
    # Still nobody there: the warning comes back.
    qtbot.waitUntil(lambda: w.idle.isVisible(), timeout=TIMEOUT)
    touch(w)  # a touch anywhere also counts
    qtbot.waitUntil(lambda: not w.idle.isVisible(), timeout=5000)
    assert c.state == CHOOSING


def test_heartbeat_file_is_rewritten_for_monitoring(qtbot, make_kiosk, tmp_path):
    beat = tmp_path / "run" / "heartbeat.json"
    kiosk = make_kiosk(quick_config(heartbeat_file=beat, heartbeat_seconds=0.2))
    qtbot.waitUntil(lambda: beat.exists(), timeout=TIMEOUT)
    first = json.loads(beat.read_text())
    qtbot.waitUntil(lambda: kiosk.controller.attract_cycles >= 1 and
                    json.loads(beat.read_text())["attract_cycles"] >= 1, timeout=TIMEOUT)
    later = json.loads(beat.read_text())
    assert later["unix_time"] > first["unix_time"]
    assert later["state"] == "attract" and later["error_count"] == 0
    assert later["rss_mb"] > 10 and later["model"] == "lenet"


def test_a_touch_while_the_model_is_still_loading_gets_the_buttons_once_it_is(qtbot, make_kiosk):
    import time

    from fooling_gui.core.models import load_model
    from fooling_gui.ui.evolution_worker import EvolutionWorker
    from fooling_gui.sessions.paced_session import PacedSession

    config = quick_config()

    def slow_load(name, random_init):
        time.sleep(0.8)  # a big model from a slow disk
        return load_model(name)

    kiosk = make_kiosk(config, lambda: EvolutionWorker(PacedSession(
        config.pace, config.target_confidence, load=slow_load)))
    c, w = kiosk.controller, kiosk.window
    assert c.attract_phase == "loading"
    touch(w)
    qtbot.waitUntil(lambda: c.state == CHOOSING, timeout=5000)
    assert w.chooser.caption.text() == "Getting the next picture ready\u2026"
    qtbot.waitUntil(lambda: sorted(w.chooser.buttons) == [0, 3], timeout=TIMEOUT)
    assert "Touch one" in w.chooser.caption.text()


def test_many_visits_leave_nothing_behind(qtbot, make_kiosk):
    """Memory stays flat over a day of visits: no run's job handle outlives it."""
    import gc

    from fooling_gui.ui.job_thread import Job

    def live_jobs() -> int:
        gc.collect()
        return sum(type(o) is Job for o in gc.get_objects())

    kiosk = make_kiosk(quick_config())
    c = kiosk.controller
    qtbot.waitUntil(lambda: c.attract_phase == "evolving", timeout=TIMEOUT)
    baseline = live_jobs()
    for i in range(15):
        c.begin_visit()
        c.choose((0, 3)[i % 2])
        qtbot.waitUntil(lambda: c.state == RESULT, timeout=TIMEOUT)
        c.show_why()
        c.end_visit()
    qtbot.waitUntil(lambda: c.attract_phase == "holding", timeout=TIMEOUT)
    assert live_jobs() <= baseline + 2  # the current run and request, at most


def test_the_kiosk_catches_up_after_a_lost_frame(qtbot, make_kiosk):
    # Direct encoding takes many generations on "1": frames keep coming.
    kiosk = make_kiosk(quick_config(encoding="direct", classes=(1,), max_generations=400,
                                    generations_per_second=30.0))
    c, result = kiosk.controller, kiosk.window.attract.result
    c.worker.frame.disconnect(c._on_frame)
    seen = []

    def lossy(frame):  # frames carry only what changed: losing two leaves a gap
        seen.append(frame)
        if len(seen) not in (3, 4):
            c._on_frame(frame)

    c.worker.frame.connect(lossy)

    def caught_up():
        images = [f.snapshot.image_of(0) for f in seen]
        latest = next((i for i in reversed(images) if i is not None), None)
        return (len(seen) > 8 and any(f.snapshot.whole for f in seen[4:])
                and latest is not None and np.array_equal(result.evolved.shown, latest))

    qtbot.waitUntil(caught_up, timeout=TIMEOUT)
    assert c.generations_shown >= seen[-1].snapshot.cursor.history_length - 1


def test_class_buttons_share_one_type_size_so_a_short_name_does_not_stand_out(qtbot):
    from fooling_gui.ui.kiosk.pages import ChooserPage
    from fooling_gui.ui.kiosk.texts import Texts

    page = ChooserPage(Texts("en"))
    qtbot.addWidget(page)
    page.set_classes([(1, "goldfish"), (281, "cat"), (291, "lion")])
    assert {b.objectName() for b in page.buttons.values()} == {"classButtonLong"}
    page.set_classes([(i, str(i)) for i in range(10)])  # the digits: large type
    assert {b.objectName() for b in page.buttons.values()} == {"classButton"}
