"""Saliency maps: which pixels the decision is most sensitive to.

Simonyan et al. (2013): the gradient of the class score with respect to the input,
its absolute value maximised over colour channels. SmoothGrad (Smilkov et al. 2017)
averages that gradient over noisy copies of the image, which removes most speckle.
"""

from __future__ import annotations

import numpy as np
import torch

from ..errors import FoolingError
from ..models.classifier import Classifier


def saliency(classifier: Classifier, image: torch.Tensor, class_index: int | None = None, *,
             samples: int = 0, noise: float = 0.15, seed: int = 0) -> np.ndarray:
    """An ``(H, W)`` float32 map in [0, 1] (1 = the most sensitive pixel).

    Args:
        classifier: the model.
        image: ``(C, H, W)`` or ``(1, C, H, W)`` float in [0, 1]; the map has its size.
        class_index: the class whose log-probability is differentiated (default: the
            model's top class for this image).
        samples: SmoothGrad: number of noisy copies (0 = the plain gradient).
        noise: SmoothGrad: noise standard deviation, in [0, 1] pixel units.
        seed: SmoothGrad: seed of the noise.
    """
    x = image if image.dim() == 4 else image[None]
    if x.shape[0] != 1:
        raise ValueError("saliency takes one image")
    x = x.detach().to(classifier.device, torch.float32)
    if class_index is None:
        class_index = int(classifier.probabilities(x)[0].argmax())
    elif not 0 <= class_index < classifier.spec.n_classes:
        raise FoolingError(f"Class {class_index} does not exist: {classifier.spec.label} has "
                           f"classes 0 to {classifier.spec.n_classes - 1}.")
    if samples > 0:
        generator = torch.Generator().manual_seed(seed)
        jitter = noise * torch.randn((samples, *x.shape[1:]), generator=generator)
        batch = x + jitter.to(x.device)  # not clipped: SmoothGrad perturbs freely
    else:
        batch = x
    batch = batch.clone().requires_grad_(True)
    with torch.enable_grad():
        classifier.log_probs(batch)[:, class_index].sum().backward()
    grad = batch.grad.abs().mean(dim=0).amax(dim=0)  # average samples, then max over channels
    peak = grad.max()
    if peak > 0:
        grad = grad / peak
    return grad.cpu().numpy().astype(np.float32)
