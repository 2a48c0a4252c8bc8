"""``fooling-gui bench``: evolution-loop throughput against the bare forward pass, or
several models' bare forward passes side by side (``--compare``)."""

from __future__ import annotations

import argparse

from .common import add_model_arguments, positive_float, positive_int, print_json


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
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.compare is not None:
        return run_compare(args)
    from ..core.evolution import DEFAULT_BATCH, EvolutionRun, RunConfig, default_eval_batch
    from ..core.evolution.benchmark import benchmark
    from .common import load_model_from_args, resolve_device

    classifier = load_model_from_args(args)
    kind = "mnist" if classifier.spec.channels == 1 else "imagenet"
    config = RunConfig(model=args.model, encoding=args.encoding,
                       batch=args.batch or DEFAULT_BATCH[(kind, args.encoding)],
                       generations=10**9, seed=args.seed, device=resolve_device(args.device),
                       random_init=args.random_init, ten_crop=args.ten_crop,
                       eval_batch=default_eval_batch(classifier.spec, str(classifier.device)))
    result = benchmark(EvolutionRun(config, classifier=classifier), seconds=args.seconds)
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"{result.model} · {result.encoding} · {result.device} · batch {result.batch}")
        print(f"  evolution loop : {result.evals_per_s:10.1f} evaluations/s")
        print(f"  forward pass   : {result.forward_evals_per_s:10.1f} evaluations/s")
        print(f"  ratio          : {result.ratio:10.3f}")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    import torch

    from ..core.errors import FoolingError
    from ..core.evolution import default_eval_batch
    from ..core.evolution.benchmark import forward_speeds
    from .common import load_model_from_args, resolve_device

    names = [n.strip() for n in args.compare.split(",") if n.strip()]
    if not names:
        raise FoolingError("--compare named no model.")
    device = resolve_device(args.device)
    classifiers = [load_model_from_args(args)] + [_load_for_speed(n, device) for n in names]
    batch = args.batch or 64
    chunks = [args.eval_batch or default_eval_batch(c.spec, device) for c in classifiers]
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


def _load_for_speed(name: str, device: str):
    """The model, or its architecture with random weights when its weights are not on
    this computer (speed does not depend on the weights; the label says so)."""
    from ..core.errors import FoolingError
    from ..core.models import load_model

    try:
        return load_model(name, device=device, allow_download=False)
    except FoolingError:
        try:
            return load_model(name, device=device, random_init=True)
        except FoolingError:
            pass
        raise
