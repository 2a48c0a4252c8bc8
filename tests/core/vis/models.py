"""Small deterministic classifiers for the visualisation tests (no downloads, no training)."""

from __future__ import annotations

import torch
import torchvision
from torch import nn

from fooling_gui.core.models.classifier import Classifier
from fooling_gui.core.models.lenet import lenet_spec, seeded_lenet
from fooling_gui.core.models.spec import ModelSpec


def sharp_lenet(seed: int = 0) -> Classifier:
    """LeNet with random weights multiplied by 3.

    PyTorch's default initialisation gives near-uniform outputs that no image in [0, 1]
    can push past ~99 %; scaled weights give logit ranges like a trained network's, so
    the optimiser, not the weights, decides whether 99.99 % is reached.
    """
    module = seeded_lenet(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.mul_(3.0)
    return Classifier(module, lenet_spec(random_init=True))


def random_alexnet() -> Classifier:
    """torchvision's AlexNet architecture with seeded random weights (ImageNet preprocessing)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        module = torchvision.models.alexnet(weights=None)
    spec = ModelSpec(name="alexnet", class_names=tuple(f"class {i}" for i in range(1000)),
                     channels=3, input_size=(224, 224), image_size=(224, 224),
                     mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225), random_init=True)
    return Classifier(module, spec)


def left_half_linear() -> Classifier:
    """A linear 8×8 grey classifier that reads only the left half of the image."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        linear = nn.Linear(64, 2)
    with torch.no_grad():
        linear.weight.view(2, 8, 8)[:, :, 4:] = 0.0
    spec = ModelSpec(name="left-half", class_names=("a", "b"), channels=1, input_size=(8, 8),
                     image_size=(8, 8), mean=(0.0,), std=(1.0,))
    return Classifier(nn.Sequential(nn.Flatten(), linear), spec)
