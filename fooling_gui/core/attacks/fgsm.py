"""Fast gradient sign method (Goodfellow et al. 2014): one step of size epsilon.

Every pixel moves by the full budget in the direction that raises the loss — the
"many small pushes add up" idea of the logistic-regression toy, applied to a deep net.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from .perturbation import (AttackResult, attack_loss, build_result, check_epsilon,
                           class_indices, prepare_images, project_to_grid)


def input_gradient(classifier, images: torch.Tensor, labels: torch.Tensor,
                   targets: torch.Tensor | None
                   ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(loss per image, d loss / d images, log-probabilities)`` of the attack loss."""
    with torch.enable_grad():
        x = images.detach().clone().requires_grad_(True)
        log_probs = classifier.log_probs(x)
        loss = attack_loss(log_probs, labels, targets)
        (grad,) = torch.autograd.grad(loss.sum(), x)
    return loss.detach(), grad, log_probs.detach()


def resolve_labels(classifier, images: torch.Tensor, labels, batch_size: int
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """``(labels, probabilities of the originals)``; labels default to the prediction."""
    probs = classifier.probabilities(images, batch_size=batch_size).float()
    if labels is None:
        return probs.argmax(dim=1), probs
    return class_indices(labels, images.shape[0], probs.shape[1], "labels"), probs


def fgsm(classifier, images: torch.Tensor | np.ndarray, epsilon: float = 0.1,
         labels: int | Sequence[int] | np.ndarray | None = None,
         targets: int | Sequence[int] | np.ndarray | None = None,
         batch_size: int = 256) -> AttackResult:
    """One signed-gradient step of size ``epsilon`` for every image.

    Args:
        classifier: a :class:`~fooling_gui.core.models.Classifier` (or anything with
            ``spec``, ``device``, ``log_probs`` and ``probabilities``).
        images: float ``(B, C, H, W)`` in [0, 1] (quantised to 8 bits first) or uint8
            ``(B, H, W, C)``.
        epsilon: L∞ budget in pixel units (0.1 is 25.5 grey levels).
        labels: true classes; ``None`` uses the model's prediction on the originals.
        targets: a class (or one per image) to push towards; ``None`` for untargeted.
        batch_size: images per forward/backward pass.

    Returns:
        The :class:`AttackResult`, judged on the 8-bit adversarial images.
    """
    eps = check_epsilon(epsilon)
    original = prepare_images(images).to(classifier.device)
    n_classes = classifier.spec.n_classes
    labels_t, probs_before = resolve_labels(classifier, original, labels, batch_size)
    labels_t = labels_t.to(classifier.device)
    targets_t = None if targets is None else class_indices(
        targets, original.shape[0], n_classes, "targets").to(classifier.device)

    chunks = []
    for start in range(0, original.shape[0], batch_size):
        sl = slice(start, start + batch_size)
        x0 = original[sl]
        _, grad, _ = input_gradient(classifier, x0, labels_t[sl],
                                    None if targets_t is None else targets_t[sl])
        chunks.append(project_to_grid(x0 + eps * grad.sign(), x0, eps))
    adversarial = torch.cat(chunks) if chunks else original.clone()
    probs_after = classifier.probabilities(adversarial, batch_size=batch_size).float()
    return build_result("fgsm", eps, classifier.spec.class_names, original, adversarial,
                        labels_t, targets_t, probs_before, probs_after)
