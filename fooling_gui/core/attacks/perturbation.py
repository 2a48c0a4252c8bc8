"""What FGSM and PGD share: the L∞ budget on the 8-bit grid, the loss, the result.

Every image the app saves is 8-bit, so an attack is judged on the *quantised*
adversarial image: it is rounded to the 256 levels a PNG holds and then clipped back
inside the budget on that grid (``|adv - original| <= epsilon`` after rounding too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..errors import FoolingError
from ..images import quantize, to_uint8


@dataclass(frozen=True)
class AttackResult:
    """The outcome of one attack on a batch of images (all arrays are copies).

    Attributes:
        method: ``"fgsm"`` or ``"pgd"``.
        epsilon: the L∞ budget in ``[0, 1]`` pixel units.
        class_names: the classifier's class names.
        original: ``(N, H, W, C)`` uint8 images attacked.
        adversarial: ``(N, H, W, C)`` uint8 results (quantised, inside the budget).
        perturbation: ``(N, H, W, C)`` float32 ``adversarial - original`` in pixel
            units, each value in ``[-epsilon, epsilon]``.
        labels: ``(N,)`` class each image starts as (true label where known, else the
            model's prediction); an untargeted attack pushes away from it.
        targets: ``(N,)`` target classes of a targeted attack, else ``None``.
        probs_before, probs_after: ``(N, n_classes)`` float32 softmax probabilities of
            the original and the adversarial image.
        success: ``(N,)`` bool: top-1 of the adversarial image is the target
            (targeted) or differs from ``labels`` (untargeted).
        max_linf: the largest ``|perturbation|`` over the whole batch.
    """

    method: str
    epsilon: float
    class_names: tuple[str, ...]
    original: np.ndarray
    adversarial: np.ndarray
    perturbation: np.ndarray
    labels: np.ndarray
    targets: np.ndarray | None
    probs_before: np.ndarray
    probs_after: np.ndarray
    success: np.ndarray
    max_linf: float

    @property
    def targeted(self) -> bool:
        return self.targets is not None

    @property
    def success_rate(self) -> float:
        return float(self.success.mean()) if self.success.size else 0.0

    @property
    def predicted_before(self) -> np.ndarray:
        return self.probs_before.argmax(axis=1)

    @property
    def predicted_after(self) -> np.ndarray:
        return self.probs_after.argmax(axis=1)

    @property
    def linf_per_image(self) -> np.ndarray:
        """``(N,)`` largest change of each image, exact in whole 8-bit steps / 255."""
        steps = np.abs(self.adversarial.astype(np.int16) - self.original.astype(np.int16))
        return steps.reshape(len(steps), -1).max(axis=1) / 255.0 if len(steps) else \
            np.zeros(0)

    def top_k(self, k: int = 3, after: bool = True) -> list[list[tuple[int, str, float]]]:
        """Per image, its ``k`` most likely classes as ``(index, name, probability)``."""
        probs = self.probs_after if after else self.probs_before
        k = min(k, probs.shape[1])
        order = np.argsort(-probs, axis=1, kind="stable")[:, :k]
        return [[(int(i), self.class_names[int(i)], float(row[i])) for i in idx]
                for row, idx in zip(probs, order)]


def check_epsilon(epsilon: float) -> float:
    """``epsilon`` as a float in ``(0, 1]`` (FoolingError otherwise)."""
    eps = float(epsilon)
    if not 0.0 < eps <= 1.0:
        raise FoolingError(f"epsilon must be between 0 and 1 (pixel units), not {epsilon}.")
    if eps < 1.0 / 255.0:
        raise FoolingError(f"epsilon {epsilon} is below one 8-bit step (1/255), so an 8-bit "
                           "image cannot change at all.")
    return eps


def class_indices(values: int | Sequence[int] | np.ndarray | torch.Tensor, n: int,
                  n_classes: int, what: str) -> torch.Tensor:
    """One class index per image as a long tensor, checked against ``n_classes``."""
    t = torch.as_tensor(np.asarray(values), dtype=torch.long).reshape(-1)
    if t.numel() == 1 and n != 1:
        t = t.expand(n).clone()
    if t.numel() != n:
        raise FoolingError(f"Got {t.numel()} {what} for {n} images.")
    if n and (int(t.min()) < 0 or int(t.max()) >= n_classes):
        raise FoolingError(f"A {what[:-1]} is outside the model's {n_classes} classes.")
    return t


def attack_loss(log_probs: torch.Tensor, labels: torch.Tensor,
                targets: torch.Tensor | None) -> torch.Tensor:
    """Per-image loss the attack *increases*: log p(target), or -log p(label)."""
    if targets is not None:
        return log_probs.gather(1, targets[:, None])[:, 0]
    return -log_probs.gather(1, labels[:, None])[:, 0]


def project_to_grid(images: torch.Tensor, original: torch.Tensor, epsilon: float) -> torch.Tensor:
    """Round to 8 bits and clip into the L∞ ball around ``original`` on that grid.

    ``original`` must already lie on the grid (see :func:`quantize`), so the ball
    always contains it and the result keeps ``|result - original| <= epsilon``.
    """
    # Integer levels avoid float ties: the budget in whole 8-bit steps, rounded down.
    steps = float(np.floor(epsilon * 255.0 + 1e-6))
    o = torch.round(original * 255.0)
    x = torch.round(images.clamp(0.0, 1.0) * 255.0)
    x = torch.minimum(torch.maximum(x, o - steps), o + steps).clamp(0.0, 255.0)
    return x / 255.0


def success_mask(probs: torch.Tensor, labels: torch.Tensor,
                 targets: torch.Tensor | None) -> torch.Tensor:
    pred = probs.argmax(dim=1)
    return pred == targets if targets is not None else pred != labels


def build_result(method: str, epsilon: float, class_names: Sequence[str],
                 original: torch.Tensor, adversarial: torch.Tensor, labels: torch.Tensor,
                 targets: torch.Tensor | None, probs_before: torch.Tensor,
                 probs_after: torch.Tensor) -> AttackResult:
    """Freeze tensors (on any device) into an :class:`AttackResult` of numpy copies."""
    orig_u8 = to_uint8(original.detach().cpu())
    adv_u8 = to_uint8(adversarial.detach().cpu())
    # Whole 8-bit steps, so max_linf is exact (k / 255) rather than a float32 rounding.
    steps = adv_u8.astype(np.int16) - orig_u8.astype(np.int16)
    return AttackResult(
        method=method,
        epsilon=float(epsilon),
        class_names=tuple(class_names),
        original=orig_u8,
        adversarial=adv_u8,
        perturbation=(steps / 255.0).astype(np.float32),
        labels=labels.cpu().numpy().copy(),
        targets=None if targets is None else targets.cpu().numpy().copy(),
        probs_before=probs_before.detach().cpu().float().numpy().copy(),
        probs_after=probs_after.detach().cpu().float().numpy().copy(),
        success=success_mask(probs_after.cpu(), labels.cpu(),
                             None if targets is None else targets.cpu()).numpy().copy(),
        max_linf=float(np.abs(steps).max()) / 255.0 if steps.size else 0.0,
    )


def prepare_images(images: torch.Tensor | np.ndarray) -> torch.Tensor:
    """Attack inputs as float ``(B, C, H, W)`` on the 8-bit grid.

    uint8 ``(B, H, W, C)`` arrays are converted; float tensors are quantised, because
    the budget is measured against the 8-bit image a user would save.
    """
    if isinstance(images, np.ndarray):
        from ..images import from_uint8

        if images.dtype != np.uint8:
            raise FoolingError("Images given as numpy arrays must be uint8 (B, H, W, C).")
        images = from_uint8(images)
    if images.ndim != 4:
        raise FoolingError("Images must be a batch shaped (B, C, H, W).")
    return quantize(images.detach().float())
