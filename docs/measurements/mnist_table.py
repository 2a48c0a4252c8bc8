"""Re-measure the MNIST reproduction table: LeNet, 200 generations × 200 offspring.

    PYTHONPATH=. python docs/measurements/mnist_table.py OUT.jsonl [variant ...]

A variant is ``ENCODING:PRESET`` or ``ENCODING:PRESET:NAME=VALUE`` (one changed
setting). One JSON line per (variant, seed): digits at ≥ 99.99 %, the generation each
digit first got there (-1: never), the lowest confidence and the wall time.
"""

import json
import os
import sys
import time

import numpy as np
import torch

from fooling_gui.core.evolution import EvolutionRun, RunConfig, first_generation_reaching
from fooling_gui.core.evolution.settings import coerce
from fooling_gui.core.models import load_model

SEEDS = range(int(os.environ.get("SEEDS", "8")))


def measure(variant: str, seed: int, lenet) -> dict:
    encoding, preset, *change = variant.split(":")
    params = {}
    for item in change:
        name, _, value = item.partition("=")
        params[name] = coerce(name, value, encoding)
    config = RunConfig(encoding=encoding, batch=200, generations=200, seed=seed,
                       preset=preset, encoding_params=params)
    run = EvolutionRun(config, classifier=lenet)
    start = time.perf_counter()
    run.run()
    wall = time.perf_counter() - start
    first = first_generation_reaching(run.history, 0.9999)
    return {"variant": variant, "seed": seed, "at_9999": int((first >= 0).sum()),
            "first": first.tolist(), "min": float(run.archive.confidences.min()),
            "wall_s": round(wall, 1)}


def main(out: str, variants: list[str]) -> None:
    torch.set_num_threads(1)
    lenet = load_model("lenet")
    with open(out, "a") as f:
        for variant in variants:
            for seed in SEEDS:
                row = measure(variant, seed, lenet)
                f.write(json.dumps(row) + "\n")
                f.flush()
                print(row, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
