"""Evolution against the shipped ImageNet network (real weights, offline)."""

from fooling_gui.core.evolution import EvolutionRun, RunConfig
from fooling_gui.core.models import load_model

# Classes the paper shows fooled (king penguin, school bus, baseball…) and two more.
CLASSES = (145, 779, 429, 967, 1)


def test_a_short_cppn_run_raises_the_median_over_a_few_classes():
    lite = load_model("efficientnet_lite0")
    # The paper's operators, scored on the centre crop (ten crops: the same, ten times slower).
    run = EvolutionRun(RunConfig(model="efficientnet_lite0", encoding="cppn", batch=32,
                                 generations=15, classes=CLASSES, seed=0, eval_batch=16,
                                 ten_crop=False),
                       classifier=lite)
    history = [run.step() for _ in range(16)]
    start, end = history[0], history[-1]
    assert end.median > 2 * start.median  # from ~0.2 % by a clear factor, not by noise
    assert end.mean > start.mean
    assert [s.median for s in history] == sorted(s.median for s in history)
    # A random start is not "fooling": the network says nothing much about it.
    assert start.best.max() < 0.5
