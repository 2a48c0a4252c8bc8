"""How many torch threads a worker thread uses (no Qt; see ui/responsiveness.py for
the measurements behind these numbers)."""

from __future__ import annotations

import os

THREADS_ENV = "FOOLING_GUI_WORKER_THREADS"

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
