"""Sweep of 8 LeNet runs on Ray against the same runs done one by one with `evolve`.

    python docs/measurements/sweep_timing.py --out /tmp/sweep_timing [--generations 30]

Prints the wall times (each including its process start, model load and, for the sweep,
Ray's start) and whether every PNG of every run is byte-identical between the sweep and
the sequential runs, once with torch's default threads and once with one thread per
process (a sweep run has cpus_per_run = 1 thread).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ENCODINGS, SEEDS = ("direct", "cppn"), (0, 1, 2, 3)


def timed(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env={**os.environ, **(env or {})},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def same_pngs(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.glob("*.png"))
    return bool(names) and names == sorted(p.name for p in b.glob("*.png")) and all(
        (a / n).read_bytes() == (b / n).read_bytes() for n in names)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--generations", type=int, default=30)
    args = ap.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    toml = out / "s8.toml"
    toml.write_text(f'models = ["lenet"]\nencodings = {json.dumps(list(ENCODINGS))}\n'
                    f"seeds = {list(SEEDS)}\ngenerations = [{args.generations}]\n")
    cli = [sys.executable, "-m", "fooling_gui"]
    result = {"generations": args.generations, "runs": len(ENCODINGS) * len(SEEDS)}
    result["sweep_s"] = timed([*cli, "sweep", str(toml), "--out", str(out / "sweep"), "--quiet"])
    for label, env in (("default_threads", None), ("one_thread", {"OMP_NUM_THREADS": "1"})):
        total, identical = 0.0, 0
        for enc in ENCODINGS:
            for seed in SEEDS:
                dest = out / label / f"{enc}{seed}"
                total += timed([*cli, "evolve", "--encoding", enc, "--seed", str(seed),
                                "--generations", str(args.generations), "--quiet", "--force",
                                "--out", str(dest)], env)
                run_id = f"lenet-{enc}-seed{seed}-gen{args.generations}-all-paper"
                run = out / "sweep" / "runs" / run_id
                identical += same_pngs(dest, run)
        result[f"sequential_{label}_s"] = round(total, 2)
        result[f"identical_runs_{label}"] = identical
    result["sweep_s"] = round(result["sweep_s"], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
