"""Custom models from files, loaded without running code hidden in them.

* ``.pt2``: a ``torch.export`` program, checked entry by entry and loaded from a clean
  copy (see :mod:`.export_archive`);
* any file whose sidecar names ``"architecture"`` (``"lenet"``, ``"efficientnet_lite0"``
  or a torchvision name):
  a state_dict read with ``torch.load(weights_only=True, map_location="cpu")``.

TorchScript files are refused: loading one compiles and runs the code it carries, and
that code may call any operator, including ones that read files or skip bounds checks.

Every model comes with a JSON sidecar (see :mod:`.sidecar`); one forward pass on a blank
image checks that the model's outputs match the class names.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..errors import FoolingError
from . import efficientnet_lite0 as lite0
from . import torchvision_models as tvm
from .classifier import Classifier
from .export_archive import load_exported_program
from .lenet import MNIST_CLASSES, LeNet, lenet_spec
from .sidecar import read_sidecar, sidecar_path_for
from .spec import ModelSpec
from .weights_io import file_sha256, load_into, load_state_dict

MODEL_SUFFIXES = (".pt2", ".pt", ".ts", ".pth")


class _ExportedModule(nn.Module):
    """Holds an exported program's module: those refuse ``.train()``/``.eval()``, but
    are always in inference mode anyway."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner

    def train(self, mode: bool = True):
        self.training = mode
        return self

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x)


class _FixedBatch(nn.Module):
    """Feeds a model exported for a fixed batch of ``size`` images: any number of
    images go through in chunks of ``size``, the last one padded with copies of its
    final image (their scores are dropped)."""

    def __init__(self, inner: nn.Module, size: int):
        super().__init__()
        self.inner = inner
        self.size = size

    def train(self, mode: bool = True):
        self.training = mode
        self.inner.train(mode)
        return self

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = []
        for chunk in x.split(self.size):
            n = chunk.shape[0]
            if n < self.size:
                chunk = torch.cat([chunk, chunk[-1:].expand(self.size - n, *chunk.shape[1:])])
            outs.append(self.inner(chunk)[:n])
        return torch.cat(outs)


def exported_batch_size(module: nn.Module) -> int | None:
    """The batch size an exported program was fixed to, or None when it takes any."""
    inner = getattr(module, "inner", module)
    graph = getattr(inner, "graph", None)
    for node in getattr(graph, "nodes", ()):
        if node.op == "placeholder":
            val = node.meta.get("val")
            shape = getattr(val, "shape", None)
            if shape is not None and len(shape) == 4 and isinstance(shape[0], int):
                return int(shape[0])
            return None
    return None


def load_custom_model(path: str | Path, sidecar: str | Path | None = None, *,
                      device: str | torch.device = "cpu", ten_crop: bool = False) -> Classifier:
    """Load a model file with its JSON sidecar (default: same name, ``.json``).

    Raises:
        FoolingError: missing or unsafe file, bad sidecar, or outputs that do not match
            the class names.
    """
    path = Path(path)
    if not path.is_file():
        raise FoolingError(f"No model file at {path}.")
    meta = read_sidecar(sidecar if sidecar is not None else sidecar_path_for(path))
    sha = file_sha256(path)
    if meta.get("architecture"):
        module, base = _from_state_dict(path, meta)
    else:
        module = _load_program(path)
        base = None
    spec = _spec(path, meta, base, sha, ten_crop)
    classifier = Classifier(module, spec, "cpu")
    classifier = _check_outputs(classifier, path)
    return Classifier(classifier.module, spec, device)


def _load_program(path: Path) -> nn.Module:
    if path.suffix == ".pt2":
        return _ExportedModule(load_exported_program(path))
    if _is_torchscript(path):
        raise FoolingError(
            f"{path.name} is a TorchScript file, which can run code while it loads, so "
            "fooling-gui does not open it: save the model with torch.export.save (a .pt2 "
            'file), or save its state_dict and name its "architecture" in the sidecar.')
    raise FoolingError(f'{path.name} is not a torch.export program (.pt2); if it is a '
                       'state_dict, name its architecture in the sidecar, e.g. '
                       '"architecture": "lenet".')


def _is_torchscript(path: Path) -> bool:
    """A zip whose files include TorchScript's code folder or constants."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any("/code/" in n or n.endswith("/constants.pkl") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _from_state_dict(path: Path, meta: dict[str, Any]) -> tuple[nn.Module, ModelSpec]:
    arch = meta["architecture"]
    names = meta.get("class_names")
    if arch == "lenet":
        module = LeNet(len(names) if names else len(MNIST_CLASSES))
        load_into(module, load_state_dict(path), path)
        return module, lenet_spec()
    if arch == lite0.NAME:  # e.g. fine-tuned: the layout of the shipped weights
        module = lite0.build_lite0(n_classes=len(names) if names else 1000)
        lite0.load_lite0_weights(module, path)
        return lite0.fuse_for_inference(module.eval()), lite0.lite0_spec()
    if tvm.is_imagenet_model(arch):
        module = tvm.build_architecture(arch, num_classes=len(names) if names else None)
        tvm.load_weights_into(arch, module, path)
        return module, tvm.imagenet_spec(arch)
    raise FoolingError(f'Unknown "architecture" {arch!r}: use "lenet", "efficientnet_lite0" '
                       "or a torchvision "
                       "model name such as resnet18.")


def _spec(path: Path, meta: dict[str, Any], base: ModelSpec | None, sha: str,
          ten_crop: bool) -> ModelSpec:
    get = meta.get

    channels = get("channels", base.channels if base else None)
    input_size = get("input_size", base.input_size if base else None)
    image_size = get("image_size", base.image_size if base and "input_size" not in meta
                     else input_size)
    mean = get("mean", base.mean if base else (0.0,))
    std = get("std", base.std if base else (1.0,))
    if any(i > s for i, s in zip(input_size, image_size)):
        raise FoolingError(f"The sidecar of {path.name} gives an image_size smaller than the "
                           "input_size.")
    if len(mean) != channels or len(std) != channels:
        if len(mean) not in (1, channels) or len(std) not in (1, channels):
            raise FoolingError(f'"mean" and "std" in the sidecar of {path.name} need one '
                               f"number per channel ({channels}).")
        mean, std = tuple(mean) * (channels // len(mean)), tuple(std) * (channels // len(std))
    description = get("description", "")
    if not description:
        acc = meta.get("test_accuracy")
        description = f"Custom model {path.name}" + (
            f" ({100 * acc:.2f} % test accuracy)" if isinstance(acc, (int, float)) else "")
    return ModelSpec(
        name=get("name", "").strip() or f"custom:{path.stem}",
        class_names=tuple(get("class_names", base.class_names if base else ())),
        channels=channels,
        input_size=tuple(input_size),
        image_size=tuple(image_size),
        mean=tuple(mean),
        std=tuple(std),
        value_range=tuple(get("value_range", base.value_range if base else (0.0, 1.0))),
        output=get("output", base.output if base else "logits"),
        ten_crop=ten_crop and tuple(image_size) != tuple(input_size),
        weights_sha256=sha,
        description=description,
    )


def _check_outputs(classifier: Classifier, path: Path) -> Classifier:
    """One forward pass on three blank images (three: neither one nor two, the batch
    sizes programs are most often exported with). A program exported for a fixed batch
    is fed in chunks of that size; if its input says nothing, one image at a time is
    tried."""
    spec = classifier.spec
    blank = torch.zeros(3, spec.channels, *spec.image_size)
    fixed = exported_batch_size(classifier.module)
    if fixed is not None:
        classifier = Classifier(_FixedBatch(classifier.module, fixed), spec, "cpu")
    try:
        with torch.inference_mode():
            out = classifier.module(classifier.network_input(blank))
    except Exception as first:  # noqa: BLE001 - user code; a fixed-batch export fails a guard
        try:
            one = _FixedBatch(classifier.module, 1)
            with torch.inference_mode():
                out = one(classifier.network_input(blank))
            classifier = Classifier(one, spec, "cpu")
        except Exception:  # noqa: BLE001 - report the first failure, it is the informative one
            c, (h, w) = spec.channels, spec.input_size
            raise FoolingError(f"{path.name} fails on a {c}×{h}×{w} input "
                               f"({_first_line(first)}).") from None
    if not isinstance(out, torch.Tensor) or out.ndim != 2:
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise FoolingError(f"{path.name} should return one row of class scores per image, "
                           f"but returns {shape}.")
    if out.shape[0] != blank.shape[0]:
        raise FoolingError(f"{path.name} returns {out.shape[0]} rows of scores for "
                           f"{blank.shape[0]} images; it should return one per image.")
    if out.shape[1] != spec.n_classes:
        raise FoolingError(f"The sidecar of {path.name} names {spec.n_classes} classes but the "
                           f"model gives {out.shape[1]} outputs.")
    with torch.inference_mode():
        classifier.probabilities(blank)  # NaN, or "probabilities" outside [0, 1]
    return classifier


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return (lines[0] if lines else type(exc).__name__).rstrip(".")
