"""Keeping the GUI thread responsive while a worker thread computes flat out.

Measured on a 2-core machine (see the report of issue 3):

* A full (generation-2) garbage collection of the heap torch and pyqtgraph build
  takes ~150 ms and holds the GIL, so the GUI thread freezes for that long.
  :func:`freeze_startup_objects` moves everything alive after start-up out of the
  collector's sight (``gc.freeze``), so later collections only scan new objects.
* Torch's intra-op threads on every core leave none for the GUI thread;
  :func:`worker_torch_threads` keeps one core free on small machines.
"""

from __future__ import annotations

import gc
import os

THREADS_ENV = "FOOLING_GUI_WORKER_THREADS"


def freeze_startup_objects() -> None:
    """Collect once, then exempt every object alive now from future collections."""
    gc.collect()
    gc.freeze()


def worker_torch_threads(cpu_count: int | None = None) -> int:
    """Torch threads for a worker thread: all cores but one, at least one.

    ``FOOLING_GUI_WORKER_THREADS`` overrides it (benchmarks, big machines).
    """
    override = os.environ.get(THREADS_ENV, "").strip()
    if override.isdigit() and int(override) > 0:
        return int(override)
    cores = cpu_count or os.cpu_count() or 1
    return max(1, cores - 1)


def limit_torch_threads_in_this_thread(n: int) -> None:
    """Set torch's intra-op threads for work started from the calling thread.

    Called at the start of a worker thread's first job; the main thread and other
    processes (``fooling-gui bench``) keep their own setting.
    """
    import torch

    torch.set_num_threads(n)
