"""An experiment's progress bar ends exactly at its planned number of generations."""

import pytest

from fooling_gui.core.attacks.experiments import (
    ExperimentHooks,
    planned_generations,
    run_experiment,
)

TINY = {"generations": 2, "batch": 10, "seed": 0}


@pytest.mark.parametrize("experiment, settings", [
    ("threshold", {"runs": 2, "noise": 0}),
    ("smoothing", {"runs": 1, "kind": "median", "settings": [1, 3], "adaptive_generations": 1}),
    ("retrain", {"rounds": 0}),
    ("transfer", {"models": 1, "train_epochs": 1}),
    ("ensemble", {"members": 2, "train_epochs": 1, "mode": "both"}),
])
def test_generations_counted_match_the_plan(lenet, experiment, settings):
    counted = []
    logs = []
    hooks = ExperimentHooks(log=logs.append, on_generation=counted.append)
    run_experiment(experiment, lenet, hooks=hooks, **TINY, **settings)
    assert len(counted) == planned_generations(experiment, **TINY, **settings)
    assert not any("None" in line for line in logs)  # "never", not Python's None
