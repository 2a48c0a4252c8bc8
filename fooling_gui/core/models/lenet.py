"""LeNet as in Caffe's MNIST example, the network the paper fooled on MNIST.

conv 20@5×5 → max-pool 2 → conv 50@5×5 → max-pool 2 → fc 500 → ReLU → fc 10, reading
28×28 grey images in [0, 1] and returning logits. MNIST digits are white strokes on a
black background. (Caffe's example scales pixels by 1/256 and subtracts no mean; the
paper's evaluation prototxt, ``lenet_image_memory_data.prototxt``, also subtracts the
MNIST mean image. fooling-gui's LeNet is trained and scored without a mean image.)
"""

from __future__ import annotations

import torch
from torch import nn

from .spec import ModelSpec

MNIST_CLASSES = tuple(str(d) for d in range(10))


class LeNet(nn.Module):
    """Caffe's LeNet: ``(B, 1, 28, 28)`` in [0, 1] → ``(B, n_classes)`` logits."""

    def __init__(self, n_classes: int = 10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 20, kernel_size=5),   # 28 → 24
            nn.MaxPool2d(2),                   # 24 → 12
            nn.Conv2d(20, 50, kernel_size=5),  # 12 → 8
            nn.MaxPool2d(2),                   # 8 → 4
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(50 * 4 * 4, 500),
            nn.ReLU(inplace=True),
            nn.Linear(500, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def lenet_spec(*, class_names: tuple[str, ...] = MNIST_CLASSES, weights_sha256: str = "",
               random_init: bool = False, description: str = "", name: str = "lenet") -> ModelSpec:
    """The preprocessing LeNet expects: 28×28 grey in [0, 1], no normalisation."""
    return ModelSpec(
        name=name,
        class_names=tuple(class_names),
        channels=1,
        input_size=(28, 28),
        image_size=(28, 28),
        mean=(0.0,),
        std=(1.0,),
        output="logits",
        weights_sha256=weights_sha256,
        random_init=random_init,
        description=description or "LeNet (Caffe's MNIST network) on handwritten digits",
    )


def seeded_lenet(seed: int = 0, n_classes: int = 10) -> LeNet:
    """A LeNet with reproducible random weights; the global torch RNG is left untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return LeNet(n_classes)
