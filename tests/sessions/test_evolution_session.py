"""What the worker thread does for the GUI, tested without threads or widgets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.evolution import RunConfig
from fooling_gui.core.images import adapt_channels
from fooling_gui.core.models.top_classes import top_classes
from fooling_gui.sessions.checked_steps import CheckedClassifier
from fooling_gui.sessions.evolution_session import EvolutionSession
from fooling_gui.sessions.job_control import JobControl, JobStopped


@pytest.fixture(scope="module")
def session():
    return EvolutionSession()


def run_generations(session, config, n, seed_cell=None):
    control = JobControl(interval_s=0.0)
    frames = session.evolve(control, config, seed_cell)
    out = [next(frames) for _ in range(n)]
    frames.close()
    return out


def test_frames_carry_every_generation_once(session):
    control = JobControl(interval_s=1e9)
    frames = session.evolve(control, RunConfig(encoding="cppn", batch=16, generations=100))
    first = next(frames)  # the first frame is always due
    assert [s.generation for s in first.snapshot.new_stats] == [0]
    control._mark_sent()  # as the worker does: now nothing is due, no snapshot is built
    assert [next(frames) for _ in range(3)] == [None, None, None]
    control._mark_delivered()
    control._last_emit = float("-inf")  # a frame is due again
    frame = next(frames)
    frames.close()
    assert [s.generation for s in frame.snapshot.new_stats] == [1, 2, 3, 4]
    assert frame.model.name == "lenet" and len(frame.snapshot.class_names) == 10


def test_frames_after_the_first_carry_only_what_changed(session):
    control = JobControl(interval_s=0.0)
    frames = session.evolve(control, RunConfig(encoding="direct", batch=16, generations=100,
                                               seed=4))
    first = next(frames)
    assert first.snapshot.whole and list(first.snapshot.image_cells) == list(range(10))
    mirror = first.snapshot.images.copy()
    cursor = first.snapshot.cursor
    for _ in range(6):
        snap = next(frames).snapshot
        assert snap.follows(cursor) and not snap.whole
        assert list(snap.image_cells) == list(snap.improved)  # only the cells that changed
        mirror[snap.image_cells] = snap.images
        cursor = snap.cursor
    frames.close()
    np.testing.assert_array_equal(mirror, session.run.archive.images)
    assert session.current_frame().snapshot.follows(cursor)  # nothing lost: no new cells
    whole = session.current_frame(whole=True).snapshot  # a view that starts afresh
    assert whole.whole and len(whole.new_stats) == 7
    np.testing.assert_array_equal(whole.images, session.run.archive.images)


def test_back_to_the_previous_run_starts_with_a_whole_frame(session):
    run_generations(session, RunConfig(encoding="direct", batch=16, generations=100, seed=6), 4)
    run_generations(session, RunConfig(encoding="direct", batch=16, generations=100, seed=7), 2)
    frames = session.resume_previous(JobControl(interval_s=0.0))
    first = next(frames).snapshot
    frames.close()
    assert first.whole and [s.generation for s in first.new_stats] == [0, 1, 2, 3]
    assert first.image_cells.size == 10


def test_inspector_answers_describe_the_elite(session):
    run_generations(session, RunConfig(encoding="cppn", batch=16, generations=100, seed=1), 3)
    d = session.elite_details(7)
    assert d.class_name == "7" and d.class_index == 7
    assert d.top[0][2] >= d.top[1][2] and len(d.top) == 5
    assert d.can_render and "nodes" in d.genome["genome"]
    json.dumps(d.genome)  # goes into PNG metadata as JSON

    big = session.render_high_res(7, 96)
    assert big.image.shape == (96, 96, 1) and big.image.dtype == np.uint8

    score = session.score_on(7, "lenet")
    assert score.top[0][0] == d.top[0][0]  # same model, same verdict
    with pytest.raises(FoolingError):
        session.render_high_res(7, 100_000)


def test_evolve_from_an_elite_starts_with_it(session):
    run_generations(session, RunConfig(encoding="direct", batch=12, generations=100, seed=2), 2)
    parent = session.elite_details(3)
    frame = run_generations(session, RunConfig(encoding="direct", batch=12, generations=100,
                                               seed=5), 1, seed_cell=3)[0]
    assert frame.seeded_from.startswith("3 ")
    # Generation 0 holds the parent itself, so class 3 starts at least as good.
    assert frame.snapshot.confidences[3] >= parent.confidence - 1e-6
    with pytest.raises(FoolingError, match="direct encoding"):
        run_generations(session, RunConfig(encoding="cppn", batch=12, generations=10), 1,
                        seed_cell=3)


def test_requests_without_a_run_are_one_sentence(session):
    fresh = EvolutionSession()
    with pytest.raises(FoolingError, match="no run"):
        fresh.elite_details(0)
    with pytest.raises(FoolingError, match="no run"):
        fresh.export("/tmp/nowhere", False)


def test_export_writes_a_gallery(session, tmp_path):
    run_generations(session, RunConfig(encoding="cppn", batch=16, generations=100, seed=3), 2)
    manifest = session.export(tmp_path / "gallery", overwrite=False)
    data = json.loads(manifest.read_text())
    assert len(data["elites"]) == 10
    assert (tmp_path / "gallery" / "contact_sheet.png").is_file()


def test_checked_classifier_stops_between_chunks(session):
    lenet = session.classifier("lenet")
    control = JobControl()
    checked = CheckedClassifier(lenet, control.checkpoint)
    import torch

    images = torch.rand(8, 1, 28, 28)
    # The same chunks as the classifier's own: bit for bit its results.
    assert torch.equal(checked.probabilities(images, batch_size=3),
                       lenet.probabilities(images, batch_size=3))
    control.stop()
    assert checked.probabilities(images).shape == (8, 10)  # one chunk: no checkpoint
    with pytest.raises(JobStopped):
        checked.probabilities(images, batch_size=3)  # stops between chunks


def test_helpers():
    import torch

    grey = torch.rand(2, 1, 5, 5)
    assert adapt_channels(grey, 3).shape == (2, 3, 5, 5)
    assert torch.allclose(adapt_channels(adapt_channels(grey, 3), 1), grey, atol=1e-6)
    rows = top_classes(np.array([0.1, 0.6, 0.3]), ("a", "b", "c"), k=2)
    assert rows == ((1, "b", 0.6), (2, "c", pytest.approx(0.3)))


def test_window_runs_match_headless_runs_even_when_chunked(session):
    from fooling_gui.core.evolution import EvolutionRun

    config = RunConfig(encoding="cppn", batch=16, generations=100, seed=9, eval_batch=5)
    frames = session.evolve(JobControl(interval_s=0.0), config)
    next(frames)
    # Force the slow-model path: every render in chunks of one, checks between the
    # forward passes.
    session.run.encoding._timer.chunk_seconds = 1e-12
    for _ in range(3):
        next(frames)
    frames.close()
    headless = EvolutionRun(config, classifier=session.classifier("lenet"))
    for _ in range(4):
        headless.step()
    np.testing.assert_array_equal(session.run.archive.images, headless.archive.images)
    np.testing.assert_allclose(session.run.archive.confidences, headless.archive.confidences,
                               rtol=1e-5)
