"""``fooling-gui bench``: evolution-loop throughput against the bare forward pass, or
several models' bare forward passes side by side (``--compare``)."""

from __future__ import annotations

import argparse

from .common import (add_model_arguments, add_settings_arguments, positive_float, positive_int,
                     print_json, seed_int)


def add_parser(sub) -> None:
    p = sub.add_parser("bench", help="measure evaluations per second (loop vs forward pass)",
                       description="Run the whole evolution loop and the model's bare forward "
                       "pass at the same batch size and device, alternately, and report both. "
                       "With --compare, time only the bare forward passes of --model and the "
                       "models named, in turns on the same random images.")
    add_model_arguments(p)
    p.add_argument("--encoding", choices=("direct", "cppn"), default="direct")
    p.add_argument("--seconds", type=positive_float, default=10.0,
                   help="total measuring time (default: 10)")
    p.add_argument("--batch", type=positive_int,
                   help="offspring per generation (default: the paper's); with --compare, "
                   "images per forward call (default: 64)")
    p.add_argument("--compare", metavar="MODELS",
                   help="comma-separated models whose bare forward pass to time beside "
                   "--model's (e.g. alexnet); a model whose weights are not here is timed "
                   "with random weights, which run at the same speed")
    p.add_argument("--eval-batch", type=positive_int, metavar="N",
                   help="with --compare: images per forward pass for every model (default: "
                   "each model's own, e.g. 8 for EfficientNet-Lite0 on a CPU, else 64)")
    p.add_argument("--seed", type=seed_int, default=0)
    add_settings_arguments(p)
    p.add_argument("--split", action="store_true",
                   help="also print the time per generation in each stage: ask/mutate, plan, "
                   "render, score, tell, snapshot")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.compare is not None:
        return run_compare(args)
    from ..core.evolution.benchmark import benchmark
    from ..sessions.run_builder import RunChoices, build_run
    from .common import (
        TIME_BAR,
        command_models,
        load_model_from_args,
        model_key,
        progress,
        set_time_progress,
        settings_from_args,
    )

    ten_crop, params = settings_from_args(args)
    models = command_models(args)
    # The run the window or `evolve` would build with these settings (--eval-batch is
    # for --compare: the loop is timed with the model's own forward-pass size).
    choices = RunChoices(model_key(args), args.encoding, generations=10**9, seed=args.seed,
                         batch=args.batch, device=models.device, preset=args.preset,
                         ten_crop=ten_crop, encoding_params=params)
    config = choices.config(load_model_from_args(args, models).spec)
    run = build_run(models, config)
    with progress(total=args.seconds, desc="bench", quiet=args.quiet,
                  bar_format=TIME_BAR) as bar:
        def on_progress(phase: str, elapsed: float, expected: float) -> None:
            # The bar counts seconds towards the expected end (a slow model's last
            # generation runs past --seconds), so the time left holds.
            set_time_progress(bar, f"bench: {phase}", elapsed, expected)

        result = benchmark(run, seconds=args.seconds,
                           split=args.split, on_progress=on_progress)
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"{result.model} · {result.encoding} · {result.device} · batch {result.batch}")
        print(f"  evolution loop : {result.evals_per_s:10.1f} evaluations/s")
        print(f"  forward pass   : {result.forward_evals_per_s:10.1f} evaluations/s")
        print(f"  ratio          : {result.ratio:10.3f}")
        if result.split:
            split = dict(result.split)
            n = split.pop("generations")
            total = sum(split.values()) or 1.0
            print(f"  per generation (ms, mean of {n}; {config.batch} offspring):")
            for stage, ms in split.items():
                print(f"    {stage:<9}{ms:10.2f}  {100 * ms / total:5.1f} %")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    import torch

    from ..core.errors import FoolingError
    from ..core.evolution import run_defaults
    from ..core.evolution.benchmark import forward_speeds
    from ..sessions import ModelCache
    from .common import command_models, load_model_from_args

    names = [n.strip() for n in args.compare.split(",") if n.strip()]
    if not names:
        raise FoolingError("--compare named no model.")
    models = command_models(args)
    device = models.device
    # The others never download: a model without weights is timed with random ones.
    others = ModelCache(device=device, spare=len(names))
    classifiers = ([load_model_from_args(args, models)]
                   + [_load_for_speed(others, n) for n in names])
    batch = args.batch or 64
    chunks = [args.eval_batch or run_defaults(c.spec, args.encoding, False, device)[1]
              for c in classifiers]
    speeds = forward_speeds(classifiers, batch=batch, eval_batches=chunks, seconds=args.seconds,
                            seed=args.seed)
    first = speeds[0].evals_per_s
    if args.json:
        print_json({"threads": torch.get_num_threads(),
                    "models": [s.to_dict() | {"relative": round(s.evals_per_s / first, 3)}
                               for s in speeds]})
        return 0
    print(f"bare forward pass · {device} · {batch} images per call · "
          f"{torch.get_num_threads()} threads")
    width = max(len(s.model) for s in speeds)
    for s in speeds:
        print(f"  {s.model:<{width}}  {s.evals_per_s:9.1f} images/s  "
              f"{s.evals_per_s / first:6.2f} × {speeds[0].model}  "
              f"({s.eval_batch or batch} images per pass)")
    return 0


def _load_for_speed(models, name: str):
    """The model, or its architecture with random weights when its weights are not on
    this computer (speed does not depend on the weights; the label says so)."""
    from ..core.errors import FoolingError
    from ..sessions import ModelKey

    try:
        return models.get(ModelKey(name))
    except FoolingError:
        try:
            return models.get(ModelKey(name, True))
        except FoolingError:
            pass
        raise
