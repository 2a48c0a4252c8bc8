"""Keeping the GUI thread responsive while a worker thread computes flat out.

Measured on a 2-core machine with the window's timed run (``--run-for … --stats``, which
reports evaluations per second and the GUI event loop's lateness):

* A full (generation-2) garbage collection of the heap torch and pyqtgraph build
  takes ~150 ms and holds the GIL, so the GUI thread freezes for that long.
  :func:`freeze_startup_objects` moves everything alive after start-up out of the
  collector's sight (``gc.freeze``), so later collections only scan new objects.
* Torch's intra-op threads on every core leave none for the GUI thread;
  :func:`worker_torch_threads` keeps one core free on small machines for small
  models, whose many frames per second keep the GUI thread busy. A heavy model
  (AlexNet: one frame every few seconds) gets every core: on 2 cores that ran
  AlexNet + CPPN at 61 instead of 46 evaluations per second with the GUI latency's
  p99 still at 4 ms.
"""

from __future__ import annotations

import gc
import os

THREADS_ENV = "FOOLING_GUI_WORKER_THREADS"


def freeze_startup_objects() -> None:
    """Collect once, then exempt every object alive now from future collections."""
    gc.collect()
    gc.freeze()


#: Models whose input has at least this many pixels count as heavy (ImageNet ones).
HEAVY_INPUT_PIXELS = 96 * 96


def worker_torch_threads(cpu_count: int | None = None, heavy: bool = False) -> int:
    """Torch threads for a worker thread: every core for a ``heavy`` model, else all
    cores but one, at least one.

    ``FOOLING_GUI_WORKER_THREADS`` overrides it (benchmarks, big machines).
    """
    override = os.environ.get(THREADS_ENV, "").strip()
    if override.isdigit() and int(override) > 0:
        return int(override)
    cores = cpu_count or os.cpu_count() or 1
    return cores if heavy else max(1, cores - 1)


def is_heavy(spec) -> bool:
    """Whether a model (its ModelSpec) is costly enough to get every core."""
    h, w = spec.input_size
    return h * w >= HEAVY_INPUT_PIXELS


def limit_torch_threads_in_this_thread(n: int) -> None:
    """Set torch's intra-op threads for work started from the calling thread.

    Called at the start of a worker thread's first job; the main thread and other
    processes (``fooling-gui bench``) keep their own setting.
    """
    import torch

    torch.set_num_threads(n)
