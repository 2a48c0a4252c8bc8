"""Frames: what changed since a consumer's cursor, read without changing the run."""

import numpy as np
import pytest

from fooling_gui.core.evolution import EvolutionRun, RunConfig
from fooling_gui.core.models import load_model


@pytest.fixture(scope="module")
def lenet():
    return load_model("lenet")


def new_run(lenet, encoding="direct", **kw) -> EvolutionRun:
    return EvolutionRun(RunConfig(encoding=encoding, batch=20, generations=40, seed=5, **kw),
                        classifier=lenet)


class Mirror:
    """What a view holds: it takes frames that follow its cursor, asks whole otherwise."""

    def __init__(self, cells: int, shape):
        self.cursor = None
        self.images = np.zeros((cells, *shape), np.uint8)
        self.generations: list[int] = []
        self.asked_whole = 0

    def take(self, frame) -> bool:
        if not frame.follows(self.cursor):
            return False
        if frame.whole:
            self.generations = []
        self.images[frame.image_cells] = frame.images
        self.generations += [s.generation for s in frame.new_stats]
        self.cursor = frame.cursor
        return True


@pytest.mark.parametrize("encoding", ["direct", "cppn"])
def test_taking_frames_leaves_the_run_exactly_as_without(lenet, encoding):
    watched, alone = new_run(lenet, encoding), new_run(lenet, encoding)
    cursor = None
    for _ in range(8):
        watched.step(), alone.step()
        first = watched.frame(cursor)
        again = watched.frame(cursor)  # the same question, the same answer
        assert np.array_equal(first.image_cells, again.image_cells)
        assert np.array_equal(first.images, again.images)
        assert first.new_stats == again.new_stats and first.cursor == again.cursor
        cursor = first.cursor
    for run in (watched, alone):
        run.step()
    np.testing.assert_array_equal(watched.archive.images, alone.archive.images)
    np.testing.assert_array_equal(watched.archive.confidences, alone.archive.confidences)
    assert watched.rng.bit_generator.state == alone.rng.bit_generator.state


def test_a_frame_carries_only_the_cells_that_changed_and_the_new_generations(lenet):
    run = new_run(lenet)
    for _ in range(5):
        run.step()
    cursor = run.frame().cursor
    before = run.archive.confidences.copy()
    for _ in range(3):
        run.step()
    frame = run.frame(cursor)
    changed = np.flatnonzero(run.archive.confidences != before)
    assert 0 < changed.size < len(run.archive)
    assert list(frame.image_cells) == list(changed) == list(frame.improved)
    np.testing.assert_array_equal(frame.images, run.archive.images[changed])
    assert [s.generation for s in frame.new_stats] == [5, 6, 7]
    np.testing.assert_array_equal(frame.confidences, run.archive.confidences)  # all cells
    assert frame.nbytes < run.frame().nbytes
    # The frame holds its own copies.
    run.archive.images[:] = 0
    assert frame.images.any()


def test_a_whole_frame_carries_every_image_and_the_whole_history(lenet):
    run = new_run(lenet)
    for _ in range(4):
        run.step()
    whole = run.frame()
    assert whole.whole and list(whole.image_cells) == list(range(len(run.archive)))
    np.testing.assert_array_equal(whole.images, run.archive.images)
    assert [s.generation for s in whole.new_stats] == [0, 1, 2, 3]
    assert whole.image_of(3) is not None and np.array_equal(whole.image_of(3),
                                                           run.archive.images[3])
    later = run.frame(whole.cursor)
    assert later.image_cells.size == 0 and later.new_stats == () and later.image_of(3) is None


def test_a_consumer_that_missed_frames_still_ends_with_every_image(lenet):
    run = new_run(lenet, "cppn")
    view = Mirror(len(run.archive), run.archive.images.shape[1:])
    cursor = None
    for generation in range(12):
        run.step()
        frame = run.frame(cursor)  # the producer's cursor: the last frame it sent
        cursor = frame.cursor
        if generation in (3, 4, 7):
            continue  # lost on the way
        if not view.take(frame):
            view.asked_whole += 1
            whole = run.frame()
            cursor = whole.cursor
            assert view.take(whole)
    assert view.asked_whole == 2  # after each gap, once
    np.testing.assert_array_equal(view.images, run.archive.images)
    assert view.generations == list(range(12))


def test_ask_and_tell_refuse_calls_out_of_order(lenet):
    run = new_run(lenet)
    with pytest.raises(RuntimeError, match="without ask"):
        run.tell(np.zeros((20, 10), np.float32), images=lambda rows: None)
    genomes = run.ask()
    with pytest.raises(RuntimeError, match="again before tell"):
        run.ask()
    images, probs = run.evaluate(genomes)
    from fooling_gui.core.images import to_uint8

    stats = run.tell(probs, images=lambda rows: to_uint8(images[rows]))
    assert stats.generation == 0 and run.generation == 0 and len(run.archive.filled) == 10
    stepped = new_run(lenet)
    stepped.step()
    np.testing.assert_array_equal(stepped.archive.images, run.archive.images)


def test_a_resumed_run_sends_every_image_and_frames_on(lenet, tmp_path):
    from fooling_gui.core.evolution import load_run, save_run

    run = new_run(lenet)
    for _ in range(3):
        run.step()
    save_run(run, tmp_path / "run.pt")
    resumed = load_run(tmp_path / "run.pt", classifier=lenet)
    whole = resumed.frame()
    np.testing.assert_array_equal(whole.images, run.archive.images)
    assert [s.generation for s in whole.new_stats] == [0, 1, 2]
    run.step(), resumed.step()
    later = resumed.frame(whole.cursor)
    assert [s.generation for s in later.new_stats] == [3]
    np.testing.assert_array_equal(later.images, run.archive.images[later.image_cells])
    np.testing.assert_array_equal(resumed.archive.images, run.archive.images)
