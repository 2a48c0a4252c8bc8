"""ImageNet classifiers from torchvision (AlexNet, and any other by name).

torchvision's AlexNet is the "one weird trick" variant (64-192-384-256-256 filters, no
LRN, 224-pixel crops); the paper fooled CaffeNet (96-256-384-384-256, LRN, 227-pixel
crops of BGR 0–255 images minus the mean image), a close relative, not the same network.

Weights live where torch keeps them, ``torch.hub.get_dir()/checkpoints/<file>``, so a
file torchvision already downloaded is reused. They are read with
``weights_only=True``; downloads go through a temporary file and are checked against
the hash prefix in torchvision's file name.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import torch
from torch import nn

from ..downloads import DownloadProgress, download_file, is_offline
from ..errors import FoolingError
from ..files import copy_file
from .classifier import Classifier
from .spec import ModelSpec
from .weights_io import file_sha256, load_into, load_state_dict

_DISPLAY_NAMES = {
    "alexnet": "AlexNet", "googlenet": "GoogLeNet", "inception_v3": "Inception v3",
    "resnet18": "ResNet-18", "resnet50": "ResNet-50", "vgg16": "VGG-16",
    "mobilenet_v3_large": "MobileNet V3 (large)", "efficientnet_b0": "EfficientNet-B0",
    "convnext_tiny": "ConvNeXt (tiny)", "vit_b_16": "ViT-B/16",
}
# Auxiliary classifiers that only help training; torchvision drops them after loading.
_AUX_PREFIXES = ("aux1.", "aux2.", "AuxLogits.")
# Old DenseNet checkpoints name layers "norm.1" where the module is now "norm1".
_DENSENET_KEY = re.compile(
    r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")
_HASH_IN_NAME = re.compile(r"-([a-f0-9]*)\.")


def imagenet_model_names() -> list[str]:
    """Every torchvision ImageNet classifier name (``alexnet``, ``resnet18``, ``vgg16``, …)."""
    import torchvision.models as tvm

    return sorted(tvm.list_models(module=tvm))


def is_imagenet_model(name: str) -> bool:
    return name in imagenet_model_names()


def display_name(name: str) -> str:
    return _DISPLAY_NAMES.get(name, name)


def pretrained_weights(name: str):
    """The torchvision weights enum member used for ``name`` (AlexNet: IMAGENET1K_V1)."""
    import torchvision.models as tvm

    _check_name(name)
    if name == "alexnet":
        return tvm.AlexNet_Weights.IMAGENET1K_V1
    return tvm.get_model_weights(name).DEFAULT


def class_names(name: str) -> tuple[str, ...]:
    """The 1000 ImageNet class names (from the weights' metadata; nothing is downloaded)."""
    return tuple(pretrained_weights(name).meta["categories"])


def weights_file(name: str) -> Path:
    """Where the weights of ``name`` are (or will be) kept, in torch's hub cache."""
    url = pretrained_weights(name).url
    return Path(torch.hub.get_dir()) / "checkpoints" / Path(urlparse(url).path).name


def weights_present(name: str) -> bool:
    return weights_file(name).is_file()


def describe(name: str) -> str:
    """One line for menus: accuracy and download size from torchvision's metadata."""
    meta = pretrained_weights(name).meta
    acc = meta.get("_metrics", {}).get("ImageNet-1K", {}).get("acc@1")
    size = meta.get("_file_size")
    parts = ["ImageNet"]
    if acc is not None:
        parts.append(f"{acc:.1f} % top-1")
    if size is not None:
        parts.append(f"{size:.0f} MB of weights")
    return f"{display_name(name)} ({', '.join(parts)})"


def download_weights(name: str, progress: DownloadProgress | None = None) -> Path:
    """Download the weights of ``name`` into torch's hub cache (no-op when present).

    Args:
        progress: ``progress(done_bytes, total_bytes)``; return False to cancel.

    Raises:
        DownloadCancelled: cancelled through ``progress``.
        FoolingError: offline or the download failed (with the file to place by hand).
    """
    dest = weights_file(name)
    if dest.is_file():
        return dest
    url = pretrained_weights(name).url
    match = _HASH_IN_NAME.search(dest.name)
    try:
        return download_file(url, dest, progress=progress,
                             sha256_prefix=match.group(1) if match else None)
    except FoolingError as exc:
        if type(exc) is not FoolingError:  # cancelled: say just that
            raise
        reason = "downloads are switched off" if is_offline() else str(exc).rstrip(".")
        raise _missing_error(name, reason) from None


def _missing_error(name: str, reason: str) -> FoolingError:
    dest = weights_file(name)
    return FoolingError(f"{display_name(name)} weights are not on this computer and could not "
                        f"be downloaded ({reason}): place {dest.name} in {dest.parent}.")


def build_architecture(name: str, num_classes: int | None = None, seed: int = 0) -> nn.Module:
    """The architecture of ``name`` with random weights drawn from ``seed``, shaped to
    receive the pretrained weights (same heads, input handling and image size)."""
    import torchvision.models as tvm

    weights = pretrained_weights(name)
    kwargs: dict = {"num_classes": num_classes or len(weights.meta["categories"])}
    if name in ("googlenet", "inception_v3"):
        # Google's weights expect the (x - 0.5) / 0.5 input; torchvision converts inside.
        kwargs.update(transform_input=True, aux_logits=False, init_weights=False)
    elif name.startswith("vit_"):
        kwargs["image_size"] = weights.meta["min_size"][0]
    elif name.startswith("maxvit"):
        kwargs["input_size"] = weights.meta["min_size"]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return tvm.get_model(name, weights=None, **kwargs)


def load_weights_into(name: str, module: nn.Module, path: str | Path) -> None:
    """Load a torchvision-style state_dict file into ``module`` (safely, on the CPU)."""
    state = load_state_dict(path)
    if name.startswith("densenet"):
        state = {(_DENSENET_KEY.sub(r"\1\2", k)): v for k, v in state.items()}
    load_into(module, state, path, ignore_unexpected=_AUX_PREFIXES)


def install_weights_file(name: str, src_path: str | Path) -> Path:
    """Copy a user's weights file for ``name`` into the hub cache, after checking that it
    loads into the architecture. Returns where it went.

    Raises:
        FoolingError: the file is missing, unsafe to load, or not weights for ``name``.
    """
    src_path = Path(src_path)
    load_weights_into(name, build_architecture(name), src_path)
    dest = weights_file(name)
    if src_path.resolve() != dest.resolve():
        copy_file(src_path, dest)
    return dest


def imagenet_spec(name: str, *, ten_crop: bool = False, random_init: bool = False,
                  weights_sha256: str = "", class_names_: tuple[str, ...] | None = None,
                  spec_name: str | None = None) -> ModelSpec:
    """Preprocessing from torchvision's own transforms: resize to ``resize_size``
    (256 for most), crop ``crop_size`` (224), ImageNet mean and std."""
    weights = pretrained_weights(name)
    tf = weights.transforms()
    crop = int(tf.crop_size[0])
    resize = max(int(tf.resize_size[0]), crop)
    return ModelSpec(
        name=spec_name or name,
        class_names=class_names_ or tuple(weights.meta["categories"]),
        channels=3,
        input_size=(crop, crop),
        image_size=(resize, resize),
        mean=tuple(float(m) for m in tf.mean),
        std=tuple(float(s) for s in tf.std),
        output="logits",
        ten_crop=ten_crop and resize > crop,
        weights_sha256=weights_sha256,
        random_init=random_init,
        description=describe(name),
    )


def load_torchvision_model(name: str, *, device: str | torch.device = "cpu",
                           random_init: bool = False, ten_crop: bool = False,
                           progress: DownloadProgress | None = None,
                           allow_download: bool | None = None) -> Classifier:
    """A torchvision ImageNet classifier ready to use.

    Args:
        random_init: random weights (seed 0) instead of the pretrained ones; flagged in
            the spec. Nothing is read or downloaded.
        ten_crop: average over 10 crops (4 corners + centre, mirrored), as in the paper.
        progress: download progress, ``progress(done_bytes, total_bytes) -> bool``.
        allow_download: None = download unless ``FOOLING_GUI_OFFLINE`` is set.

    Raises:
        FoolingError: weights missing and not downloadable, or corrupt.
    """
    module = build_architecture(name)
    if random_init:
        return Classifier(module, imagenet_spec(name, ten_crop=ten_crop, random_init=True), device)
    path = weights_file(name)
    if not path.is_file():
        if allow_download is False:
            raise _missing_error(name, "downloads were not allowed")
        download_weights(name, progress)
    load_weights_into(name, module, path)
    spec = imagenet_spec(name, ten_crop=ten_crop, weights_sha256=file_sha256(path))
    return Classifier(module, spec, device)


def _check_name(name: str) -> None:
    names = imagenet_model_names()
    if name not in names:
        examples = ", ".join(n for n in ("alexnet", "resnet18", "vgg16") if n in names)
        raise FoolingError(f"{name!r} is not a torchvision ImageNet model (try {examples}).")
