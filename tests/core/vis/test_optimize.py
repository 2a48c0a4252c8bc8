import numpy as np
import pytest
import torch

from fooling_gui.core.errors import FoolingError
from fooling_gui.core.gallery.png_meta import read_png_text
from fooling_gui.core.images import from_uint8, load_image
from fooling_gui.core.vis import (
    channel_grid,
    class_steps,
    preset,
    run_to_end,
    unit_steps,
    visualize,
)
from fooling_gui.core.vis.export import save_vis_png, vis_png_text
from fooling_gui.core.vis.layers import capture_activations
from fooling_gui.core.vis.objectives import channel
from fooling_gui.core.vis.param import pixel_image

from .models import random_alexnet, sharp_lenet


@pytest.fixture(scope="module")
def lenet():
    return sharp_lenet()


def test_plain_gradient_ascent_fools_lenet_and_the_png_reproduces_it(lenet, tmp_path):
    config = preset("plain", steps=30)
    result = run_to_end(class_steps(lenet, 4, config, seed=1))
    assert result.start.confidence < 0.5
    assert result.confidence >= 0.9999
    path = save_vis_png(tmp_path / "four.png", result,
                        vis_png_text(lenet.spec, config, 1, result, preset="plain", class_index=4))
    reread = from_uint8(load_image(path, 1))
    assert float(lenet.probabilities(reread)[0, 4]) == pytest.approx(result.confidence, abs=1e-6)
    text = read_png_text(path)
    assert text["class_index"] == "4" and text["seed"] == "1" and "plain" in text["method"]
    assert float(text["confidence"]) == result.confidence


def test_one_batch_can_hold_one_image_per_class(lenet):
    result = run_to_end(class_steps(lenet, list(range(10)), preset("plain", steps=30, every=2),
                                    stop_at=0.9999))
    assert result.images.shape == (10, 28, 28, 1)
    assert result.final.confidences.min() >= 0.9999
    assert (lenet.probabilities(from_uint8(result.images)).argmax(1) == torch.arange(10)).all()


def test_steps_come_at_start_every_k_and_end_and_are_frozen_copies(lenet):
    states = list(class_steps(lenet, 2, preset("plain", steps=25, every=10)))
    assert [s.step for s in states] == [0, 10, 20, 25]
    assert states[-1].done and not states[0].done
    assert not np.array_equal(states[0].image, states[-1].image)
    with pytest.raises(ValueError):
        states[0].images[0, 0, 0, 0] = 7


def test_a_run_can_be_stopped_between_steps_and_early_at_a_confidence(lenet):
    gen = class_steps(lenet, 2, preset("plain", steps=500, every=1))
    first = [next(gen) for _ in range(3)]
    gen.close()  # what a GUI worker does on cancel
    assert [s.step for s in first] == [0, 1, 2]
    last = run_to_end(class_steps(lenet, 2, preset("plain", steps=500, every=1), stop_at=0.999))
    assert last.steps < 500 and last.confidence >= 0.999


def test_same_seed_same_image_other_seed_other_image(lenet):
    config = preset("readable", steps=6, every=3)
    a = run_to_end(class_steps(lenet, 7, config, seed=3))
    b = run_to_end(class_steps(lenet, 7, config, seed=3))
    c = run_to_end(class_steps(lenet, 7, config, seed=4))
    assert np.array_equal(a.image, b.image) and not np.array_equal(a.image, c.image)


def test_readable_preset_raises_the_class_logit(lenet):
    result = run_to_end(class_steps(lenet, 5, preset("readable", steps=20, every=20)))
    assert result.final.objective > result.start.objective + 1.0
    assert result.confidence > result.start.confidence


def test_blur_regulariser_makes_smoother_images(lenet):
    def roughness(config):
        img = run_to_end(class_steps(lenet, 3, config)).image[..., 0].astype(float)
        return np.abs(np.diff(img, axis=0)).mean() + np.abs(np.diff(img, axis=1)).mean()

    plain = preset("plain", steps=20, init="grey")
    assert roughness(plain.replace(blur_every=2, blur_sigma=1.0)) < 0.7 * roughness(plain)


def test_l2_decay_keeps_pixels_nearer_grey(lenet):
    plain = preset("plain", steps=20, init="grey", squash="sigmoid")
    free = run_to_end(class_steps(lenet, 3, plain)).image
    decayed = run_to_end(class_steps(lenet, 3, plain.replace(l2=50.0))).image
    assert np.abs(decayed / 255 - 0.5).mean() < np.abs(free / 255 - 0.5).mean()


def conv1_mean(lenet, images, c):
    with capture_activations(lenet.module, ["features.0"]) as acts:
        lenet.module(images)
    return acts["features.0"][:, c].mean()


def test_unit_visualisation_reaches_the_provable_maximum_of_lenet_conv1(lenet):
    # LeNet's first conv is linear in the pixels, so its channel mean over [0, 1] images
    # peaks exactly where every pixel with a positive weight is 1 and the rest 0.
    x = torch.zeros(1, 1, 28, 28, requires_grad=True)
    conv1_mean(lenet, x, 3).backward()
    with torch.no_grad():
        best = float(conv1_mean(lenet, (x.grad > 0).float(), 3))
    result = run_to_end(unit_steps(lenet, "features.0", 3, preset("plain", steps=40)))
    progress = (result.activation_end - result.activation_start) / (best - result.activation_start)
    assert progress > 0.95


def test_unit_visualisation_raises_a_deeper_lenet_channel(lenet):
    # LeNet's conv layers have no ReLU, so a channel's mean can start below zero;
    # a large rise, not a ratio, is what to expect.
    result = run_to_end(unit_steps(lenet, "features.2", 3, preset("plain", steps=30)))
    assert result.activation_end - result.activation_start > 1.0


def test_unit_visualisation_of_an_alexnet_conv_channel_on_a_small_image():
    alexnet = random_alexnet()
    result = run_to_end(unit_steps(alexnet, "features.3", 5,
                                   preset("plain", steps=12, size=(64, 64), every=12)))
    assert result.image.shape == (64, 64, 3)
    assert result.activation_end >= 10 * abs(result.activation_start)


def test_channel_grid_optimises_one_channel_per_image(lenet):
    result = channel_grid(lenet, "features.2", 4, preset("readable", steps=10, every=10))
    assert result.images.shape == (4, 28, 28, 1)
    assert (result.final.activations > result.start.activations).all()


def test_centre_neuron_mode(lenet):
    result = run_to_end(unit_steps(lenet, "features.2", 1, preset("plain", steps=10),
                                   centre_neuron=True))
    assert result.activation_end > result.activation_start


def test_user_errors_are_one_sentence(lenet):
    with pytest.raises(FoolingError, match="Class 10 does not exist"):
        class_steps(lenet, 10)
    with pytest.raises(FoolingError, match="channels 0 to 19"):
        unit_steps(lenet, "features.0", 20)
    with pytest.raises(FoolingError, match="cannot run on 40×40"):
        unit_steps(lenet, "classifier.1", 0, preset("plain", size=(40, 40)))
    with pytest.raises(FoolingError, match="no preset"):
        preset("pretty")


def test_composable_pieces_directly(lenet):
    param = pixel_image(1, (28, 28), batch=2, generator=torch.Generator().manual_seed(0))
    unit = channel("features.0", [0, 1])
    result = visualize(lenet, unit, param, steps=8, lr=0.05, every=4, unit=unit)
    assert result.final.activations.shape == (2,)
    assert (result.final.activations > result.start.activations).all()
