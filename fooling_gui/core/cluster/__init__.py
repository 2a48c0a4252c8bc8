"""Runs that outgrow one process, on Ray (the optional ``cluster`` extra).

* :mod:`.sweep` — a grid of runs (``fooling-gui sweep``), each a Ray task, into one
  resumable folder (:mod:`.sweep_folder`, read back without Ray or Qt);
* :mod:`.distributed_run` — one run whose generations are scored by Ray actors
  (``evolve --ray``), identical to the single-process run with the same chunks;
* :mod:`.ray_runtime` — starting or joining Ray, and its errors in one sentence.

Nothing here imports Ray until it is asked to run something.
"""
