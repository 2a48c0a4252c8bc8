"""The MAP-Elites loop on a real (small) model: seeding, resuming, budgets."""

import numpy as np
import pytest
import torch

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.evolution import EvolutionRun, RunConfig, load_run, save_run
from fooling_gui.core.images import from_uint8, quantize
from fooling_gui.core.models import load_model


@pytest.fixture(scope="module")
def lenet():
    return load_model("lenet")


@pytest.mark.parametrize("encoding", ["direct", "cppn"])
def test_same_seed_same_images(lenet, encoding):
    cfg = RunConfig(encoding=encoding, batch=20, generations=4, seed=3)
    a, b = EvolutionRun(cfg, classifier=lenet), EvolutionRun(cfg, classifier=lenet)
    a.run(), b.run()
    np.testing.assert_array_equal(a.archive.confidences, b.archive.confidences)
    np.testing.assert_array_equal(a.archive.images, b.archive.images)
    c = EvolutionRun(RunConfig(encoding=encoding, batch=20, generations=4, seed=4), classifier=lenet)
    c.run()
    assert not np.array_equal(a.archive.images, c.archive.images)


def test_recorded_confidence_is_that_of_the_saved_8bit_image(lenet):
    run = EvolutionRun(RunConfig(batch=30, generations=3, seed=1), classifier=lenet)
    run.run()
    probs = lenet.probabilities(from_uint8(run.archive.images)).numpy()
    cells = np.arange(len(run.archive))
    np.testing.assert_allclose(probs[cells, run.archive.class_indices],
                               run.archive.confidences, atol=1e-5)


def test_confidence_climbs_and_history_is_kept(lenet):
    run = EvolutionRun(RunConfig(batch=50, generations=15, seed=0), classifier=lenet)
    run.run()
    assert [s.generation for s in run.history] == list(range(16))
    first, last = run.history[0], run.history[-1]
    assert np.all(last.best >= first.best)  # elites never get worse
    assert last.median > first.median
    assert last.evaluations == 16 * 50


def test_saved_run_resumes_exactly(lenet, tmp_path):
    straight = EvolutionRun(RunConfig(encoding="cppn", batch=16, generations=6, seed=2),
                            classifier=lenet)
    straight.run()
    half = EvolutionRun(RunConfig(encoding="cppn", batch=16, generations=3, seed=2),
                        classifier=lenet)
    half.run()
    path = save_run(half, tmp_path / "run.pt")
    resumed = load_run(path, classifier=lenet)
    assert resumed.finished
    resumed.extend(6)
    resumed.run()
    np.testing.assert_array_equal(resumed.archive.images, straight.archive.images)
    np.testing.assert_array_equal(resumed.archive.confidences, straight.archive.confidences)
    assert len(resumed.history) == 7


def test_not_a_run_file_is_one_sentence(tmp_path):
    bad = tmp_path / "x.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(FoolingError, match="not a fooling-gui run file"):
        load_run(bad)


def test_unknown_class_is_refused(lenet):
    with pytest.raises(FoolingError, match="Class 12 does not exist"):
        EvolutionRun(RunConfig(classes=(3, 12)), classifier=lenet)


def test_bench_split_times_every_stage_of_the_loop():
    from fooling_gui.core.evolution.benchmark import benchmark
    from fooling_gui.core.evolution.stage_clock import STAGES
    from fooling_gui.core.models import load_model

    run = EvolutionRun(RunConfig(encoding="cppn", batch=16, generations=10**6, seed=0),
                       classifier=load_model("lenet"))
    result = benchmark(run, seconds=0.6, slices=1, split=True)
    assert set(result.split) == {*STAGES, "generations"} and result.split["generations"] >= 2
    assert all(result.split[s] > 0 for s in ("ask", "plan", "render", "score", "tell"))
    assert run.clock is None  # the loop is left unmeasured afterwards
