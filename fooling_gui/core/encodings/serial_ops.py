"""One torch thread for the encodings' own work on a CPU.

Rendering and mutating a population are hundreds of small tensor operations (a CPPN
level's few hundred rows of 784 pixels, a generation's 40,000 crossed genes). Split
over threads, each of them pays for waking the other threads and waiting for them,
which on a 2-core machine cost more than it saved: LeNet + CPPN rendered 200 genomes
in 7.1 ms on one thread against 12.8 ms on two (see the README's speed section). The
forward pass, where threads do pay, keeps them. On one thread an operation also
splits its work the same way on every machine, so these stages give the same bits
whatever the number of cores.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def serial_on_cpu(device: torch.device | str) -> Iterator[None]:
    """Run the body with one intra-op torch thread in the calling thread when
    ``device`` is a CPU; elsewhere (a GPU) change nothing."""
    threads = torch.get_num_threads()
    if torch.device(device).type != "cpu" or threads == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
