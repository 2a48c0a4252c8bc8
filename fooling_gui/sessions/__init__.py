"""What the worker threads own: the sessions that drive the core for the window's tabs,
the kiosk, the commands and tests. No Qt here, ever (a test imports this package with
PySide6 blocked).

* :mod:`.model_cache` — one copy of each model, shared by every tab's worker thread
  (a command has a cache of its own);
* :mod:`.run_builder` — from a model choice and settings to a checked evolution run,
  for the window, the kiosk and the commands alike; :mod:`.checked_steps` — a run's
  encoding and model checking for pause and stop between chunks;
* :mod:`.evolution_session` — the Evolution tab's run, frames and inspector answers;
  :mod:`.paced_session` — the same at an exhibit's pace, for the kiosk;
* :mod:`.vis_session` — feature visualisation; :mod:`.attack_session` — adversarial
  attacks and defence experiments;
* :mod:`.job_control` — the pause/stop/throttle flags a job shares with the GUI;
  :mod:`.torch_threads` — torch threads per worker thread;
  :mod:`.elite_files` — names and PNG metadata of what the GUI saves.

Each session's methods run as jobs in one worker thread
(:class:`~fooling_gui.ui.job_thread.JobRunner`); they return frozen dataclasses the GUI
draws. The commands call the same methods in their own thread, with no job control.
"""

from .model_cache import ModelCache, ModelKey

__all__ = ["ModelCache", "ModelKey"]
