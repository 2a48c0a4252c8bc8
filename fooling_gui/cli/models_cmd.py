"""``fooling-gui models``: which models there are and whether their weights are here."""

from __future__ import annotations

import argparse

from .common import print_json


def add_parser(sub) -> None:
    p = sub.add_parser("models", help="list the models and whether their weights are present",
                       description="List the classifiers the app can load. ImageNet weights "
                       "that are missing are downloaded on first use where the internet is "
                       "reachable, or can be placed by hand at the path shown with --json.")
    p.add_argument("--all", action="store_true",
                   help="list every torchvision ImageNet classifier, not only the featured ones")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..core.models import available_models

    infos = available_models(all_imagenet=args.all)
    if args.json:
        print_json([{"name": i.name, "kind": i.kind, "weights_present": i.weights_present,
                     "weights_path": str(i.weights_path), "description": i.description}
                    for i in infos])
        return 0
    rows = [(i.name, i.kind, "present" if i.weights_present else "missing", i.description)
            for i in infos]
    header = ("NAME", "KIND", "WEIGHTS", "DESCRIPTION")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(3)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3])
    return 0
