"""A many-class run draws its elite images when asked, some at a time; frames bring
each image once it is drawn.

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


def test_frames_bring_each_elite_image_once_drawn(cropping_lenet):
    run = started_run(cropping_lenet)
    first = run.frame()
    assert first.pending_images == 10 and first.image_cells.size == 0
    assert list(first.improved) == list(range(10))  # their scores are there at once
    run.archive.draw_pending(4)
    second = run.frame(first.cursor)
    assert second.pending_images == 6 and list(second.image_cells) == [0, 1, 2, 3]
    drawn = run._draw_full([run.archive.genomes[c] for c in range(4)])
    assert np.array_equal(second.images, drawn)
    assert second.improved.size == 0  # no new elite since the first frame
    run.archive.draw_pending()
    third = run.frame(second.cursor)
    assert third.pending_images == 0 and list(third.image_cells) == list(range(4, 10))
    # Drawn late or all at once, an elite's picture is the same.
    at_once = started_run(cropping_lenet)
    at_once.archive.draw_pending()
    assert np.array_equal(at_once.frame().images, np.concatenate([second.images, third.images]))


def test_inspecting_one_elite_draws_only_that_one(cropping_lenet):
    run = started_run(cropping_lenet)
    elite = run.archive.elite(3)
    assert elite.image.shape == (32, 32, 1)
    assert np.array_equal(elite.image, run._draw_full([elite.genome])[0])
    assert run.archive.pending == 9
    assert len(run.archive.elites()) == 10 and run.archive.pending == 0


def test_a_frame_can_leave_out_the_offspring(cropping_lenet):
    run = started_run(cropping_lenet)
    lean = run.frame(offspring=False)
    assert lean.offspring.shape == (0, 32, 32, 1) and lean.offspring_best.size == 0
    full = run.frame()
    assert full.offspring.shape[0] == 20 and full.offspring_best.size == 20
