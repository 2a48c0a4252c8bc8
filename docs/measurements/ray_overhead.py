"""What `evolve --ray` costs per generation against one process, and that it changes nothing.

    ray start --head --num-cpus 1 --port 6391
    ray start --address <head address>:6391 --num-cpus 1      # a second node
    python docs/measurements/ray_overhead.py --address auto [--generations 20]
    ray stop

For each encoding: seconds per generation in one process (one torch thread, as each
actor has) and spread over the cluster's actors (chunks of ceil(batch / workers));
the ideal spread time (ask and tell on the driver plus the evaluation divided among the
workers) and the overhead above it; an actor call's round trip with nothing to do; the
bytes that travel per generation; and whether both archives are bit for bit equal.
"""

from __future__ import annotations

import argparse
import json
import pickle
import time

import numpy as np
import torch

from fooling_gui.core.cluster.distributed_run import _portable, distribute
from fooling_gui.core.cluster.ray_runtime import node_count
from fooling_gui.core.evolution import EvolutionRun, RunConfig
from fooling_gui.core.evolution.stage_clock import StageClock


def seconds_per_generation(run: EvolutionRun, generations: int) -> float:
    run.step()  # generation 0 (and the actors' first call) is not timed
    start = time.perf_counter()
    for _ in range(generations):
        run.step()
    return (time.perf_counter() - start) / generations


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--address", default="auto")
    ap.add_argument("--generations", type=int, default=20)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--model", default="lenet")
    ap.add_argument("--random-init", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    for encoding in ("direct", "cppn"):
        probe = EvolutionRun(RunConfig(model=args.model, encoding=encoding, batch=args.batch,
                                       generations=0, random_init=args.random_init))
        ev = distribute(probe, args.address)
        workers, chunk = len(ev.actors), probe.config.eval_batch
        ev.close()
        config = RunConfig(model=args.model, encoding=encoding, batch=args.batch, seed=0,
                           generations=args.generations, eval_batch=chunk,
                           random_init=args.random_init)
        one = EvolutionRun(config)
        one.step()
        one.clock = StageClock()
        start = time.perf_counter()
        for _ in range(args.generations):
            one.step()
        one_s = (time.perf_counter() - start) / args.generations
        stages = {k: v / args.generations for k, v in one.clock.seconds.items()}
        one.clock = None
        spread = EvolutionRun(config)
        evaluator = distribute(spread, args.address, workers)
        import ray

        nodes = node_count(ray)
        spread_s = seconds_per_generation(spread, args.generations)
        actor = evaluator.actors[0]
        t = time.perf_counter()
        for _ in range(50):
            ray.get(actor.ready.remote())
        round_trip = (time.perf_counter() - t) / 50
        genomes = spread._offspring_genomes(spread.generation + 1)
        out_bytes = sum(len(pickle.dumps(_portable(genomes[s:s + chunk])))
                        for s in range(0, len(genomes), chunk))
        evaluator.close()
        evaluate = stages["plan"] + stages["render"] + stages["score"]
        ideal = stages["ask"] + stages["tell"] + evaluate / workers
        a, b = one.archive, spread.archive
        print(json.dumps({
            "model": args.model, "encoding": encoding, "batch": args.batch, "nodes": nodes,
            "workers": workers, "chunk": chunk, "generations_timed": args.generations,
            "one_process_s_per_gen": round(one_s, 4), "spread_s_per_gen": round(spread_s, 4),
            "ideal_spread_s_per_gen": round(ideal, 4),
            "overhead_s_per_gen": round(spread_s - ideal, 4),
            "actor_round_trip_ms": round(1000 * round_trip, 2),
            "genome_bytes_out_per_gen": out_bytes,
            "identical": bool(one.generation == spread.generation
                              and np.array_equal(a.confidences, b.confidences)
                              and np.array_equal(a.images, b.images)),
        }))


if __name__ == "__main__":
    main()
