"""Image parameterisations: the numbers gradient ascent changes, and how they become an image.

Each factory returns an :class:`ImageParam`; like lucent's parameterisations it unpacks
as ``params, render = param`` where ``params`` is the list of leaf tensors to optimise
and ``render()`` gives ``(B, C, H, W)`` float images in ``[0, 1]``. ``param.assign(image)``
sets the parameters so that ``render()`` reproduces ``image`` (used by the periodic blur
regulariser and by :func:`from_image`).

* :func:`pixel_image` — one parameter per pixel value, squashed by a sigmoid or clamped
  (projected gradient ascent, as in Simonyan et al. 2013 and the fooling paper's code).
* :func:`fourier_image` — Olah et al.'s decorrelated parameterisation: a spectrum scaled
  by 1/frequency (so every frequency learns at a similar rate) and, for colour, a fixed
  colour-decorrelation matrix, then a sigmoid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch

Render = Callable[[], torch.Tensor]

# Square root of ImageNet's colour covariance (lucent / Olah et al. 2017), columns
# normalised so the largest has unit norm: decorrelated → RGB is one matrix product.
_COLOUR_SQRT = torch.tensor([[0.26, 0.09, 0.02],
                             [0.27, 0.00, -0.05],
                             [0.27, -0.09, 0.03]])
COLOUR_CORRELATION = _COLOUR_SQRT / _COLOUR_SQRT.norm(dim=0).max()

# Keeps logit() finite when an image holds exact 0s and 1s.
_EPS = 1e-4
# Fourier images are divided by this so a unit spectrum gives a moderate pixel range
# (lucent's constant).
_FOURIER_GAIN = 4.0


@dataclass(frozen=True)
class ImageParam:
    """Parameters, their renderer and their inverse.

    Attributes:
        params: leaf tensors with ``requires_grad`` — hand them to the optimiser.
        render: ``() -> (B, C, H, W)`` images in ``[0, 1]`` (differentiable).
        assign: ``(images) -> None`` sets ``params`` so ``render()`` ≈ ``images``.
        kind: ``"pixel-sigmoid"``, ``"pixel-clamp"`` or ``"fourier"`` (for metadata).
    """

    params: list[torch.Tensor]
    render: Render
    assign: Callable[[torch.Tensor], None]
    kind: str

    def __iter__(self) -> Iterator:
        # Lets callers write ``params, render = param``.
        return iter((self.params, self.render))


def _shape(channels: int, size: tuple[int, int], batch: int) -> tuple[int, int, int, int]:
    if channels not in (1, 3):
        raise ValueError("channels must be 1 or 3")
    h, w = size
    if batch < 1 or h < 1 or w < 1:
        raise ValueError("batch and size must be positive")
    return batch, channels, h, w


def _initial_pixels(shape, init: str, noise: float, generator: torch.Generator | None,
                    device) -> torch.Tensor:
    """``"noise"``: uniform in [0, 1] (the paper's start); ``"grey"``: 0.5 ± ``noise``."""
    if init == "noise":
        return torch.rand(shape, generator=generator).to(device)
    if init == "grey":
        return (0.5 + noise * torch.randn(shape, generator=generator)).clamp(0, 1).to(device)
    raise ValueError(f"init must be 'noise' or 'grey', not {init!r}")


def pixel_image(channels: int, size: tuple[int, int], *, batch: int = 1, init: str = "noise",
                squash: str = "sigmoid", noise: float = 0.01,
                generator: torch.Generator | None = None,
                device: str | torch.device = "cpu") -> ImageParam:
    """One parameter per pixel value.

    Args:
        channels: 1 or 3.
        size: ``(H, W)``.
        batch: number of images optimised together.
        init: ``"noise"`` (uniform random pixels) or ``"grey"`` (0.5 plus ``noise``).
        squash: ``"sigmoid"`` (parameters are logits of pixel values) or ``"clamp"``
            (parameters are the pixel values, projected back into [0, 1] on every render —
            projected gradient ascent).
        noise: standard deviation of the grey start's noise.
        generator: torch RNG for the start (CPU generator).
        device: where the parameters live.
    """
    shape = _shape(channels, size, batch)
    start = _initial_pixels(shape, init, noise, generator, device)
    return _pixel_param(start, squash)


def _pixel_param(start: torch.Tensor, squash: str) -> ImageParam:
    if squash == "sigmoid":
        raw = torch.logit(start.clamp(_EPS, 1 - _EPS)).detach().clone().requires_grad_(True)

        def render() -> torch.Tensor:
            return torch.sigmoid(raw)

        def assign(images: torch.Tensor) -> None:
            with torch.no_grad():
                raw.copy_(torch.logit(images.clamp(_EPS, 1 - _EPS)))

    elif squash == "clamp":
        raw = start.clamp(0, 1).detach().clone().requires_grad_(True)

        def render() -> torch.Tensor:
            # Projection step of projected gradient ascent: the optimiser may have pushed
            # values out of range; put them back before they are used.
            with torch.no_grad():
                raw.clamp_(0.0, 1.0)
            return raw * 1.0  # a non-leaf, so callers cannot modify the parameter by accident

        def assign(images: torch.Tensor) -> None:
            with torch.no_grad():
                raw.copy_(images.clamp(0.0, 1.0))

    else:
        raise ValueError(f"squash must be 'sigmoid' or 'clamp', not {squash!r}")
    return ImageParam([raw], render, assign, f"pixel-{squash}")


def _frequency_scale(h: int, w: int, decay_power: float, device) -> torch.Tensor:
    """1 / |f|^decay for the rfft2 grid (the DC term uses the lowest non-zero frequency)."""
    fy = torch.fft.fftfreq(h)[:, None]
    fx = torch.fft.rfftfreq(w)[None, :]
    freqs = torch.sqrt(fx * fx + fy * fy)
    scale = 1.0 / freqs.clamp_min(1.0 / max(h, w)) ** decay_power
    return scale.to(device)


def fourier_image(channels: int, size: tuple[int, int], *, batch: int = 1, sd: float = 0.01,
                  decay_power: float = 1.0, decorrelate: bool = True,
                  generator: torch.Generator | None = None,
                  device: str | torch.device = "cpu") -> ImageParam:
    """A spectrum scaled by 1/frequency, colour-decorrelated, squashed by a sigmoid.

    Args:
        channels: 1 or 3 (decorrelation only applies to 3).
        size: ``(H, W)``; any size, odd or even.
        batch: number of images optimised together.
        sd: standard deviation of the random starting spectrum (small → near grey).
        decay_power: exponent of the 1/frequency scaling (0 = plain FFT parameters).
        decorrelate: mix channels with :data:`COLOUR_CORRELATION` (3 channels only).
        generator: torch RNG for the start.
        device: where the parameters live.
    """
    b, c, h, w = _shape(channels, size, batch)
    scale = _frequency_scale(h, w, decay_power, device)[..., None]  # (h, w//2+1, 1)
    spectrum = (sd * torch.randn((b, c, h, w // 2 + 1, 2), generator=generator)).to(device)
    spectrum.requires_grad_(True)
    mix = COLOUR_CORRELATION.to(device) if decorrelate and c == 3 else None

    def render() -> torch.Tensor:
        x = torch.fft.irfft2(torch.view_as_complex(scale * spectrum), s=(h, w), norm="ortho")
        x = x / _FOURIER_GAIN
        if mix is not None:
            x = torch.einsum("bchw,dc->bdhw", x, mix)
        return torch.sigmoid(x)

    def assign(images: torch.Tensor) -> None:
        # Exact inverse of render(): logit, un-mix colours, undo gain, FFT, unscale.
        with torch.no_grad():
            x = torch.logit(images.to(device, torch.float32).clamp(_EPS, 1 - _EPS))
            if mix is not None:
                x = torch.einsum("bdhw,cd->bchw", x, torch.linalg.inv(mix))
            spec = torch.fft.rfft2(x * _FOURIER_GAIN, norm="ortho")
            spectrum.copy_(torch.view_as_real(spec) / scale)

    return ImageParam([spectrum], render, assign, "fourier")


def from_image(image: torch.Tensor, *, fourier: bool = False, squash: str = "sigmoid",
               decay_power: float = 1.0, decorrelate: bool = True,
               device: str | torch.device = "cpu") -> ImageParam:
    """A parameterisation whose first render is ``image`` (``(B, C, H, W)`` or ``(C, H, W)``).

    Args:
        image: float images in [0, 1].
        fourier: use :func:`fourier_image` (else :func:`pixel_image`).
        squash: pixel parameterisation only: ``"sigmoid"`` or ``"clamp"``.
        decay_power, decorrelate: Fourier parameterisation only.
        device: where the parameters live.
    """
    x = image if image.dim() == 4 else image[None]
    x = x.detach().to(device, torch.float32)
    b, c, h, w = x.shape
    if fourier:
        param = fourier_image(c, (h, w), batch=b, sd=0.0, decay_power=decay_power,
                              decorrelate=decorrelate, device=device)
        param.assign(x)
        return param
    return _pixel_param(x, squash)
