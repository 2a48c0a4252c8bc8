"""The ten-input logistic-regression example: small pushes add up."""

import numpy as np
import pytest

from fooling_gui.core.attacks import LogisticToy


def test_start_and_after_one_push_per_input_match_the_worked_example():
    toy = LogisticToy()
    assert toy.score() == pytest.approx(0.047, abs=0.01)
    pushed = toy.step_all()
    assert pushed.score() == pytest.approx(0.88, abs=0.01)
    assert pushed.max_change() == pytest.approx(0.5)  # no input moved more than 0.5


def test_each_step_moves_one_input_in_the_sign_of_its_weight():
    toy = LogisticToy()
    moved = toy.step(3)  # weight -1
    assert moved.x[3] == pytest.approx(toy.x[3] - 0.5)
    assert np.count_nonzero(moved.moved()) == 1
    assert moved.score() > toy.score()
    assert toy.x == LogisticToy().x  # the original toy is unchanged


def test_stepping_every_input_one_by_one_equals_step_all():
    toy = LogisticToy()
    for i in range(toy.size):
        toy = toy.step(i)
    assert toy.score() == pytest.approx(LogisticToy().step_all().score())
    assert toy.reset().score() == pytest.approx(LogisticToy().score())


def test_contributions_add_up_to_the_logit():
    toy = LogisticToy()
    assert toy.contributions().sum() == pytest.approx(toy.logit()) == pytest.approx(-3.0)


def test_bad_input_index_is_refused():
    with pytest.raises(IndexError):
        LogisticToy().step(10)
