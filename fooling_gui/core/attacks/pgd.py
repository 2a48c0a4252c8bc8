"""Projected gradient descent (Madry et al. 2018): many small FGSM steps, each
followed by a projection back into the L∞ ball and onto [0, 1].

Each step's gradient is taken at the *8-bit* image, and the best 8-bit image seen
so far is kept per image, so what the result reports is what a saved PNG does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from ..errors import FoolingError
from .fgsm import input_gradient, resolve_labels
from .perturbation import (AttackResult, attack_loss, build_result, check_epsilon,
                           class_indices, prepare_images, project_to_grid, success_mask)

#: ``progress(done_steps, total_steps) -> bool | None``; return False to stop.
AttackProgress = Callable[[int, int], "bool | None"]


class AttackCancelled(FoolingError):
    """``progress`` asked PGD to stop; there is no result."""


def pgd(classifier, images: torch.Tensor | np.ndarray, epsilon: float = 0.2,
        labels: int | Sequence[int] | np.ndarray | None = None,
        targets: int | Sequence[int] | np.ndarray | None = None,
        steps: int = 40, step_size: float | None = None, random_start: bool = False,
        seed: int = 0, batch_size: int = 256,
        progress: AttackProgress | None = None) -> AttackResult:
    """Iterated signed-gradient steps inside an L∞ ball of radius ``epsilon``.

    Args:
        classifier: a Classifier (``spec``, ``device``, ``log_probs``, ``probabilities``).
        images: float ``(B, C, H, W)`` in [0, 1] (quantised first) or uint8 ``(B, H, W, C)``.
        epsilon: L∞ budget in pixel units.
        labels: true classes; ``None`` uses the model's prediction on the originals.
        targets: a class (or one per image) to push towards; ``None`` for untargeted.
        steps: number of gradient steps.
        step_size: size of each step; default ``2.5 * epsilon / steps`` (Madry et al.).
        random_start: start from a uniformly random point in the ball.
        seed: seeds the random start (results are otherwise deterministic).
        batch_size: images per forward/backward pass.
        progress: called after every step with ``(done, total)`` steps over all
            batches; return False to stop (raises :class:`AttackCancelled`).

    Returns:
        The :class:`AttackResult`, judged on the 8-bit adversarial images.
    """
    eps = check_epsilon(epsilon)
    if steps < 1:
        raise FoolingError(f"PGD needs at least one step, not {steps}.")
    alpha = 2.5 * eps / steps if step_size is None else float(step_size)
    if not alpha > 0:
        raise FoolingError(f"The PGD step size must be positive, not {step_size}.")
    original = prepare_images(images).to(classifier.device)
    n_classes = classifier.spec.n_classes
    labels_t, probs_before = resolve_labels(classifier, original, labels, batch_size)
    labels_t = labels_t.to(classifier.device)
    targets_t = None if targets is None else class_indices(
        targets, original.shape[0], n_classes, "targets").to(classifier.device)
    gen = torch.Generator().manual_seed(int(seed))

    total = -(-original.shape[0] // batch_size) * steps
    chunks = []
    for k, start in enumerate(range(0, original.shape[0], batch_size)):
        sl = slice(start, start + batch_size)
        tg = None if targets_t is None else targets_t[sl]

        def tick(step: int, done_before: int = k * steps) -> None:
            if progress is not None and progress(done_before + step, total) is False:
                raise AttackCancelled("The attack was cancelled.")

        chunks.append(_pgd_chunk(classifier, original[sl], labels_t[sl], tg, eps, alpha,
                                 steps, random_start, gen, tick))
    adversarial = torch.cat(chunks) if chunks else original.clone()
    probs_after = classifier.probabilities(adversarial, batch_size=batch_size).float()
    return build_result("pgd", eps, classifier.spec.class_names, original, adversarial,
                        labels_t, targets_t, probs_before, probs_after)


def _pgd_chunk(classifier, x0: torch.Tensor, labels: torch.Tensor,
               targets: torch.Tensor | None, eps: float, alpha: float, steps: int,
               random_start: bool, gen: torch.Generator,
               tick: Callable[[int], None]) -> torch.Tensor:
    x = x0.clone()
    if random_start:
        noise = torch.rand(x0.shape, generator=gen) * 2.0 - 1.0
        x = (x0 + eps * noise.to(x0.device)).clamp(0.0, 1.0)
    best = x0.clone()
    best_score = torch.full((x0.shape[0],), -float("inf"), device=x0.device)

    def keep_best(q: torch.Tensor, loss: torch.Tensor, log_probs: torch.Tensor) -> None:
        # A successful image beats any unsuccessful one; among equals the higher loss wins.
        score = loss + 1e6 * success_mask(log_probs, labels, targets).float()
        better = score > best_score
        best[better], best_score[better] = q[better], score[better]

    for step in range(steps):
        q = project_to_grid(x, x0, eps)
        loss, grad, log_probs = input_gradient(classifier, q, labels, targets)
        keep_best(q, loss, log_probs)
        # The float iterate keeps sub-level progress that rounding would throw away.
        x = x + alpha * grad.sign()
        x = torch.minimum(torch.maximum(x, x0 - eps), x0 + eps).clamp(0.0, 1.0)
        tick(step + 1)
    q = project_to_grid(x, x0, eps)
    with torch.no_grad():
        log_probs = classifier.log_probs(q)
    keep_best(q, attack_loss(log_probs, labels, targets), log_probs)
    return best
