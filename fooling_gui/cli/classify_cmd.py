"""``fooling-gui classify FILE...``: what a model thinks the images are."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_model_arguments, positive_int, print_json


def add_parser(sub) -> None:
    p = sub.add_parser("classify", help="classify image files with a model",
                       description="Print each image's most likely classes. Images are "
                       "converted to the model's channels and brought to its image size "
                       "as torchvision's ImageNet transforms do: scaled so the shorter side "
                       "fits (256 px for ImageNet models), then the centre is cut out, so "
                       "photos are never squashed. ImageNet models then score the 224 px "
                       "centre crop (or 10 crops with --ten-crop). MNIST models expect a "
                       "white digit on a black background.")
    p.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="image files (PNG, JPEG, …)")
    p.add_argument("--photos", action="store_true",
                   help="also classify the real photographs that ship with fooling-gui "
                   "(a cat, a cup of espresso, a rocket, a cameraman, an astronaut)")
    add_model_arguments(p)
    p.add_argument("--top", type=positive_int, default=5, metavar="K",
                   help="how many classes to show per image (default: 5)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ..core.attacks.inputs import load_for_model
    from ..core.errors import FoolingError
    from ..core.formatting import format_confidence
    from ..core.gallery import is_contact_sheet
    from ..core.images import from_uint8
    from ..core.photos import PHOTOS
    from .common import load_model_from_args

    files = list(args.files) + ([p.path for p in PHOTOS] if args.photos else [])
    if not files:
        raise FoolingError("Name at least one image file (or use --photos).")
    for path in files:  # fail before loading a large model
        if not path.is_file():
            raise FoolingError(f"No image file at {path}.")
    # `classify gallery/*.png` means the gallery's images, not its contact sheet.
    images = [p for p in files if not is_contact_sheet(p)]
    for path in files:
        if path not in images:
            print(f"fooling-gui: skipped {path}: a gallery's contact sheet, not one image.",
                  file=sys.stderr)
    if not images:
        raise FoolingError("Every file given is a gallery's contact sheet; classify the "
                           "gallery's single images instead.")
    classifier = load_model_from_args(args)
    results = []
    for path in images:
        image = from_uint8(load_for_model(path, classifier.spec))
        top = classifier.top_k(image, k=args.top)[0]
        results.append({"file": str(path), "top": [
            {"class_index": i, "class_name": name, "confidence": conf} for i, name, conf in top]})
    if args.json:
        print_json(results)
        return 0
    label = classifier.spec.label
    for result in results:
        print(f"{result['file']} ({label}):")
        for entry in result["top"]:
            print(f"  {format_confidence(entry['confidence']):>11}  {entry['class_name']} "
                  f"(class {entry['class_index']})")
    return 0
