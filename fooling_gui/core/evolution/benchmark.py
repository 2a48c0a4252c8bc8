"""Throughput of the whole evolution loop beside the bare forward pass, and of several
models' bare forward passes side by side.

Everything compared is timed in alternating slices in the same process, so a busy
machine slows all alike and the ratios stay meaningful.
"""

from __future__ import annotations

import time
from collections.abc import Callable
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
              split: bool = False,
              on_progress: Callable[[str, float, float], None] | None = None) -> BenchResult:
    """Time ``run`` (stepping it) and its classifier's forward pass on one batch.

    Args:
        run: a fresh or running evolution run; it is stepped during the benchmark.
        seconds: total time budget, shared equally by loop and forward pass.
        slices: alternations of loop and forward timing.
        split: also time each stage of the loop (ask/mutate, plan, render, score, tell)
            and a frame of the run as the window takes them; the device is waited
            for at each stage boundary, which costs a little throughput on a GPU.
        on_progress: ``(phase, elapsed_s, expected_total_s)`` after every generation and
            forward pass. A slice ends only after a whole generation, so with a slow
            model the benchmark runs past ``seconds``; the expected total says by how much
            (the split's extra timing comes after and is not counted).
    """
    t0 = time.perf_counter()
    longest = {"loop": 0.0, "forward": 0.0}  # the longest call of each kind so far

    def report(phase: str, half: int | None, in_half: float = 0.0) -> None:
        """``half``: which of the 2 × slices timed halves runs (loop, forward, loop, …);
        -1 while warming up, None when done."""
        if on_progress is None:
            return
        elapsed = time.perf_counter() - t0
        ahead = 0.0
        if half is not None:
            # A half lasts per_slice, or one call when a call takes longer.
            ahead = max(per_slice - in_half, 0.0) if half >= 0 else 0.0
            ahead += sum(max(per_slice, longest["loop" if j % 2 == 0 else "forward"])
                         for j in range(half + 1, 2 * slices))
        on_progress(phase, elapsed, elapsed + ahead)

    per_slice = seconds / (2 * slices)
    if run.generation < 1:  # the random start and one mutation round warm up caches
        for _ in range(2):
            start = time.perf_counter()
            run.step()
            longest["loop"] = max(longest["loop"], time.perf_counter() - start)
            report("warming up", -1)
    # The forward pass gets exactly what the loop feeds it (the centre crop only, when
    # that is all the network sees).
    cropped = {"cropped": True} if run.render_window is not None else {}
    with torch.inference_mode():
        batch = run.encoding.initial(run.config.batch, run.rng)
        images = quantize(run.encoding.render(batch, run.image_size, window=run.render_window))
        images = images.to(run.classifier.device)
    start = time.perf_counter()
    run.classifier.probabilities(images, batch_size=run.config.eval_batch, **cropped)  # warm-up
    longest["forward"] = time.perf_counter() - start

    loop_evals = loop_time = fwd_evals = fwd_time = 0.0
    for k in range(slices):
        start = time.perf_counter()
        while True:
            call = time.perf_counter()
            run.step()
            longest["loop"] = max(longest["loop"], time.perf_counter() - call)
            loop_evals += run.config.batch
            report("evolution loop", 2 * k, time.perf_counter() - start)
            if time.perf_counter() - start >= per_slice:
                break
        loop_time += time.perf_counter() - start

        start = time.perf_counter()
        while True:
            call = time.perf_counter()
            run.classifier.probabilities(images, batch_size=run.config.eval_batch, **cropped)
            _sync(run.classifier.device)
            longest["forward"] = max(longest["forward"], time.perf_counter() - call)
            fwd_evals += run.config.batch
            report("forward pass", 2 * k + 1, time.perf_counter() - start)
            if time.perf_counter() - start >= per_slice:
                break
        fwd_time += time.perf_counter() - start
    report("done", None)

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
    frame per generation (as the window takes them at most: draw up to 64 pending
    elites, then what changed since the last frame)."""
    clock = StageClock(run.classifier.device)
    run.clock = clock
    generations = 0
    cursor = None
    start = time.perf_counter()
    try:
        while generations < 2 or time.perf_counter() - start < seconds:
            run.step()
            clock.start()
            run.archive.draw_pending(64)
            cursor = run.frame(cursor, offspring=False).cursor
            clock.lap("snapshot")
            generations += 1
    finally:
        run.clock = None
        if hasattr(run.encoding, "clock"):
            run.encoding.clock = None
    return {k: round(1000.0 * v / generations, 3) for k, v in clock.seconds.items()} | {
        "generations": generations}


@dataclass(frozen=True)
class ForwardSpeed:
    """One model's bare forward pass: images per second at ``batch`` (in chunks of
    ``eval_batch``), on input-sized crops, softmax included."""

    model: str
    device: str
    batch: int
    eval_batch: int | None
    evals_per_s: float
    random_init: bool

    def to_dict(self) -> dict:
        return asdict(self)


def forward_speeds(classifiers: list, batch: int = 64, eval_batches: list | None = None,
                   seconds: float = 10.0, slices: int = 3, seed: int = 0) -> list[ForwardSpeed]:
    """Time each classifier's forward pass on the same random 8-bit images, in turns.

    Args:
        classifiers: loaded :class:`~fooling_gui.core.models.Classifier` s (any mix of
            input sizes: each gets images of its own input size).
        batch: images per call.
        eval_batches: per classifier, the chunks the call is split into, as the
            evolution loop splits it (None: the whole batch at once).
        seconds: total time, shared equally by the models.
    """
    eval_batches = eval_batches or [None] * len(classifiers)
    generator = torch.Generator().manual_seed(seed)
    inputs = []
    for c, chunk in zip(classifiers, eval_batches):
        images = quantize(torch.rand(batch, c.spec.channels, *c.spec.input_size,
                                     generator=generator)).to(c.device)
        c.probabilities(images, batch_size=chunk, cropped=True)  # warm-up
        inputs.append(images)
    done = [0] * len(classifiers)
    spent = [0.0] * len(classifiers)
    per_slice = seconds / (slices * len(classifiers))
    for _ in range(slices):
        for i, (c, images) in enumerate(zip(classifiers, inputs)):
            start = time.perf_counter()
            while True:
                c.probabilities(images, batch_size=eval_batches[i], cropped=True)
                _sync(c.device)
                done[i] += batch
                if time.perf_counter() - start >= per_slice:
                    break
            spent[i] += time.perf_counter() - start
    return [ForwardSpeed(model=c.spec.label, device=str(c.device), batch=batch,
                         eval_batch=chunk, evals_per_s=round(n / t, 2),
                         random_init=c.spec.random_init)
            for c, chunk, n, t in zip(classifiers, eval_batches, done, spent)]


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
