"""Looking inside a classifier: its layers, their activations, hooks to capture them.

Layers are named as in ``module.named_modules()`` (``"features.0"``, ``"layer3.1.conv2"``)
and found by running the model once, so the same code serves LeNet, AlexNet, any
torchvision model and custom models given as a state_dict. A model loaded as one flat
graph (a ``.pt2`` program, or TorchScript) runs its inner layers inside that graph, where
module hooks never fire: it shows no layers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn

from ..errors import FoolingError
from ..models.classifier import Classifier

# Class-name fragments → layer kind; names (not isinstance) so scripted modules,
# which report their original class name, are sorted the same way.
_KIND_BY_NAME = (
    ("Conv", "conv"),
    ("Linear", "linear"),
    ("Pool", "pool"),
    ("Norm", "norm"),
    ("Dropout", "dropout"),
)
_ACTIVATIONS = {"ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU",
                "Mish", "Sigmoid", "Tanh", "Hardswish", "Hardsigmoid", "Hardtanh", "Softplus",
                "Softmax", "LogSoftmax"}


@dataclass(frozen=True)
class LayerInfo:
    """One layer whose output can be visualised.

    Attributes:
        name: the name in ``module.named_modules()``.
        kind: ``"conv"``, ``"linear"``, ``"activation"``, ``"pool"``, ``"norm"``,
            ``"dropout"``, ``"block"`` (a module with children) or ``"other"``.
        type_name: the module's class name (``"Conv2d"``).
        channels: feature maps (``spatial``) or units of the output.
        spatial: the output is ``(B, C, H, W)`` (else ``(B, C)``).
        shape: output shape for one image at the model's ``image_size``.
    """

    name: str
    kind: str
    type_name: str
    channels: int
    spatial: bool
    shape: tuple[int, ...]

    @property
    def label(self) -> str:
        """``"features.0 — Conv2d, 20 channels"`` for menus."""
        what = "channels" if self.spatial else "units"
        return f"{self.name} — {self.type_name}, {self.channels} {what}"


def _type_name(module: nn.Module) -> str:
    return getattr(module, "original_name", None) or type(module).__name__


def _kind(module: nn.Module) -> str:
    name = _type_name(module)
    if name in _ACTIVATIONS:
        return "activation"
    for fragment, kind in _KIND_BY_NAME:
        if fragment in name:
            return kind
    return "block" if any(True for _ in module.children()) else "other"


class StopForward(Exception):
    """Raised from a hook to end a forward pass once every wanted layer has run."""


@contextmanager
def capture_activations(module: nn.Module, names: Iterable[str], *,
                        stop_when_done: bool = False) -> Iterator[dict[str, torch.Tensor]]:
    """Within the block, every forward pass stores the outputs of the named layers.

    Outputs are cloned: an in-place ReLU after a conv would otherwise overwrite the
    conv output we keep (and cut its gradient). Unknown names raise ``KeyError``;
    layers inside a flat graph (a loaded program) are silently never captured.
    With ``stop_when_done`` the forward pass raises :class:`StopForward` as soon as all
    named layers have produced output (the caller catches it), skipping later layers.
    """
    modules = dict(module.named_modules())
    wanted = list(dict.fromkeys(names))
    store: dict[str, torch.Tensor] = {}
    handles = []

    # The module may be shared with other threads (the window's tabs share one copy of
    # a model): only forward passes of the thread that set the hooks are captured.
    owner = threading.get_ident()

    def hook_for(name: str):
        def hook(_mod, _inputs, output):
            if threading.get_ident() != owner:
                return
            if isinstance(output, torch.Tensor):
                store[name] = output.clone()
                if stop_when_done and len(store) == len(wanted):
                    raise StopForward
        return hook

    try:
        for name in wanted:
            try:
                handles.append(modules[name].register_forward_hook(hook_for(name)))
            except RuntimeError:
                pass  # some ScriptModules refuse hooks; their output is never captured
        yield store
    finally:
        for handle in handles:
            handle.remove()


def normalise(classifier: Classifier, images: torch.Tensor) -> torch.Tensor:
    """Scale and normalise like :meth:`Classifier.network_input` but keep the size.

    Convolutional layers accept any size, so unit visualisation can work on small images.
    """
    spec = classifier.spec
    x = images.to(classifier.device, torch.float32)
    lo, hi = spec.value_range
    if (lo, hi) != (0.0, 1.0):
        x = x * (hi - lo) + lo
    mean = torch.tensor(spec.mean, device=x.device).view(1, -1, 1, 1)
    std = torch.tensor(spec.std, device=x.device).view(1, -1, 1, 1)
    return (x - mean) / std


def centre_rows(activation: torch.Tensor, batch: int) -> torch.Tensor:
    """With ten-crop input the module sees ``10 * batch`` rows; keep the centre crop's."""
    if batch and activation.shape[0] == 10 * batch:
        return activation[4 * batch : 5 * batch]
    return activation


def discover_layers(classifier: Classifier, size: tuple[int, int] | None = None) -> list[LayerInfo]:
    """Every named layer with a ``(B, C)`` or ``(B, C, H, W)`` output, in execution order.

    Found by one forward pass of a grey image: through the classifier's own preprocessing
    at ``spec.image_size``, or (``size`` given) at that size without resizing — then only
    the layers that can run at that size are listed.
    """
    module = classifier.module
    named = [(n, m) for n, m in module.named_modules() if n]
    grey = torch.full((1, classifier.spec.channels, *(size or classifier.spec.image_size)), 0.5)
    with capture_activations(module, [n for n, _ in named]) as store, torch.inference_mode():
        try:
            module(classifier.network_input(grey) if size is None else normalise(classifier, grey))
        except RuntimeError:
            if size is None:
                raise
            # A fully-connected layer refused this size: the layers before it still work.
        fired = list(store.items())  # dicts keep insertion order = first firing
    kinds = {n: (_kind(m), _type_name(m)) for n, m in named}
    layers = []
    for name, out in fired:
        if out.dim() not in (2, 4):
            continue
        kind, type_name = kinds[name]
        shape = tuple(int(s) for s in centre_rows(out, 1).shape[1:])
        layers.append(LayerInfo(name, kind, type_name, shape[0], out.dim() == 4, shape))
    return layers


def find_layer(classifier: Classifier, name: str, layers: list[LayerInfo] | None = None) -> LayerInfo:
    """The layer called ``name``, or a FoolingError that lists some valid names."""
    layers = discover_layers(classifier) if layers is None else layers
    for layer in layers:
        if layer.name == name:
            return layer
    model = classifier.spec.label
    if not layers:
        raise FoolingError(f"{model} shows no inner layers (a model loaded as one flat graph "
                           "hides them), so only class visualisation works with it.")
    preferred = [l.name for l in layers if l.kind in ("conv", "linear")] or [l.name for l in layers]
    shown = ", ".join(preferred[:6]) + (", …" if len(preferred) > 6 else "")
    raise FoolingError(f"{model} has no layer named {name!r}; its layers include {shown}.")


def activation_maps(classifier: Classifier, image: torch.Tensor,
                    layers: Iterable[str] | None = None) -> dict[str, torch.Tensor]:
    """The outputs of ``layers`` (default: every discovered layer) for one or more images.

    Args:
        classifier: the model.
        image: ``(C, H, W)`` or ``(B, C, H, W)`` float in [0, 1]; preprocessed as the
            classifier does for classification.
        layers: layer names.

    Returns:
        ``{name: (B, C, H, W) or (B, C) CPU tensor}`` in execution order (the centre
        crop's maps for ten-crop models).
    """
    x = image if image.dim() == 4 else image[None]
    names = [l.name for l in discover_layers(classifier)] if layers is None else list(layers)
    with capture_activations(classifier.module, names) as store, torch.inference_mode():
        classifier.module(classifier.network_input(x))
        return {n: centre_rows(store[n], x.shape[0]).cpu() for n in store if n in names}
