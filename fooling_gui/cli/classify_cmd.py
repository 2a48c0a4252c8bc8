"""``fooling-gui classify FILE...``: what a model thinks the images are."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_model_arguments, positive_int, print_json


def add_parser(sub) -> None:
    p = sub.add_parser("classify", help="classify image files with a model",
                       description="Print each image's most likely classes. Images are "
                       "converted to the model's channels and resized to its image size; "
                       "MNIST models expect a white digit on a black background.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="image files (PNG, JPEG, …)")
    add_model_arguments(p)
    p.add_argument("--top", type=positive_int, default=5, metavar="K",
                   help="how many classes to show per image (default: 5)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ..core.errors import FoolingError
    from ..core.formatting import format_confidence
    from ..core.gallery import is_contact_sheet
    from ..core.images import from_uint8, load_image
    from .common import load_model_from_args

    for path in args.files:  # fail before loading a large model
        if not path.is_file():
            raise FoolingError(f"No image file at {path}.")
    # `classify gallery/*.png` means the gallery's images, not its contact sheet.
    files = [p for p in args.files if not is_contact_sheet(p)]
    for path in args.files:
        if path not in files:
            print(f"fooling-gui: skipped {path}: a gallery's contact sheet, not one image.",
                  file=sys.stderr)
    if not files:
        raise FoolingError("Every file given is a gallery's contact sheet; classify the "
                           "gallery's single images instead.")
    classifier = load_model_from_args(args)
    results = []
    for path in files:
        image = from_uint8(load_image(path, classifier.spec.channels))
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

