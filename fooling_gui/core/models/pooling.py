"""Max pooling as the maximum of shifted strided views, for scoring on the CPU.

torch's CPU ``max_pool2d`` (2.14) costs about as much as the convolution before it:
9.5 ms for LeNet's first pool over 200 images, where the maximum of its four shifted
views takes 1.4 ms; AlexNet's three 3×3/2 pools over 100 images take 233 ms, the
views 92 ms. The maximum of a set of floats does not depend on the order it is taken
in, and ``torch.maximum`` propagates NaN as the pool does, so the result is the same,
bit for bit. Only scoring (inference mode, on the CPU) takes this path; anything that
may need gradients keeps torch's pool, whose backward sends a tie's gradient to one
input where ``torch.maximum`` would split it.
"""

# No `from __future__ import annotations`: TorchScript reads these annotations.
import torch
import torch.nn.functional as F
from torch import nn


def _pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def strided_max_pool2d(x: torch.Tensor, kernel: tuple[int, int],
                       stride: tuple[int, int]) -> torch.Tensor:
    """``max_pool2d(x, kernel, stride)`` without padding, dilation or ceil mode: the
    maximum over rows of ``kernel[0]`` shifted views, then over columns."""
    (kh, kw), (sh, sw) = kernel, stride
    oh = (x.shape[-2] - kh) // sh + 1
    ow = (x.shape[-1] - kw) // sw + 1
    rows = [x[..., i:i + sh * (oh - 1) + 1:sh, :] for i in range(kh)]
    rows = _fold_maximum(rows) if kh > 1 else rows[0]
    cols = [rows[..., j:j + sw * (ow - 1) + 1:sw] for j in range(kw)]
    return _fold_maximum(cols) if kw > 1 else cols[0].contiguous()


def _fold_maximum(views: list) -> torch.Tensor:
    """The elementwise maximum of two or more views, in one fresh tensor."""
    out = torch.maximum(views[0], views[1])
    for view in views[2:]:
        torch.maximum(out, view, out=out)
    return out


class StridedMaxPool2d(nn.MaxPool2d):
    """An ``nn.MaxPool2d`` (same settings, same state dict) that scores on the CPU with
    :func:`strided_max_pool2d`."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.jit.is_scripting() and self._views_apply(x):
            return self._views(x)
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    @torch.jit.unused  # a scripted copy (TorchScript) keeps torch's pool
    def _views_apply(self, x: torch.Tensor) -> bool:
        kernel = _pair(self.kernel_size)
        return (x.device.type == "cpu" and x.layout == torch.strided and x.dim() >= 3
                and torch.is_inference_mode_enabled()
                and x.shape[-2] >= kernel[0] and x.shape[-1] >= kernel[1])

    @torch.jit.unused
    def _views(self, x: torch.Tensor) -> torch.Tensor:
        return strided_max_pool2d(x, _pair(self.kernel_size),
                                  _pair(self.stride or self.kernel_size))


def _plain(pool: nn.MaxPool2d) -> bool:
    """No padding, dilation, ceil mode or indices: what the views compute."""
    return (type(pool) is nn.MaxPool2d and not pool.ceil_mode and not pool.return_indices
            and _pair(pool.padding) == (0, 0) and _pair(pool.dilation) == (1, 1))


def with_strided_max_pools(module: nn.Module) -> nn.Module:
    """``module`` with every plain ``nn.MaxPool2d`` in it replaced, in place, by a
    :class:`StridedMaxPool2d` of the same settings (compiled or scripted modules are
    left as they are)."""
    if isinstance(module, torch.jit.ScriptModule):
        return module
    for parent in list(module.modules()):  # the tree as it was, before any swap
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.MaxPool2d) and _plain(child):
                pool = StridedMaxPool2d(child.kernel_size, child.stride, child.padding,
                                        child.dilation, child.return_indices, child.ceil_mode)
                pool.train(child.training)
                setattr(parent, name, pool)
    return module
