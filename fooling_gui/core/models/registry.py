"""One entry point for every model: ``load_model("lenet" | "alexnet" | "resnet18" | path)``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import torch

from ..downloads import DownloadProgress
from ..errors import FoolingError
from ..resources import resource_path, resources_root
from . import efficientnet_lite0 as lite0
from . import torchvision_models as tvm
from .classifier import Classifier
from .custom import MODEL_SUFFIXES, load_custom_model
from .lenet import LeNet, lenet_spec, seeded_lenet
from .weights_io import file_sha256, load_into, load_state_dict

LENET_WEIGHTS = ("weights", "lenet_mnist.pt")
#: ImageNet models listed by default (any torchvision classifier loads by name).
FEATURED_IMAGENET = ("alexnet", "resnet18", "resnet50", "vgg16", "googlenet",
                     "mobilenet_v3_large", "efficientnet_b0", "convnext_tiny", "vit_b_16")


@dataclass(frozen=True)
class ModelInfo:
    """A model the app can offer, for menus and ``fooling-gui models``.

    Attributes:
        name: what to pass to :func:`load_model`.
        description: one line.
        kind: ``"mnist"``, ``"imagenet"`` or ``"custom"``.
        weights_present: the weights are on this computer (else they must be downloaded
            or placed at ``weights_path``).
        weights_path: where the weights are or belong.
    """

    name: str
    description: str
    kind: str
    weights_present: bool
    weights_path: Path


def load_model(name_or_path: str | Path, *, device: str | torch.device = "cpu",
               random_init: bool = False, ten_crop: bool = False,
               progress: DownloadProgress | None = None, allow_download: bool | None = None,
               sidecar: str | Path | None = None) -> Classifier:
    """A ready Classifier for a registry name or a custom model file.

    Args:
        name_or_path: ``"lenet"``, ``"efficientnet_lite0"`` (shipped), a torchvision
            name (``"alexnet"``, ``"resnet18"``, …)
            or a path to a ``.pt2`` / ``.pt`` / ``.ts`` / ``.pth`` file with a JSON sidecar.
        device: torch device for the network.
        random_init: random weights (seed 0), flagged in the spec; built-in models only.
        ten_crop: ImageNet-style models: average 10 crops, as in the paper.
        progress: weights download progress ``(done_bytes, total_bytes) -> bool``.
        allow_download: None: download missing ImageNet weights unless
            ``FOOLING_GUI_OFFLINE`` is set; False: never.
        sidecar: custom models: the JSON file, when not beside the model.

    Raises:
        FoolingError: unknown name, missing or corrupt weights, bad sidecar.
    """
    text = str(name_or_path).strip()
    key = text.lower()
    if key == "lenet":
        return _load_lenet(device, random_init)
    if key == lite0.NAME:
        return lite0.load_efficientnet_lite0(device=device, ten_crop=ten_crop,
                                             random_init=random_init)
    if tvm.is_imagenet_model(key):
        return tvm.load_torchvision_model(key, device=device, random_init=random_init,
                                          ten_crop=ten_crop, progress=progress,
                                          allow_download=allow_download)
    path = Path(text).expanduser()
    if path.suffix.lower() in MODEL_SUFFIXES or path.exists() or "/" in text or "\\" in text:
        if random_init:
            raise FoolingError("Random weights are only available for the built-in models, "
                               f"not for {path.name}.")
        return load_custom_model(path, sidecar, device=device, ten_crop=ten_crop)
    raise FoolingError(f"Unknown model {text!r}: use lenet, efficientnet_lite0, alexnet, "
                       "resnet18, vgg16 (see "
                       "`fooling-gui models`) or a model file (.pt2, .pt, .ts) with a JSON "
                       "sidecar.")


def display_name(name: str) -> str:
    """A model's name for titles: "LeNet", "EfficientNet-Lite0", "AlexNet", … (other
    names unchanged)."""
    if name == "lenet":
        return "LeNet"
    if name == lite0.NAME:
        return "EfficientNet-Lite0"
    return tvm.display_name(name)


def _load_lenet(device: str | torch.device, random_init: bool) -> Classifier:
    if random_init:
        return Classifier(seeded_lenet(0), lenet_spec(random_init=True), device)
    path = resource_path(*LENET_WEIGHTS)
    module = LeNet()
    load_into(module, load_state_dict(path), path)
    spec = lenet_spec(weights_sha256=file_sha256(path), description=_lenet_description())
    return Classifier(module, spec, device)


def _lenet_description() -> str:
    base = "LeNet (Caffe's MNIST network) on handwritten digits"
    try:
        meta = json.loads((resources_root() / Path(*LENET_WEIGHTS)).with_suffix(".json")
                          .read_text(encoding="utf-8"))
        return f"{base}, {100 * float(meta['test_accuracy']):.1f} % on held-out digits"
    except (OSError, ValueError, KeyError, TypeError):
        return base


def available_models(all_imagenet: bool = False,
                     custom_dirs: Iterable[str | Path] = ()) -> list[ModelInfo]:
    """The models to offer: LeNet, the shipped EfficientNet-Lite0, the featured ImageNet
    models plus any whose weights are already downloaded (every torchvision classifier
    with ``all_imagenet``), and the model files with a sidecar found directly in
    ``custom_dirs``."""
    lenet_path = resources_root() / Path(*LENET_WEIGHTS)
    infos = [ModelInfo("lenet", _lenet_description(), "mnist", lenet_path.is_file(), lenet_path),
             ModelInfo(lite0.NAME, lite0.describe(), "imagenet", lite0.weights_present(),
                       lite0.weights_path())]
    for name in tvm.imagenet_model_names():
        path = tvm.weights_file(name)
        present = path.is_file()
        if all_imagenet or present or name in FEATURED_IMAGENET:
            infos.append(ModelInfo(name, tvm.describe(name), "imagenet", present, path))
    featured = {n: i for i, n in enumerate(("lenet", lite0.NAME) + FEATURED_IMAGENET)}
    infos.sort(key=lambda info: (featured.get(info.name, len(featured)), info.name))
    for folder in custom_dirs:
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in MODEL_SUFFIXES and path.with_suffix(".json").is_file():
                infos.append(ModelInfo(str(path), f"Custom model {path.name}", "custom",
                                       True, path))
    return infos
