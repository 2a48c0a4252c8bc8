"""The kiosk's worker side: paced, stoppable runs that end at the target confidence."""

from __future__ import annotations

import pytest

from fooling_gui.core.evolution import RunConfig
from fooling_gui.sessions.job_control import JobControl, JobStopped
from fooling_gui.sessions.paced_session import PacedSession, SavedImage, wait_until


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_waiting_is_sliced_so_a_stop_takes_effect_quickly():
    clock, control = FakeClock(), JobControl()
    wait_until(control, 0.2, clock, clock.sleep)
    assert clock.now == pytest.approx(0.2)
    assert max(clock.sleeps) <= 0.05 and len(clock.sleeps) == 4

    calls = []

    def sleep_then_stop(seconds):
        calls.append(seconds)
        clock.now += seconds
        control.stop()  # a stop request arrives while the job waits

    with pytest.raises(JobStopped):
        wait_until(control, clock.now + 10.0, clock, sleep_then_stop)
    assert len(calls) == 1  # it noticed at the next slice, not after 10 s


def run_to_end(session, config):
    control = JobControl(interval_s=0.0)
    frames = []
    gen = session.evolve(control, config)
    try:
        while True:
            frame = next(gen)
            if frame is not None:
                frames.append(frame)
    except StopIteration as done:
        return frames, done.value


def test_a_run_ends_as_soon_as_the_target_confidence_is_reached():
    session = PacedSession(pace=1000.0, target_confidence=0.99)
    config = RunConfig(model="lenet", encoding="cppn", batch=30, generations=60,
                       classes=(3,), seed=1)
    frames, last = run_to_end(session, config)
    assert last.snapshot.confidences[0] >= 0.99
    assert last.snapshot.generation < 60  # stopped early, not at the cap
    # Every generation is drawn once, in order, across the frames.
    gens = [s.generation for f in (*frames, last) for s in f.snapshot.new_stats]
    assert gens == list(range(last.snapshot.generation + 1))


def test_a_run_that_never_gets_there_stops_at_the_cap():
    session = PacedSession(pace=1000.0, target_confidence=0.999999)
    config = RunConfig(model="lenet", encoding="direct", batch=10, generations=3,
                       classes=(1,), seed=0)
    _frames, last = run_to_end(session, config)
    assert last.snapshot.generation == 3


def test_saving_never_fails_the_worker(tmp_path):
    session = PacedSession(pace=1000.0, target_confidence=0.99)
    config = RunConfig(model="lenet", encoding="cppn", batch=20, generations=2, classes=(7,))
    run_to_end(session, config)
    saved = session.save_visitor_image(tmp_path / "visitor-1")
    assert isinstance(saved, SavedImage) and saved.problem == ""
    assert (saved.folder / "manifest.json").exists()
    assert (saved.folder / "0007_7.png").exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    failed = session.save_visitor_image(blocker)  # a file where the folder should go
    assert failed.folder is None and "is a file" in failed.problem


def test_pace_must_be_positive():
    with pytest.raises(ValueError):
        PacedSession(pace=0.0, target_confidence=0.9)
