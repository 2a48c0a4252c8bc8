import pytest
import torch

from fooling_gui.core.vis.transforms import (
    blur,
    compose,
    gaussian_blur,
    jitter,
    pad,
    random_rotate,
    random_scale,
)


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def images(b=4, c=3, h=12, w=10, seed=0):
    return torch.rand((b, c, h, w), generator=gen(seed))


ALL = [jitter(3), random_scale((0.9, 1.1)), random_rotate(15), gaussian_blur(1.0),
       compose(jitter(2), random_scale((0.95, 1.05)), random_rotate(5))]


@pytest.mark.parametrize("transform", ALL)
def test_transforms_keep_shape(transform):
    x = images()
    assert transform(x, gen()).shape == x.shape


@pytest.mark.parametrize("transform", ALL[:3] + ALL[4:])
def test_random_transforms_repeat_with_the_same_seed_only(transform):
    x = images()
    assert torch.equal(transform(x, gen(5)), transform(x, gen(5)))
    assert not torch.equal(transform(x, gen(5)), transform(x, gen(6)))


def test_jitter_is_a_circular_shift_drawn_per_image():
    x = images(b=8, c=1, h=9, w=9).expand(8, 1, 9, 9).clone()
    x[:] = x[0]  # eight copies of one image
    out = jitter(4)(x, gen())
    for b in range(8):
        shifts = [(dy, dx) for dy in range(-4, 5) for dx in range(-4, 5)
                  if torch.equal(out[b], torch.roll(x[b], (dy, dx), dims=(-2, -1)))]
        assert shifts, "each image must be a whole-pixel circular shift of its input"
    assert len({out[b].flatten().tolist().__str__() for b in range(8)}) > 1


def test_neutral_scale_and_rotation_change_nothing():
    x = images()
    assert torch.allclose(random_scale((1.0,))(x, gen()), x, atol=1e-5)
    assert torch.allclose(random_rotate(0)(x, gen()), x, atol=1e-5)
    assert torch.allclose(random_rotate([0.0])(x, gen()), x, atol=1e-5)


def test_rotation_by_ninety_degrees_turns_the_image():
    x = images(b=1, c=1, h=8, w=8)
    turned = random_rotate([90.0])(x, gen())
    assert torch.allclose(turned, torch.rot90(x, 1, dims=(-2, -1)), atol=1e-5) or \
        torch.allclose(turned, torch.rot90(x, -1, dims=(-2, -1)), atol=1e-5)


def test_blur_smooths_but_keeps_flat_images_and_the_mean():
    flat = torch.full((1, 3, 6, 6), 0.3)
    assert torch.allclose(blur(flat, 2.0), flat)
    x = images(h=32, w=32)
    y = blur(x, 1.5)
    assert torch.allclose(y.mean(), x.mean(), atol=0.01)
    assert y.var() < 0.3 * x.var()
    assert torch.equal(blur(x, 0.0), x)


def test_pad_grows_and_compose_applies_in_order():
    x = images()
    assert pad(3)(x, gen()).shape == (4, 3, 18, 16)
    assert pad(2, "constant")(x, gen())[..., 0, 0].eq(0.5).all()
    out = compose(pad(2), jitter(1))(x, gen())
    assert out.shape == (4, 3, 16, 14)
