"""``fooling-gui bench``: evolution-loop throughput against the bare forward pass."""

from __future__ import annotations

import argparse

from .common import (add_model_arguments, add_settings_arguments, positive_float, positive_int,
                     print_json, seed_int)


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
    add_settings_arguments(p)
    p.add_argument("--split", action="store_true",
                   help="also print the time per generation in each stage: ask/mutate, plan, "
                   "render, score, tell, snapshot")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..core.evolution import EvolutionRun, RunConfig, run_defaults
    from ..core.evolution.benchmark import benchmark
    from ..core.memory_guard import check_run_memory
    from .common import (
        TIME_BAR,
        load_model_from_args,
        progress,
        resolve_device,
        set_time_progress,
        settings_from_args,
    )

    ten_crop, params = settings_from_args(args)
    classifier = load_model_from_args(args)
    batch, eval_batch = run_defaults(classifier.spec, args.encoding, ten_crop)
    config = RunConfig(model=args.model, encoding=args.encoding, batch=args.batch or batch,
                       generations=10**9, seed=args.seed, device=resolve_device(args.device),
                       random_init=args.random_init, ten_crop=ten_crop,
                       eval_batch=eval_batch, preset=args.preset,
                       encoding_params=params)
    check_run_memory(classifier, config)
    with progress(total=args.seconds, desc="bench", quiet=args.quiet,
                  bar_format=TIME_BAR) as bar:
        def on_progress(phase: str, elapsed: float, expected: float) -> None:
            # The bar counts seconds towards the expected end (a slow model's last
            # generation runs past --seconds), so the time left holds.
            set_time_progress(bar, f"bench: {phase}", elapsed, expected)

        result = benchmark(EvolutionRun(config, classifier=classifier), seconds=args.seconds,
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
