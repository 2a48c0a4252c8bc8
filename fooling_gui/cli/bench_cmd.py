"""``fooling-gui bench``: evolution-loop throughput against the bare forward pass."""

from __future__ import annotations

import argparse

from .common import add_model_arguments, positive_float, positive_int, print_json, seed_int


def add_parser(sub) -> None:
    p = sub.add_parser("bench", help="measure evaluations per second (loop vs forward pass)",
                       description="Run the whole evolution loop and the model's bare forward "
                       "pass at the same batch size and device, alternately, and report both.")
    add_model_arguments(p)
    p.add_argument("--encoding", choices=("direct", "cppn"), default="direct")
    p.add_argument("--seconds", type=positive_float, default=10.0,
                   help="total measuring time (default: 10)")
    p.add_argument("--batch", type=positive_int, help="offspring per generation (default: the paper's)")
    p.add_argument("--seed", type=seed_int, default=0)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..core.evolution import DEFAULT_BATCH, EvolutionRun, RunConfig
    from ..core.evolution.benchmark import benchmark
    from ..core.memory_guard import check_run_memory
    from .common import load_model_from_args, resolve_device

    classifier = load_model_from_args(args)
    kind = "mnist" if classifier.spec.channels == 1 else "imagenet"
    config = RunConfig(model=args.model, encoding=args.encoding,
                       batch=args.batch or DEFAULT_BATCH[(kind, args.encoding)],
                       generations=10**9, seed=args.seed, device=resolve_device(args.device),
                       random_init=args.random_init, ten_crop=args.ten_crop,
                       eval_batch=64 if kind == "imagenet" else None)
    check_run_memory(classifier, config)
    result = benchmark(EvolutionRun(config, classifier=classifier), seconds=args.seconds)
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"{result.model} · {result.encoding} · {result.device} · batch {result.batch}")
        print(f"  evolution loop : {result.evals_per_s:10.1f} evaluations/s")
        print(f"  forward pass   : {result.forward_evals_per_s:10.1f} evaluations/s")
        print(f"  ratio          : {result.ratio:10.3f}")
    return 0
