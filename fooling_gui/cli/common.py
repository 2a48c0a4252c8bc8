"""Argument types and helpers shared by the commands."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} must not be negative")
    return value


MAX_SEED = 2**63 - 1  # numpy and torch both take any seed in 0 … 2**63 − 1


def seed_int(text: str) -> int:
    """A random seed: a whole number from 0 to 2**63 − 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text} must be between 0 and 2**63 - 1")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a positive number")
    return value


def add_model_arguments(parser: argparse.ArgumentParser, default: str | None = "lenet") -> None:
    """``--model``, ``--device``, ``--random-init``, ``--ten-crop``: how every command picks a model."""
    parser.add_argument("--model", default=default, required=default is None,
                        help="registry name (see `fooling-gui models`) or a custom model file "
                        f"(default: {default})")
    parser.add_argument("--device", default="cpu",
                        help="cpu, cuda, cuda:N or mps (default: cpu)")
    parser.add_argument("--random-init", action="store_true",
                        help="random weights, for benchmarks and tests only")
    parser.add_argument("--ten-crop", action="store_true",
                        help="ImageNet models: average over 10 crops, as in the paper")


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """``--preset`` and ``--set NAME=VALUE``: every evolution setting, listed in --help."""
    from ..core.evolution.settings import PRESETS, help_text

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = help_text()
    # None = not given (a resumed run keeps its own); new runs read it as "paper".
    parser.add_argument("--preset", choices=tuple(PRESETS), default=None,
                        help="operators: paper = the original code (default); legacy = "
                        "fooling-gui's earlier, smoother ones")
    parser.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                        help="change one setting of the preset (repeatable; the list is below)")


def settings_from_args(args: argparse.Namespace) -> tuple[bool, dict]:
    """``(ten_crop, encoding settings)`` from ``--preset``/``--set``/``--ten-crop``;
    also sets ``args.ten_crop`` so the model is loaded as the run will score with it."""
    from ..core.evolution.settings import parse_assignments, preset_values, split_run_settings

    args.preset = args.preset or "paper"
    values = parse_assignments(args.set, args.encoding)
    run_wide, params = split_run_settings(values)
    if "crops" in run_wide:
        ten = run_wide["crops"] == "ten"
    elif getattr(args, "ten_crop", False):
        ten = True
    else:
        ten = preset_values(args.preset, args.encoding)["crops"] == "ten"
    args.ten_crop = ten
    return ten, params


def command_models(args: argparse.Namespace, device: str | None = None):
    """The session layer's model cache for a command, on ``device`` (else ``--device``).

    Commands get their models as the window's tabs do (:class:`ModelCache`, keyed by
    :class:`ModelKey`); unlike the window, they download missing ImageNet weights
    unless ``FOOLING_GUI_OFFLINE`` is set.
    """
    from ..sessions import ModelCache

    return ModelCache(device=device or resolve_device(args.device), allow_download=None)


def model_key(args: argparse.Namespace):
    """The :class:`ModelKey` of ``--model`` and ``--random-init``."""
    from ..sessions import ModelKey

    return ModelKey(args.model, bool(args.random_init))


def load_model_from_args(args: argparse.Namespace, models=None):
    """The Classifier the model arguments name, from ``models`` (a new
    :func:`command_models` cache by default): ten crops with ``args.ten_crop``.

    Raises:
        FoolingError: unknown model, missing weights, unusable device.
    """
    if models is None:
        models = command_models(args)
    return models.view(model_key(args), bool(getattr(args, "ten_crop", False)))


def resolve_device(name: str) -> str:
    """``name`` as a torch device string, if this computer can run on it.

    Raises:
        FoolingError: not a device name, a kind fooling-gui does not run on (``meta``,
            ``xla``, …), or one this computer lacks.
    """
    from ..core.devices import check_device

    return check_device(name, flag="--device")


def parse_class(text: str, class_names: tuple[str, ...]) -> int:
    """A class index or (case-insensitive) name → index (FoolingError if unknown).

    A name wins over an index, so a class literally named "3" is found by name.
    """
    from ..core.errors import FoolingError

    item = text.strip()
    by_name = {name.lower(): i for i, name in enumerate(class_names)}
    if item.lower() in by_name:
        return by_name[item.lower()]
    # ASCII digits only: "²" and "٣" pass str.isdigit() but are no class number.
    if re.fullmatch(r"-?[0-9]+", item) and len(item) < 20:
        k = int(item)
        if 0 <= k < len(class_names):
            return k
        raise FoolingError(f"Class {k} does not exist: this model has classes 0 to "
                           f"{len(class_names) - 1}.")
    raise FoolingError(f"This model has no class named {item!r}.")


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


#: For bars that count seconds: percent done, time spent and time left, no rate.
TIME_BAR = "{desc}: {percentage:3.0f}%|{bar}| {elapsed} so far, about {remaining} left"


def progress(total: float, desc: str, unit: str = "it", quiet: bool = False,
             bar_format: str | None = None):
    """A tqdm bar on stderr with an estimate of the time left (silent with ``quiet``)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=quiet,
                dynamic_ncols=True, leave=False, bar_format=bar_format)


def set_time_progress(bar, label: str, elapsed: float, expected: float) -> None:
    """Move a :data:`TIME_BAR` bar to ``elapsed`` of ``expected`` seconds."""
    bar.total = max(expected, elapsed, 1e-6)
    bar.n = min(elapsed, bar.total)
    bar.set_description_str(label, refresh=False)
    bar.refresh()
