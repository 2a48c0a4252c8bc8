"""Keeping the GUI thread responsive while a worker thread computes flat out.

Measured on a 2-core machine with the window's timed run (``--run-for … --stats``, which
reports evaluations per second and the GUI event loop's lateness):

* A full (generation-2) garbage collection of the heap torch and pyqtgraph build
  takes ~150 ms and holds the GIL, so the GUI thread freezes for that long.
  :func:`freeze_startup_objects` moves everything alive after start-up out of the
  collector's sight (``gc.freeze``), so later collections only scan new objects.
* Torch's intra-op threads on every core leave none for the GUI thread;
  :func:`~fooling_gui.sessions.torch_threads.worker_torch_threads` keeps one core
  free on small machines for small models, whose many frames per second keep the GUI thread busy. A heavy model
  (AlexNet: one frame every few seconds) gets every core: on 2 cores that ran
  AlexNet + CPPN at 61 instead of 46 evaluations per second with the GUI latency's
  p99 still at 4 ms.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Collect once, then exempt every object alive now from future collections."""
    gc.collect()
    gc.freeze()
