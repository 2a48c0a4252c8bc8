"""What one frame of a run costs the worker: time to make it, and bytes it carries.

The window asks a run for a frame after (at most) every generation; the frame crosses
to the GUI thread. This steps a run of ``--model`` over all its classes and takes one
frame after each generation, as the window does while its grid is shown: first the
pending elites are drawn (at most ``--draw-limit``; runs that score centre crops draw
elites only when looked at), then the frame is made. It prints, per frame, the cells
whose images it carries, both times and its size, then the medians.

Runs on this checkout or an older one (``PYTHONPATH=<old checkout>``), whose frames were
``run.snapshot()`` (every elite image each time), so the two can be compared::

    python docs/measurements/frame_cost.py --model alexnet --random-init --encoding cppn --batch 400
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time

import numpy as np


def frame_bytes(frame) -> int:
    """Bytes of the arrays in a frame (its history is shared with the run, not copied)."""
    return sum(getattr(frame, f.name).nbytes for f in dataclasses.fields(frame)
               if isinstance(getattr(frame, f.name), np.ndarray))


def image_cells(frame) -> int:
    """Cells whose images the frame carries."""
    if hasattr(frame, "image_cells"):
        return int(frame.image_cells.size)
    return int(frame.elite_images.shape[0])  # older frames: every cell, every time


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="alexnet")
    p.add_argument("--random-init", action="store_true",
                   help="random weights (the same speed, no download)")
    p.add_argument("--encoding", default="cppn", choices=("direct", "cppn"))
    p.add_argument("--crops", default="centre", choices=("ten", "centre"),
                   help="what the network scores (default: centre; the paper preset's ten "
                   "crops score ten times as long, and elites are then kept at once, "
                   "never drawn later)")
    p.add_argument("--batch", type=int, help="offspring per generation (default: the paper's)")
    p.add_argument("--frames", type=int, default=6, help="frames to time (one per generation)")
    p.add_argument("--draw-limit", type=int, default=96,
                   help="pending elites drawn per frame at most (the window's: 96)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args()

    import torch

    from fooling_gui.core.evolution import EvolutionRun, RunConfig, run_defaults
    from fooling_gui.core.models import load_model

    torch.manual_seed(args.seed)
    ten = args.crops == "ten"
    classifier = load_model(args.model, random_init=args.random_init, ten_crop=ten,
                            allow_download=False)
    batch, eval_batch = run_defaults(classifier.spec, args.encoding, ten, "cpu")
    config = RunConfig(model=args.model, encoding=args.encoding, batch=args.batch or batch,
                       generations=10**6, seed=args.seed, random_init=args.random_init,
                       ten_crop=ten, eval_batch=eval_batch)
    run = EvolutionRun(config, classifier=classifier)
    new_api = hasattr(run, "frame")

    def take(cursor):
        """(frame, draw seconds, make seconds) as the window's worker takes one."""
        start = time.perf_counter()
        run.archive.draw_pending(args.draw_limit)
        drawn = time.perf_counter()
        frame = (run.frame(cursor, offspring=False) if new_api
                 else run.snapshot(max_draw=0, offspring=False))
        return frame, drawn - start, time.perf_counter() - drawn

    run.step()  # generation 0 fills every cell; draw them all, as a while of frames would
    run.archive.draw_pending()
    first = take(None)[0]
    cursor = first.cursor if new_api else None
    rows = []
    for _ in range(args.frames):
        run.step()
        frame, draw_s, make_s = take(cursor)
        cursor = frame.cursor if new_api else None
        rows.append({"generation": run.generation, "image_cells": image_cells(frame),
                     "draw_ms": round(1000 * draw_s, 1), "make_ms": round(1000 * make_s, 1),
                     "mb": round(frame_bytes(frame) / 2**20, 2)})
        if not args.json:
            print(f"generation {rows[-1]['generation']:4d}: images of "
                  f"{rows[-1]['image_cells']:4d} cells, drawing {rows[-1]['draw_ms']:7.1f} ms, "
                  f"making {rows[-1]['make_ms']:7.1f} ms, {rows[-1]['mb']:7.2f} MB")
    summary = {"model": run.spec.label, "encoding": args.encoding, "crops": args.crops,
               "cells": len(run.archive), "batch": config.batch,
               "frames": "changes only" if new_api else "every image",
               **{f"median_{k}": statistics.median(r[k] for r in rows)
                  for k in ("image_cells", "draw_ms", "make_ms", "mb")}}
    if args.json:
        print(json.dumps({"summary": summary, "frames": rows}, indent=1))
    else:
        print("median: " + ", ".join(f"{k[7:]} {v}" for k, v in summary.items()
                                     if k.startswith("median_")), f"({summary['frames']})")


if __name__ == "__main__":
    main()
