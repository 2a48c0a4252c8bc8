"""What the worker threads own: the sessions that drive the core for the window's tabs,
the kiosk and tests. No Qt here, ever (a test imports this package with PySide6 blocked).

* :mod:`.model_cache` — one copy of each model, shared by every tab's worker thread;
* :mod:`.evolution_session` — the Evolution tab's run, frames and inspector answers;
  :mod:`.paced_session` — the same at an exhibit's pace, for the kiosk;
* :mod:`.vis_session` — feature visualisation; :mod:`.attack_session` — adversarial
  attacks and defence experiments;
* :mod:`.job_control` — the pause/stop/throttle flags a job shares with the GUI;
  :mod:`.torch_threads` — torch threads per worker thread;
  :mod:`.elite_files` — names and PNG metadata of what the GUI saves.

Each session's methods run as jobs in one worker thread
(:class:`~fooling_gui.ui.job_thread.JobRunner`); they return frozen dataclasses the GUI
draws.
"""

from .model_cache import ModelCache, ModelKey

__all__ = ["ModelCache", "ModelKey"]
