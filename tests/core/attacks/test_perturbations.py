"""FGSM and PGD on a LeNet trained here: inside the budget on the 8-bit grid, and they work."""

import numpy as np
import pytest
import torch

from fooling_gui.core.attacks import AttackCancelled, fgsm, pgd
from fooling_gui.core.attacks.perturbation import project_to_grid
from fooling_gui.core.errors import FoolingError
from fooling_gui.core.images import from_uint8


@pytest.fixture(scope="module")
def digits(digit_split):
    # Every 25th held-out digit: 40 digits of all classes.
    return digit_split.test_images[::25], digit_split.test_labels[::25].numpy()


def assert_inside_budget(result, eps):
    steps = result.adversarial.astype(int) - result.original.astype(int)
    assert np.abs(steps).max() <= np.floor(eps * 255 + 1e-6)
    assert result.max_linf <= eps
    np.testing.assert_allclose(result.perturbation, steps / 255.0, atol=1e-7)


def test_targeted_pgd_pushes_digits_to_the_next_digit_within_budget(lenet, digits):
    images, labels = digits
    targets = (labels + 1) % 10
    res = pgd(lenet, images, epsilon=0.3, labels=labels, targets=targets, steps=20)
    assert_inside_budget(res, 0.3)
    assert res.success_rate >= 0.9
    assert np.array_equal(res.success, res.predicted_after == targets)
    rows = np.arange(len(targets))
    assert np.all(res.probs_after[rows, targets] > res.probs_before[rows, targets])
    # Success is that of the saved 8-bit image, not of a float in between.
    probs = lenet.probabilities(from_uint8(res.adversarial)).numpy()
    np.testing.assert_allclose(probs, res.probs_after, atol=1e-5)


def test_untargeted_fgsm_flips_most_digits_and_stays_in_budget(lenet, digits):
    images, labels = digits
    res = fgsm(lenet, images, epsilon=0.3, labels=labels)
    assert_inside_budget(res, 0.3)
    clean_errors = float((res.predicted_before != labels).mean())
    assert res.success_rate >= max(0.8, clean_errors + 0.4)
    assert res.targets is None and not res.targeted


def test_many_small_steps_beat_one_big_step(lenet, digits):
    images, labels = digits
    images, labels = images[:20], labels[:20]
    one = fgsm(lenet, images, epsilon=0.25, labels=labels)
    many = pgd(lenet, images, epsilon=0.25, labels=labels, steps=20)
    assert many.success_rate >= one.success_rate
    assert many.success_rate >= 0.9


def test_budget_that_is_not_a_whole_number_of_grey_levels(lenet, digits):
    images, labels = digits
    res = pgd(lenet, images[:10], epsilon=0.1, labels=labels[:10], steps=5)
    assert_inside_budget(res, 0.1)
    assert res.max_linf == pytest.approx(25 / 255)  # 0.1 * 255 = 25.5 → 25 whole levels


def test_random_start_is_seeded(lenet, digits):
    images, labels = digits
    kw = {"epsilon": 0.1, "labels": labels[:8], "steps": 3, "random_start": True}
    a = pgd(lenet, images[:8], seed=1, **kw)
    b = pgd(lenet, images[:8], seed=1, **kw)
    c = pgd(lenet, images[:8], seed=2, **kw)
    np.testing.assert_array_equal(a.adversarial, b.adversarial)
    assert not np.array_equal(a.adversarial, c.adversarial)


def test_batches_do_not_change_the_answer(lenet, digits):
    images, _labels = digits
    whole = pgd(lenet, images[:12], epsilon=0.1, targets=3, steps=4)
    chunked = pgd(lenet, images[:12], epsilon=0.1, targets=3, steps=4, batch_size=5)
    np.testing.assert_array_equal(whole.adversarial, chunked.adversarial)


def test_progress_counts_every_step_and_can_cancel(lenet, digits):
    images, _ = digits
    seen = []
    pgd(lenet, images[:6], epsilon=0.1, steps=3, batch_size=4,
        progress=lambda done, total: seen.append((done, total)))
    assert seen == [(k, 6) for k in range(1, 7)]
    with pytest.raises(AttackCancelled):
        pgd(lenet, images[:2], epsilon=0.1, steps=3, progress=lambda done, total: False)


def test_labels_default_to_the_prediction_and_top_k_reads_names(lenet, digits):
    images, _ = digits
    res = fgsm(lenet, images[:4], epsilon=0.1)
    assert np.array_equal(res.labels, res.predicted_before)
    top = res.top_k(3, after=False)
    assert len(top) == 4 and len(top[0]) == 3
    assert top[0][0][1] == str(top[0][0][0])  # MNIST class names are the digits


@pytest.mark.parametrize("kwargs, words", [
    ({"epsilon": 0.0}, "epsilon"),
    ({"epsilon": 1.5}, "epsilon"),
    ({"epsilon": 0.001}, "8-bit"),
    ({"epsilon": 0.1, "targets": 10}, "outside"),
    ({"epsilon": 0.1, "labels": [1, 2]}, "labels"),
])
def test_user_mistakes_are_one_sentence_errors(lenet, digits, kwargs, words):
    with pytest.raises(FoolingError, match=words):
        fgsm(lenet, digits[0][:3], **kwargs)


def test_projection_keeps_the_grid_and_the_ball():
    original = torch.round(torch.rand(4, 1, 5, 5) * 255) / 255
    far = torch.rand(4, 1, 5, 5) * 3 - 1
    out = project_to_grid(far, original, 0.05)
    levels = out * 255
    assert torch.allclose(levels, levels.round(), atol=1e-4)
    assert float((out - original).abs().max()) <= 0.05 + 1e-7
    assert float(out.min()) >= 0 and float(out.max()) <= 1
