"""The exhibit kiosk: ``fooling-gui --kiosk [--config FILE.toml]``.

A fullscreen, locked-down screen for museums and open days. An attract loop evolves
fooling images at a pace people can follow; a touch starts visitor mode (pick a
class, watch it evolve, read why it works); inactivity returns to the loop. It reuses
the main window's worker (:class:`~fooling_gui.ui.evolution_worker.EvolutionWorker`)
and widgets. Modules: ``config`` (TOML settings), ``texts`` (captions and cards),
``paced_session`` (worker side), ``controller`` (what happens next), ``window``,
``pages``, ``overlays``, ``lockdown`` (input, cursor, exit chord), ``idle``,
``heartbeat``, ``timed`` (``--run-for``/``--stats``), ``app`` (start-up).
"""
