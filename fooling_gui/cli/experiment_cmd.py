"""``fooling-gui experiment …``: the paper's ImageNet experiment, and the defences.

``experiment imagenet`` measures the paper's headline on an ImageNet network (see
:mod:`fooling_gui.cli.experiment_imagenet`). Each other experiment evolves fooling
images against LeNet (and LeNets it trains on the offline digits), measures one
defence and prints a table, or JSON with ``--json``; their runners live in
:mod:`fooling_gui.cli.experiment_runs`.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from .common import add_model_arguments, non_negative_int, positive_float, positive_int, seed_int

EXPERIMENTS = ("imagenet", "retrain", "smoothing", "threshold", "transfer", "ensemble")


def float_list(text: str) -> list[float]:
    try:
        values = [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of numbers") from None
    if not values or any(not math.isfinite(v) or v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"{text!r} must list numbers that are not negative")
    return values


def _common(p: argparse.ArgumentParser, generations: int, runs: bool = True) -> None:
    add_model_arguments(p)
    p.add_argument("--generations", type=non_negative_int, default=generations,
                   help=f"generations per evolution run (default: {generations})")
    p.add_argument("--batch", type=positive_int, default=200,
                   help="offspring per generation (default: 200, as in the paper)")
    if runs:
        p.add_argument("--runs", type=positive_int, default=3,
                       help="evolution runs (seeds) that supply fooling images (default: 3)")
    p.add_argument("--seed", type=seed_int, default=0, help="random seed (default: 0)")
    p.add_argument("--out", type=Path, metavar="FILE", help="also write the JSON to FILE")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress messages")


def add_parser(sub) -> None:
    p = sub.add_parser("experiment", help="the paper's ImageNet experiment; defences: "
                       "retraining, smoothing, thresholds, transfer, ensembles",
                       description="Measure the paper's ImageNet result (imagenet), or how "
                       "well defences hold against fooling images (MNIST / LeNet, offline).")
    exp = p.add_subparsers(dest="experiment", metavar="EXPERIMENT", required=True)
    from .experiment_imagenet import add_parser as add_imagenet

    add_imagenet(exp)

    r = exp.add_parser("retrain", help="the paper's n+1 experiment: retrain with a "
                       "'fooling' class, evolve again, repeat",
                       description="Round 0 evolves against the model; each further round "
                       "adds all fooling images so far as an 11th class, retrains LeNet "
                       "(starting from the previous weights) and evolves again.")
    _common(r, generations=200, runs=False)
    r.add_argument("--rounds", type=non_negative_int, default=3,
                   help="retraining rounds after round 0 (default: 3)")
    r.add_argument("--epochs", type=positive_int, default=3,
                   help="training epochs per retraining (default: 3)")
    r.add_argument("--max-fooling", type=positive_int, default=1000,
                   help="at most this many new fooling images per round (default: 1000)")
    r.add_argument("--collect-above", type=positive_float, default=0.99,
                   help="confidence an image needs to join the fooling class (default: 0.99)")

    s = exp.add_parser("smoothing", help="blur or median-filter inputs before classifying",
                       description="Fooling images' confidence and clean accuracy on the "
                       "shipped digits for each smoothing strength; optionally evolve against "
                       "the smoothed model itself.")
    _common(s, generations=100)
    s.add_argument("--kind", choices=("gaussian", "median"), default="gaussian")
    s.add_argument("--settings", type=float_list,
                   help="sigmas (gaussian, default 0,0.5,1,1.5,2) or odd window sizes "
                   "(median, default 1,3,5); 0 / 1 is no smoothing")
    s.add_argument("--adaptive-generations", type=non_negative_int, default=50,
                   help="also evolve this long against each smoothed model (default: 50; 0: off)")

    t = exp.add_parser("threshold", help="a 'none of these' rule: reject low-confidence answers",
                       description="For each threshold, the fraction of fooling images still "
                       "accepted and of real digits rejected.")
    _common(t, generations=100)
    t.add_argument("--thresholds", type=float_list,
                   help="comma-separated thresholds (default: 0.5,0.9,0.99,0.999,0.9999,0.99999)")
    t.add_argument("--noise", type=non_negative_int, default=500,
                   help="also score this many uniform-noise images (default: 500)")

    tr = exp.add_parser("transfer", help="do images that fool one LeNet fool others?",
                        description="Train extra LeNets with other seeds, evolve against each "
                        "model, and score every model's images on every model.")
    _common(tr, generations=100, runs=False)
    tr.add_argument("--models", type=non_negative_int, default=2,
                    help="extra LeNets to train with seeds 1, 2, … (default: 2)")
    tr.add_argument("--train-epochs", type=positive_int, default=3,
                    help="training epochs of each extra LeNet (default: 3)")
    tr.add_argument("--random-target", action="store_true",
                    help="also score on a LeNet with random weights (a chance baseline)")

    e = exp.add_parser("ensemble", help="is a committee of LeNets harder to fool than one?",
                       description="Evolve against the model alone and against an ensemble "
                       "of it and extra LeNets trained with other seeds (same seed, same "
                       "budget), and compare generations to 99 %.")
    _common(e, generations=100, runs=False)
    e.add_argument("--members", type=positive_int, default=3,
                   help="ensemble size including the model (default: 3)")
    e.add_argument("--train-epochs", type=positive_int, default=3,
                   help="training epochs of each extra LeNet (default: 3)")
    e.add_argument("--mode", choices=("mean", "min", "both"), default="both",
                   help="average the members' probabilities, take the lowest, or both")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.experiment == "imagenet":
        from .experiment_imagenet import run_imagenet

        return run_imagenet(args)
    from . import experiment_runs

    return experiment_runs.run(args)
