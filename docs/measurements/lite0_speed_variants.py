"""How each inference change speeds up EfficientNet-Lite0 on a CPU (bare forward pass).

Builds the shipped network and variants without each change — plain (batch norms,
NCHW, padding copied into a buffer), channels-last, batch norms folded, both — and
AlexNet for scale, then times them in alternating rounds on the same 64 images:

    python docs/measurements/lite0_speed_variants.py [--rounds 4] [--batch 64]

Prints the best and the median images per second of each. Timings on a shared machine
are noisy: compare within one run.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import torch
import torch.nn.functional as F


def main() -> None:
    import torchvision

    from fooling_gui.core.models import efficientnet_lite0 as lite0
    from fooling_gui.core.models.efficientnet_lite import (SameConv2d, fuse_for_inference,
                                                           same_padding)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()

    class PaddedCopyConv(SameConv2d):
        """The usual way to pad like TensorFlow: copy the input into a padded buffer."""

        def forward(self, x):
            if self.stride[0] == 1:
                return self._conv_forward(x, self.weight, self.bias)
            k = self.kernel_size[0]
            top, bottom = same_padding(x.shape[-2], k, 2)
            left, right = same_padding(x.shape[-1], k, 2)
            return F.conv2d(F.pad(x, (left, right, top, bottom)), self.weight, self.bias,
                            2, 0, 1, self.groups)

    def padded_copies(model):
        model = copy.deepcopy(model)
        for module in model.modules():
            if type(module) is SameConv2d:
                module.__class__ = PaddedCopyConv
        return model

    plain = lite0.build_lite0().eval()
    lite0.load_lite0_weights(plain, lite0.weights_path())
    fused = fuse_for_inference(plain)
    variants = [
        ("AlexNet (torchvision)", torchvision.models.alexnet().eval()),
        ("Lite0 straightforward", padded_copies(plain)),
        ("… channels-last", padded_copies(plain).to(memory_format=torch.channels_last)),
        ("… batch norms folded", padded_copies(fused).to(memory_format=torch.contiguous_format)),
        ("… both", padded_copies(fused)),
        ("… and no padding copies (shipped)", fused),
    ]
    x = torch.rand(args.batch, 3, 224, 224)
    speeds: dict[str, list[float]] = {name: [] for name, _ in variants}
    with torch.inference_mode():
        for _, model in variants:
            model(x)  # warm-up
        for _ in range(args.rounds):
            for name, model in variants:
                start = time.perf_counter()
                model(x)
                speeds[name].append(args.batch / (time.perf_counter() - start))
    print(f"bare forward pass, {args.batch} images of 224 px, {torch.get_num_threads()} threads")
    for name, values in speeds.items():
        print(f"  {name:36s} best {max(values):7.1f}  median {statistics.median(values):7.1f}"
              " images/s")


if __name__ == "__main__":
    main()
