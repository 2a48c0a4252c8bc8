"""From a model choice and settings to a checked run: the one path of the window, the
kiosk and the commands."""

from __future__ import annotations

import numpy as np
import pytest

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.memory_guard import LIMIT_VARIABLE
from fooling_gui.sessions import ModelCache, ModelKey
from fooling_gui.sessions.evolution_session import EvolutionSession
from fooling_gui.sessions.job_control import JobControl
from fooling_gui.sessions.run_builder import RunChoices, build_run


@pytest.fixture(scope="module")
def models():
    return ModelCache(spare=2)


def test_what_is_left_open_takes_the_models_defaults(models):
    lenet = models.get("lenet").spec
    lite0 = models.get("efficientnet_lite0").spec
    config = RunChoices(ModelKey("lenet"), "cppn").config(lenet)
    assert (config.batch, config.eval_batch) == (200, None)  # the paper's; one pass
    centre = RunChoices(ModelKey("efficientnet_lite0"), "cppn", ten_crop=False).config(lite0)
    assert (centre.batch, centre.eval_batch) == (400, 8)  # Lite0's own pass on a CPU
    ten = RunChoices(ModelKey("efficientnet_lite0"), "direct").config(lite0)  # paper: 10 crops
    assert (ten.batch, ten.eval_batch, ten.ten_crop) == (200, 1, True)
    given = RunChoices(ModelKey("efficientnet_lite0"), "cppn", batch=12, eval_batch=5,
                       ten_crop=False).config(lite0)
    assert (given.batch, given.eval_batch) == (12, 5)


def test_the_crops_are_stated_in_the_config_not_left_to_the_preset(models):
    spec = models.get("lenet").spec
    paper = RunChoices(ModelKey("lenet"), "direct").config(spec)
    legacy = RunChoices(ModelKey("lenet"), "direct", preset="legacy").config(spec)
    assert paper.ten_crop is True and legacy.ten_crop is False  # a manifest says which


def test_a_run_is_built_on_the_cached_model_scoring_as_its_config_says(models):
    config = RunChoices(ModelKey("efficientnet_lite0"), "cppn", generations=1, batch=2,
                        classes=(1,), ten_crop=True).config(models.get("efficientnet_lite0").spec)
    run = build_run(models, config)
    assert run.spec.ten_crop and run.classifier.module is models.get("efficientnet_lite0").module
    assert run.archive.class_indices.tolist() == [1]


def test_a_checked_run_makes_the_same_images_as_a_plain_one(models):
    config = RunChoices(ModelKey("lenet"), "cppn", generations=3, batch=10, seed=5,
                        eval_batch=4).config(models.get("lenet").spec)
    checks = []
    plain = build_run(models, config)
    checked = build_run(models, config, checkpoint=lambda: checks.append(1))
    for run in (plain, checked):
        for _ in run.iterate():
            pass
    assert checks  # the checkpoint was called between chunks
    np.testing.assert_array_equal(plain.archive.images, checked.archive.images)
    np.testing.assert_array_equal(plain.archive.confidences, checked.archive.confidences)


def test_a_run_too_large_for_memory_is_refused_in_the_windows_words(monkeypatch):
    monkeypatch.setenv(LIMIT_VARIABLE, "1M")
    config = RunChoices(ModelKey("lenet"), "direct", batch=5000).config(
        ModelCache().get("lenet").spec)
    with pytest.raises(FoolingError, match="--batch"):
        build_run(ModelCache(), config)  # a command's flags
    session = EvolutionSession()
    with pytest.raises(FoolingError, match="smaller number of offspring"):
        session.evolve(JobControl(interval_s=0.0), config)
    assert session.run is None  # nothing was allocated, the last run stays
