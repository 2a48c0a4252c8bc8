"""What gradient ascent maximises, as small objects that add and scale (after lucent).

An :class:`Objective` maps a :class:`VisContext` (the rendered images plus what the
network made of them) to one value per image, shape ``(B,)``. Objectives combine:
``class_logit(3) + 0.1 * l2_decay(1.0)``, ``-channel("features.0", 5)``. Each declares
the layers whose activations it reads and whether it needs the network's output, so
the optimiser hooks exactly those layers and runs exactly the forward pass needed.

Indices (class ``k``, channel ``c``) may be one number for the whole batch or a sequence
with one entry per image, which lets a batch optimise a different unit in each image.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import torch

Index = int | Sequence[int]

OUTPUTS = ("logits", "log_probs")


@dataclass(frozen=True)
class VisContext:
    """Everything an objective may read for one forward pass.

    Attributes:
        images: the rendered ``(B, C, H, W)`` images, before random transforms.
        activations: ``{layer name: (B, ...) output}`` for the hooked layers.
        logits: ``(B, n_classes)`` or None when no objective needed them.
        log_probs: ``(B, n_classes)`` or None when no objective needed them.
    """

    images: torch.Tensor
    activations: Mapping[str, torch.Tensor] = field(default_factory=dict)
    logits: torch.Tensor | None = None
    log_probs: torch.Tensor | None = None


class Objective:
    """A per-image score to maximise, with the inputs it needs.

    Args:
        fn: ``VisContext -> (B,)`` tensor.
        name: human-readable description (``"channel features.0:5"``).
        layers: layer names whose activations ``fn`` reads.
        outputs: subset of ``{"logits", "log_probs"}`` that ``fn`` reads.
    """

    def __init__(self, fn: Callable[[VisContext], torch.Tensor], name: str,
                 layers: Sequence[str] = (), outputs: Sequence[str] = ()):
        unknown = set(outputs) - set(OUTPUTS)
        if unknown:
            raise ValueError(f"unknown outputs {sorted(unknown)}")
        self._fn = fn
        self.name = name
        self.layers = frozenset(layers)
        self.outputs = frozenset(outputs)

    def __call__(self, ctx: VisContext) -> torch.Tensor:
        return self._fn(ctx)

    def __repr__(self) -> str:
        return f"Objective({self.name})"

    # -- arithmetic ---------------------------------------------------------------
    def __add__(self, other: Objective | float) -> Objective:
        if isinstance(other, Objective):
            return Objective(lambda ctx: self(ctx) + other(ctx), f"{self.name} + {other.name}",
                             self.layers | other.layers, self.outputs | other.outputs)
        if isinstance(other, (int, float)):
            value = float(other)
            return Objective(lambda ctx: self(ctx) + value, f"{self.name} + {value:g}",
                             self.layers, self.outputs)
        return NotImplemented

    def __radd__(self, other: float) -> Objective:
        # sum([...]) starts from 0.
        return self if isinstance(other, (int, float)) and other == 0 else self.__add__(other)

    def __mul__(self, factor: float) -> Objective:
        if not isinstance(factor, (int, float)):
            return NotImplemented
        k = float(factor)
        return Objective(lambda ctx: k * self(ctx), f"{k:g} * ({self.name})",
                         self.layers, self.outputs)

    __rmul__ = __mul__

    def __truediv__(self, divisor: float) -> Objective:
        if not isinstance(divisor, (int, float)):
            return NotImplemented
        return self * (1.0 / float(divisor))

    def __neg__(self) -> Objective:
        return self * -1.0

    def __sub__(self, other: Objective | float) -> Objective:
        return self + (-other)

    def __rsub__(self, other: float) -> Objective:
        return (-self) + other


def select(values: torch.Tensor, index: Index) -> torch.Tensor:
    """``values[:, index]`` (one index) or ``values[b, index[b]]`` (one per image)."""
    if isinstance(index, int):
        return values[:, index]
    idx = torch.as_tensor(list(index), dtype=torch.long, device=values.device)
    if idx.numel() != values.shape[0]:
        raise ValueError(f"{idx.numel()} indices for a batch of {values.shape[0]} images")
    return values.gather(1, idx[:, None])[:, 0]


def _index_name(index: Index) -> str:
    return str(index) if isinstance(index, int) else ",".join(str(i) for i in index)


def class_logit(k: Index) -> Objective:
    """The pre-softmax score of class ``k`` (Olah et al.; cannot win by lowering others)."""
    return Objective(lambda ctx: select(ctx.logits, k), f"logit {_index_name(k)}",
                     outputs=("logits",))


def class_probability(k: Index) -> Objective:
    """The log-probability of class ``k``: pushes its softmax probability towards 1."""
    return Objective(lambda ctx: select(ctx.log_probs, k), f"log p({_index_name(k)})",
                     outputs=("log_probs",))


def class_log_odds(k: Index) -> Objective:
    """``log(p / (1 - p))`` of class ``k``.

    Unlike the log-probability its gradient does not fade as ``p`` nears 1, so it is the
    objective that reliably carries an image past 99.99 %.
    """

    def fn(ctx: VisContext) -> torch.Tensor:
        log_probs = ctx.log_probs
        b = log_probs.shape[0]
        idx = torch.as_tensor([k] * b if isinstance(k, int) else list(k),
                              dtype=torch.long, device=log_probs.device)[:, None]
        own = log_probs.gather(1, idx)[:, 0]
        # log(1 - p) computed as log Σ_{j≠k} p_j: exact even when p rounds to 1.
        rest = log_probs.scatter(1, idx, float("-inf")).logsumexp(dim=1)
        return own - rest

    return Objective(fn, f"log odds {_index_name(k)}", outputs=("log_probs",))


def channel(layer: str, c: Index) -> Objective:
    """Mean activation of channel ``c`` of ``layer`` over all positions (a unit for
    fully-connected layers)."""

    def fn(ctx: VisContext) -> torch.Tensor:
        act = ctx.activations[layer]
        per_channel = act.flatten(2).mean(dim=2) if act.dim() > 2 else act
        return select(per_channel, c)

    return Objective(fn, f"channel {layer}:{_index_name(c)}", layers=(layer,))


def neuron(layer: str, c: Index, y: int | None = None, x: int | None = None) -> Objective:
    """Activation of channel ``c`` of ``layer`` at one position (default: the centre)."""

    def fn(ctx: VisContext) -> torch.Tensor:
        act = ctx.activations[layer]
        if act.dim() == 4:
            h, w = act.shape[-2:]
            act = act[:, :, h // 2 if y is None else y, w // 2 if x is None else x]
        return select(act, c)

    where = "centre" if y is None and x is None else f"y={y},x={x}"
    return Objective(fn, f"neuron {layer}:{_index_name(c)}@{where}", layers=(layer,))


def l2_decay(weight: float) -> Objective:
    """``-weight`` × mean squared distance of the pixels from grey (0.5).

    Simonyan et al.'s L2 regulariser, measured per pixel so ``weight`` does not depend
    on the image size; it pulls pixels the objective does not care about back to grey.
    """
    w = float(weight)
    return Objective(lambda ctx: -w * (ctx.images - 0.5).pow(2).flatten(1).mean(dim=1),
                     f"l2 decay {w:g}")
