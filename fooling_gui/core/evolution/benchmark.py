"""Throughput of the whole evolution loop beside the bare forward pass.

Both are timed in alternating slices in the same process, so a busy machine slows
both alike and the ratio stays meaningful.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import torch

from ..images import quantize
from .run import EvolutionRun
from .stage_clock import StageClock


@dataclass(frozen=True)
class BenchResult:
    model: str
    encoding: str
    device: str
    batch: int
    evals_per_s: float
    forward_evals_per_s: float
    ratio: float
    seconds: float
    random_init: bool
    split: dict | None = None  # seconds per generation in each stage (bench --split)

    def to_dict(self) -> dict:
        return asdict(self)


def benchmark(run: EvolutionRun, seconds: float = 10.0, slices: int = 3,
              split: bool = False) -> BenchResult:
    """Time ``run`` (stepping it) and its classifier's forward pass on one batch.

    Args:
        run: a fresh or running evolution run; it is stepped during the benchmark.
        seconds: total time budget, shared equally by loop and forward pass.
        slices: alternations of loop and forward timing.
        split: also time each stage of the loop (ask/mutate, plan, render, score, tell)
            and a snapshot of the run as the window takes them; the device is waited
            for at each stage boundary, which costs a little throughput on a GPU.
    """
    if run.generation < 1:  # the random start and one mutation round warm up caches
        run.step()
        run.step()
    # The forward pass gets exactly what the loop feeds it (the centre crop only, when
    # that is all the network sees).
    cropped = {"cropped": True} if run.render_window is not None else {}
    with torch.inference_mode():
        batch = run.encoding.initial(run.config.batch, run.rng)
        images = quantize(run.encoding.render(batch, run.image_size, window=run.render_window))
        images = images.to(run.classifier.device)
    run.classifier.probabilities(images, batch_size=run.config.eval_batch, **cropped)  # warm-up

    loop_evals = loop_time = fwd_evals = fwd_time = 0.0
    per_slice = seconds / (2 * slices)
    for _ in range(slices):
        start = time.perf_counter()
        while True:
            run.step()
            loop_evals += run.config.batch
            if time.perf_counter() - start >= per_slice:
                break
        loop_time += time.perf_counter() - start

        start = time.perf_counter()
        while True:
            run.classifier.probabilities(images, batch_size=run.config.eval_batch, **cropped)
            _sync(run.classifier.device)
            fwd_evals += run.config.batch
            if time.perf_counter() - start >= per_slice:
                break
        fwd_time += time.perf_counter() - start

    stages = None
    if split:
        stages = _split(run, max(1.0, seconds / 4))
    evals = loop_evals / loop_time
    fwd = fwd_evals / fwd_time
    return BenchResult(model=run.spec.label, encoding=run.config.encoding,
                       device=str(run.classifier.device), batch=run.config.batch,
                       evals_per_s=round(evals, 2), forward_evals_per_s=round(fwd, 2),
                       ratio=round(evals / fwd, 4), seconds=round(loop_time + fwd_time, 2),
                       random_init=run.spec.random_init, split=stages)


def _split(run: EvolutionRun, seconds: float) -> dict:
    """Milliseconds per generation in each stage, over ``seconds`` of stepping, with one
    snapshot per generation (as the window takes them at most)."""
    clock = StageClock(run.classifier.device)
    run.clock = clock
    generations = 0
    start = time.perf_counter()
    try:
        while generations < 2 or time.perf_counter() - start < seconds:
            run.step()
            clock.start()
            run.snapshot(max_draw=64, offspring=False)
            clock.lap("snapshot")
            generations += 1
    finally:
        run.clock = None
        if hasattr(run.encoding, "clock"):
            run.encoding.clock = None
    return {k: round(1000.0 * v / generations, 3) for k, v in clock.seconds.items()} | {
        "generations": generations}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
