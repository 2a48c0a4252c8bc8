"""Run files written before the paper preset load with the operators they were made with."""

import json

import numpy as np
import pytest
import torch

from fooling_gui.core.evolution import EvolutionRun, RunConfig, load_run, save_run
from fooling_gui.core.models import load_model


@pytest.fixture(scope="module")
def lenet():
    return load_model("lenet")


@pytest.mark.parametrize("encoding", ["cppn", "direct"])
def test_a_first_format_run_file_resumes_exactly_with_the_legacy_operators(lenet, tmp_path,
                                                                          encoding):
    config = RunConfig(encoding=encoding, batch=16, generations=6, seed=3, preset="legacy")
    whole = EvolutionRun(config, classifier=lenet)
    whole.run()
    half = EvolutionRun(RunConfig.from_dict({**config.to_dict(), "generations": 3}),
                        classifier=lenet)
    half.run()
    path = save_run(half, tmp_path / "run.pt")
    # What fooling-gui wrote before the paper preset: format 1, no preset in the config.
    state = torch.load(path, weights_only=True)
    old_config = json.loads(state["config"])
    del old_config["preset"]
    state.update(format="fooling-gui-run/1", config=json.dumps(old_config))
    torch.save(state, path)

    resumed = load_run(path, classifier=lenet)
    assert resumed.config.preset == "legacy"
    resumed.extend(6)
    resumed.run()
    assert np.array_equal(resumed.archive.confidences, whole.archive.confidences)
    assert np.array_equal(resumed.archive.images, whole.archive.images)
