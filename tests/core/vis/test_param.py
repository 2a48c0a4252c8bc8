import pytest
import torch

from fooling_gui.core.vis.param import fourier_image, from_image, pixel_image


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("init", ["noise", "grey"])
@pytest.mark.parametrize("squash", ["sigmoid", "clamp"])
def test_pixel_image_renders_batches_in_unit_range(channels, init, squash):
    params, render = pixel_image(channels, (7, 9), batch=2, init=init, squash=squash,
                                 generator=gen())
    x = render()
    assert x.shape == (2, channels, 7, 9)
    assert x.min() >= 0 and x.max() <= 1
    assert all(p.requires_grad for p in params)


def test_noise_start_covers_range_and_grey_start_is_grey():
    noise = pixel_image(1, (32, 32), init="noise", generator=gen()).render()
    grey = pixel_image(1, (32, 32), init="grey", generator=gen()).render()
    assert noise.min() < 0.05 and noise.max() > 0.95
    assert (grey - 0.5).abs().max() < 0.1


def test_same_seed_same_start_other_seed_other_start():
    a = fourier_image(3, (16, 16), generator=gen(1)).render()
    b = fourier_image(3, (16, 16), generator=gen(1)).render()
    c = fourier_image(3, (16, 16), generator=gen(2)).render()
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_clamp_projects_values_pushed_out_of_range():
    param = pixel_image(1, (4, 4), squash="clamp", generator=gen())
    with torch.no_grad():
        param.params[0].add_(5.0)
    assert param.render().max() == 1.0


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("size", [(16, 16), (15, 22), (1, 5)])
def test_fourier_image_shape_and_range(channels, size):
    params, render = fourier_image(channels, size, batch=3, sd=0.5, generator=gen())
    x = render()
    assert x.shape == (3, channels, *size)
    assert x.min() > 0 and x.max() < 1
    x.sum().backward()
    assert params[0].grad is not None and params[0].grad.abs().sum() > 0


def test_fourier_colours_are_correlated_when_decorrelating():
    # Decorrelated parameters mean correlated RGB: independent spectra come out with
    # strongly correlated colour channels (mostly brightness), as in natural images.
    x = fourier_image(3, (32, 32), sd=0.5, generator=gen()).render()[0]
    r, g = x[0].flatten() - x[0].mean(), x[1].flatten() - x[1].mean()
    corr = (r * g).sum() / (r.norm() * g.norm())
    plain = fourier_image(3, (32, 32), sd=0.5, decorrelate=False, generator=gen()).render()[0]
    r2, g2 = plain[0].flatten() - plain[0].mean(), plain[1].flatten() - plain[1].mean()
    corr2 = (r2 * g2).sum() / (r2.norm() * g2.norm())
    assert corr > 0.5 > abs(corr2)


@pytest.mark.parametrize("fourier", [False, True])
@pytest.mark.parametrize("channels", [1, 3])
def test_from_image_starts_at_the_given_image(fourier, channels):
    image = torch.rand((2, channels, 13, 10), generator=gen(3)) * 0.98 + 0.01
    param = from_image(image, fourier=fourier)
    assert torch.allclose(param.render(), image, atol=1e-4)


def test_from_image_clamp_keeps_exact_pixels():
    image = torch.rand((1, 3, 5, 5), generator=gen())
    assert torch.equal(from_image(image[0], squash="clamp").render(), image)
