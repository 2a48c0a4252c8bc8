"""A base for classifiers built from other classifiers (ensembles, input filters).

They present the same calls as :class:`~fooling_gui.core.models.Classifier` that the
evolution engine, the attacks and the experiments use: ``spec``, ``device``,
``log_probs``, ``logits``, ``probabilities`` and ``top_k``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import torch

from ..models.spec import ModelSpec


class DerivedClassifier(ABC):
    """A classifier whose log-probabilities come from other classifiers.

    Subclasses set ``spec`` and ``device`` and implement :meth:`log_probs`.
    """

    spec: ModelSpec
    device: torch.device

    @abstractmethod
    def log_probs(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, n_classes)`` log-scores; differentiable with respect to ``images``."""

    def logits(self, images: torch.Tensor) -> torch.Tensor:
        """Log-probabilities serve as logits (softmax of them gives the same answer)."""
        return self.log_probs(images)

    @torch.inference_mode()
    def probabilities(self, images: torch.Tensor, batch_size: int | None = None) -> torch.Tensor:
        """``(B, n_classes)`` probabilities on the CPU, in chunks of ``batch_size``."""
        if batch_size is None or images.shape[0] <= batch_size:
            return self.log_probs(images).exp().cpu()
        return torch.cat([self.log_probs(c).exp().cpu() for c in images.split(batch_size)])

    def top_k(self, images: torch.Tensor, k: int = 5) -> list[list[tuple[int, str, float]]]:
        """For each image, its ``k`` most likely classes as ``(index, name, probability)``."""
        probs = self.probabilities(images, batch_size=64)
        values, indices = probs.topk(min(k, probs.shape[1]), dim=1)
        names = self.spec.class_names
        return [[(int(i), names[int(i)], float(v)) for v, i in zip(vs, ids)]
                for vs, ids in zip(values, indices)]
