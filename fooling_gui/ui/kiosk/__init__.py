"""The exhibit kiosk: ``fooling-gui --kiosk [--config FILE.toml]``.

A fullscreen, locked-down screen for museums and open days. An attract loop evolves
fooling images at a pace people can follow; a touch starts visitor mode (pick a
class, watch it evolve, read why it works); inactivity returns to the loop. It reuses
the main window's worker (:class:`~fooling_gui.ui.evolution_worker.EvolutionWorker`,
with :class:`~fooling_gui.sessions.paced_session.PacedSession` on the worker side)
and widgets. Modules: ``config`` (TOML settings), ``texts`` (captions and cards),
``guarded_worker`` (stall watchdog), ``controller``
(what happens next), ``rotation`` (attract order), ``window``, ``pages``,
``result_panel``, ``kiosk_widgets``, ``overlays``, ``idle``, ``lockdown`` (input,
cursor, exit chord), ``staff_exit`` (PIN), ``examples`` (real digits), ``heartbeat``,
``timed`` (``--run-for``/``--stats``), ``app`` (start-up), ``screenshots`` (docs).
"""
