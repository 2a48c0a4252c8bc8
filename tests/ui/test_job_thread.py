"""The generic generator-job worker: pause, resume, stop, throttling, failures, interleaving."""

from __future__ import annotations

import threading
import time

import pytest

from fooling_gui.core.errors import FoolingError
from fooling_gui.ui.job_thread import JobRunner


@pytest.fixture
def runner(qtbot):
    r = JobRunner("test-jobs")
    yield r
    assert r.shutdown(5000)


def counting_job(control, progress: list, sleep_s: float = 0.002):
    """Counts up forever; records which thread ran it."""
    progress.append(threading.get_ident())
    n = 0
    while True:
        n += 1
        time.sleep(sleep_s)
        yield n


def test_values_arrive_in_gui_thread_and_job_runs_elsewhere(qtbot, runner):
    seen, threads = [], []
    job = runner.submit(counting_job, threads)
    job.yielded.connect(seen.append)
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=3000)
    assert threads[0] != threading.get_ident()
    # Throttled, latest wins: values skip ahead instead of queueing one by one.
    assert seen == sorted(seen)
    assert seen[-1] > len(seen)
    with qtbot.waitSignal(job.finished, timeout=2000):
        job.stop()


def test_pause_stops_progress_and_resume_continues(qtbot, runner):
    seen = []
    job = runner.submit(counting_job, [])
    job.yielded.connect(seen.append)
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=3000)
    with qtbot.waitSignal(job.paused, timeout=1000):
        job.pause()
    frozen = seen[-1]
    qtbot.wait(150)
    assert seen[-1] == frozen
    with qtbot.waitSignal(job.resumed, timeout=1000):
        job.resume()
    qtbot.waitUntil(lambda: seen[-1] > frozen, timeout=3000)
    with qtbot.waitSignals([job.stopped, job.finished], timeout=2000):
        job.stop()
    assert not job.is_running


def test_checkpoint_inside_a_long_step_honours_stop(qtbot, runner):
    entered = threading.Event()

    def long_step(control):
        entered.set()
        while True:  # one "step" that never yields, but checks in
            time.sleep(0.005)
            control.checkpoint()
        yield  # pragma: no cover

    job = runner.submit(long_step)
    assert entered.wait(3)
    with qtbot.waitSignal(job.stopped, timeout=1000):
        job.stop()


def test_returned_value_and_generator_return(qtbot, runner):
    plain = runner.submit(lambda control, a, b: a + b, 2, 3)
    with qtbot.waitSignal(plain.returned, timeout=2000) as blocker:
        pass
    assert blocker.args == [5]

    def gen(control):
        yield 1
        return "done"

    job = runner.submit(gen)
    with qtbot.waitSignal(job.returned, timeout=2000) as blocker:
        pass
    assert blocker.args == ["done"]


def test_failures_become_one_sentence_and_the_runner_lives_on(qtbot, runner, caplog):
    def user_error(control):
        raise FoolingError("No weights file at /nowhere.")

    def bug(control):
        yield 1
        raise ZeroDivisionError("division by zero")

    a = runner.submit(user_error)
    with qtbot.waitSignal(a.failed, timeout=2000) as blocker:
        pass
    assert blocker.args == ["No weights file at /nowhere."]

    b = runner.submit(bug)
    with qtbot.waitSignal(b.failed, timeout=2000) as blocker:
        pass
    assert blocker.args[0].startswith("Unexpected error: ZeroDivisionError")
    assert "Traceback" in caplog.text

    ok = runner.submit(lambda control: "still alive")
    with qtbot.waitSignal(ok.returned, timeout=2000) as blocker:
        pass
    assert blocker.args == ["still alive"]


def test_short_request_runs_between_steps_of_a_long_job(qtbot, runner):
    long_job = runner.submit(counting_job, [], 0.01)
    quick = runner.submit(lambda control: "answer")
    with qtbot.waitSignal(quick.returned, timeout=2000):
        pass
    assert long_job.is_running
    with qtbot.waitSignal(long_job.finished, timeout=2000):
        long_job.stop()


def test_final_value_is_never_lost(qtbot, runner):
    def burst(control):
        yield from range(1000)  # far faster than the throttle

    seen = []
    job = runner.submit(burst)
    job.yielded.connect(seen.append)
    with qtbot.waitSignal(job.finished, timeout=3000):
        pass
    assert seen[-1] == 999
    assert len(seen) < 1000


def test_shutdown_stops_a_running_job_and_runs_its_cleanup(qtbot):
    r = JobRunner("shutdown-test")
    cleaned = threading.Event()

    def job_with_cleanup(control):
        try:
            while True:
                time.sleep(0.002)
                yield None
        finally:
            cleaned.set()

    job = r.submit(job_with_cleanup)
    qtbot.waitUntil(lambda: job.is_running, timeout=2000)
    ended = []
    job.finished.connect(lambda: ended.append(True))
    assert r.shutdown(3000)
    assert cleaned.is_set()
    assert ended == [True]
    ran = []
    late = r.submit(lambda control: ran.append(True))  # e.g. a timer firing during close
    with qtbot.waitSignal(late.stopped, timeout=1000):
        pass
    assert ran == []


def test_pause_inside_a_long_step_is_reported_at_once(qtbot, runner):
    entered = threading.Event()

    def long_step(control):
        entered.set()
        while True:
            time.sleep(0.005)
            control.checkpoint()
        yield  # pragma: no cover

    job = runner.submit(long_step)
    assert entered.wait(3)
    with qtbot.waitSignal(job.paused, timeout=1000):  # no yield needed
        job.pause()
    with qtbot.waitSignal(job.resumed, timeout=1000):
        job.resume()
    with qtbot.waitSignal(job.stopped, timeout=1000):
        job.stop()
