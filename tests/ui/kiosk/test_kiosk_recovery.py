"""Running for days: failures and stalls end on the attract loop, without anyone's help."""

from __future__ import annotations

import time

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models import load_model
from fooling_gui.ui.evolution_worker import EvolutionWorker
from fooling_gui.ui.kiosk.controller import ATTRACT, VISITING
from fooling_gui.sessions.paced_session import PacedSession

from .conftest import TIMEOUT, quick_config


class FlakyClassifier:
    """LeNet, except that one forward pass raises once :meth:`fail_after` armed it."""

    def __init__(self):
        self._inner = load_model("lenet")
        self.calls = 0
        self.fail_at = -1

    def fail_after(self, calls: int) -> None:
        self.fail_at = self.calls + calls

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def probabilities(self, images, batch_size=None):
        self.calls += 1
        if self.calls == self.fail_at:
            raise RuntimeError("simulated fault in the model")
        return self._inner.probabilities(images, batch_size)


def factory(config, load=None, session_cls=PacedSession):
    return lambda: EvolutionWorker(session_cls(config.pace, config.target_confidence, load=load))


def test_a_model_that_will_not_load_is_reported_and_the_loop_retries(qtbot, make_kiosk):
    config = quick_config()
    attempts = []

    def load(name, random_init):
        attempts.append(name)
        if len(attempts) == 1:
            raise FoolingError("The weights file is missing.")
        return load_model(name)

    kiosk = make_kiosk(config, factory(config, load), start=False)
    kiosk.controller.recover_delays_s = (0.2,)
    kiosk.start()
    c = kiosk.controller
    qtbot.waitUntil(lambda: c.error_count == 1, timeout=TIMEOUT)
    assert c.errors == ["The weights file is missing."]
    assert c.attract_phase == "resting"
    assert "restarting" in kiosk.window.attract.caption.text()
    qtbot.waitUntil(lambda: c.attract_cycles >= 1, timeout=TIMEOUT)
    assert c.error_count == 1 and c.state == ATTRACT


def test_a_failure_during_a_visit_returns_to_the_loop_by_itself(qtbot, make_kiosk):
    # Direct encoding takes many generations on "1": the fault comes mid-run.
    config = quick_config(encoding="direct", classes=(1,), max_generations=400,
                          generations_per_second=30.0)
    flaky = FlakyClassifier()
    kiosk = make_kiosk(config, factory(config, lambda name, ri: flaky), start=False)
    kiosk.controller.recover_delays_s = (0.2,)
    kiosk.start()
    c, w = kiosk.controller, kiosk.window
    qtbot.waitUntil(lambda: c.attract_phase == "evolving", timeout=TIMEOUT)
    c.begin_visit()
    flaky.fail_after(3)
    c.choose(1)
    assert c.state == VISITING
    qtbot.waitUntil(lambda: c.error_count == 1, timeout=TIMEOUT)
    assert "simulated fault" in c.errors[0]
    assert c.state == ATTRACT and w.current_page is w.attract
    assert w.visitor.result.evolved.shown is None
    before = c.generations_shown
    qtbot.waitUntil(lambda: c.attract_phase == "evolving" and c.generations_shown > before,
                    timeout=TIMEOUT)


def test_a_model_that_keeps_failing_leaves_the_rotation(qtbot, make_kiosk):
    kiosk = make_kiosk(quick_config(models=("no-such-model", "lenet")), start=False)
    kiosk.controller.recover_delays_s = (0.1,)
    kiosk.start()
    c = kiosk.controller
    qtbot.waitUntil(lambda: c.attract_cycles >= 2, timeout=TIMEOUT)
    assert c.rotation.models == ["lenet"]
    assert c.error_count == 2 and all("no-such-model" in e for e in c.errors)


class StallingSession(PacedSession):
    """A session whose first run never produces a generation (but can be stopped)."""

    stalled = False

    def evolve(self, control, config, seed_cell=None):
        if StallingSession.stalled:
            return super().evolve(control, config, seed_cell)
        StallingSession.stalled = True

        def hang():
            while True:
                control.checkpoint()
                time.sleep(0.02)
            yield  # a generator, never reached

        return hang()


def test_a_stalled_worker_is_replaced_and_the_show_goes_on(qtbot, make_kiosk):
    config = quick_config(stall_seconds=0.5)
    StallingSession.stalled = False
    kiosk = make_kiosk(config, factory(config, session_cls=StallingSession), start=False)
    kiosk.controller.recover_delays_s = (0.1,)
    first_worker = kiosk.controller.worker.worker
    kiosk.start()
    c = kiosk.controller
    qtbot.waitUntil(lambda: c.error_count == 1, timeout=TIMEOUT)
    assert "stopped responding" in c.errors[0]
    assert c.worker.worker is not first_worker and c.worker.replacements == 1
    qtbot.waitUntil(lambda: c.attract_cycles >= 1, timeout=TIMEOUT)
