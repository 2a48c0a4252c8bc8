"""``evolve --save-run`` / ``--resume``: where a run file may go, and continuing one.

A resumed run keeps the settings it was saved with. A flag that would change one of
them (``--model``, ``--encoding``, ``--batch``, ``--seed``, ``--classes``,
``--random-init``, ``--ten-crop``, ``--preset``, ``--set``) is an error rather than silently ignored; only
``--device`` may differ, and a run saved on a GPU continues on the CPU of a computer
without one (with a note).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core.errors import FoolingError
from .common import command_models, resolve_device


def check_run_destination(path: Path, gallery: Path) -> Path:
    """Refuse, before any evolving, a ``--save-run`` file that cannot be written or that
    lies inside the gallery folder (which is replaced as a whole)."""
    from ..core.files import check_file_destination

    path = check_file_destination(path, "--save-run")
    target = Path(os.path.abspath(path))
    if gallery == target or gallery in target.parents:
        raise FoolingError(f"--save-run {path} lies inside the gallery folder {gallery}, "
                           "which is written as a whole; save the run beside it.")
    return path


def resume_run(args: argparse.Namespace, parse_classes):
    """The saved run in ``args.resume``, checked against the other flags, on a usable
    device and within memory; its budget raised to ``args.generations``."""
    from ..core.devices import usable_device
    from ..core.evolution.checkpoint import read_run_file
    from ..sessions import run_builder

    saved = read_run_file(args.resume)
    config = saved.config
    _refuse_conflicts(args, config, saved.path)
    if args.device is not None:
        device = resolve_device(args.device)
    else:
        device, problem = usable_device(config.device)
        if problem is not None:
            print(f"fooling-gui: note: {saved.path.name} was evolved on {config.device}, which "
                  "this computer cannot use; it continues on the CPU (results may differ in "
                  "the last digits from a continuation on the GPU).", file=sys.stderr)
    models = command_models(args, device)
    spec = run_builder.run_classifier(models, config).spec
    if args.classes is not None:
        given = parse_classes(args.classes, spec.class_names)
        everything = tuple(range(spec.n_classes))
        if (given or everything) != (config.classes or everything):
            raise _conflict(saved.path, "--classes", args.classes,
                            ",".join(map(str, config.classes)) if config.classes else "all")
    run = run_builder.resume_run(models, saved, device)
    if args.generations > run.generation:
        run.extend(args.generations)
    return run


def _refuse_conflicts(args: argparse.Namespace, config, path: Path) -> None:
    checks = [
        ("--model", args.model, config.model, _same_model),
        ("--encoding", args.encoding, config.encoding, None),
        ("--batch", args.batch, config.batch, None),
        ("--seed", args.seed, config.seed, None),
    ]
    for flag, given, saved, same in checks:
        if given is not None and not (same or (lambda a, b: a == b))(given, saved):
            raise _conflict(path, flag, given, saved)
    if getattr(args, "preset", None) is not None and args.preset != config.preset:
        raise _conflict(path, "--preset", args.preset, config.preset)
    if getattr(args, "set", None):
        raise FoolingError(f"--resume continues {path.name} with its own settings; leave "
                           "--set out or start a new run.")
    for flag, given, saved in (("--random-init", args.random_init, config.random_init),
                               ("--ten-crop", args.ten_crop, config.uses_ten_crop)):
        if given and not saved:
            raise FoolingError(f"--resume continues {path.name} with its own settings, which "
                               f"do not include {flag}; leave {flag} out or start a new run.")


def _same_model(given: str, saved: str) -> bool:
    a, b = str(given).strip(), str(saved).strip()
    if a.lower() == b.lower():
        return True
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


def _conflict(path: Path, flag: str, given, saved) -> FoolingError:
    return FoolingError(f"--resume continues {path.name} with its own settings, but {flag} "
                        f"{given} differs from the saved {saved}; leave {flag} out or start "
                        "a new run.")
