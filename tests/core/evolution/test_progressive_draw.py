"""A many-class run's snapshot draws only some pending elite images; the rest follow.

Elites are drawn lazily when the network sees only a centre crop (ImageNet models);
a LeNet shown the centre 28×28 of 32×32 images stands in for AlexNet here.
"""

import dataclasses

import numpy as np
import pytest

from fooling_gui.core.evolution import EvolutionRun, RunConfig
from fooling_gui.core.models import load_model
from fooling_gui.core.models.classifier import Classifier


@pytest.fixture(scope="module")
def cropping_lenet():
    lenet = load_model("lenet")
    spec = dataclasses.replace(lenet.spec, image_size=(32, 32))
    classifier = Classifier(lenet.module, spec)
    assert classifier.crop_window == (2, 2, 28, 28)
    return classifier


def started_run(classifier) -> EvolutionRun:
    run = EvolutionRun(RunConfig(encoding="cppn", batch=20, generations=5, seed=0),
                       classifier=classifier)
    run.step()
    assert len(run.archive.filled) == 10 and run.archive.pending == 10
    return run


def test_snapshot_draws_at_most_max_draw_images_and_catches_up(cropping_lenet):
    run = started_run(cropping_lenet)
    first = run.snapshot(max_draw=4)
    assert first.pending_images == 6
    # The four drawn cells hold their elite; the others are still black, version 0.
    assert np.all(first.image_versions[:4] == 1) and np.all(first.image_versions[4:] == 0)
    assert first.elite_images[4:].max() == 0
    drawn = run._draw_full([run.archive.genomes[c] for c in range(4)])
    assert np.array_equal(first.elite_images[:4], drawn)
    assert run.snapshot(max_draw=4).pending_images == 2
    full = run.snapshot()
    assert full.pending_images == 0 and np.all(full.image_versions == 1)
    # Drawn late or all at once, an elite's picture is the same.
    assert np.array_equal(started_run(cropping_lenet).snapshot().elite_images,
                          full.elite_images)


def test_inspecting_one_elite_draws_only_that_one(cropping_lenet):
    run = started_run(cropping_lenet)
    elite = run.archive.elite(3)
    assert elite.image.shape == (32, 32, 1)
    assert np.array_equal(elite.image, run._draw_full([elite.genome])[0])
    assert run.archive.pending == 9
    assert len(run.archive.elites()) == 10 and run.archive.pending == 0


def test_a_snapshot_can_leave_out_the_offspring(cropping_lenet):
    run = started_run(cropping_lenet)
    lean = run.snapshot(offspring=False)
    assert lean.offspring.shape == (0, 32, 32, 1) and lean.offspring_best.size == 0
    full = run.snapshot()
    assert full.offspring.shape[0] == 20 and full.offspring_best.size == 20
