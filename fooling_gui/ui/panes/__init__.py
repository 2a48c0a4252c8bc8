"""Panes beside Evolution in the main window; :func:`install_panes` adds them all."""

from __future__ import annotations

from ...sessions.attack_session import AttackSession
from ...sessions.vis_session import VisSession
from .attack_pane import AttackPane
from .defence_pane import DefencePane
from .toy_pane import ToyPane
from .visualization_pane import VisualizationPane

__all__ = ["AttackPane", "DefencePane", "ToyPane", "VisualizationPane", "install_panes"]


def install_panes(window) -> None:
    """Add the extra panes to a :class:`~fooling_gui.ui.main_window.MainWindow` and
    connect them to the Evolution pane (called once while the window is built).

    Every pane's session takes its models from the Evolution pane's cache, so a model
    is in memory once however many panes use it; the panes follow the model choice
    through the one ``model_ready`` signal, whose payload carries the cache key.
    """
    evolution = window.evolution
    models = evolution.models
    vis = VisualizationPane(window.settings, VisSession(models=models))
    evolution.model_ready.connect(lambda loaded: vis.set_model(loaded.key))
    evolution.elite_inspected.connect(vis.set_inspected_elite)
    vis.status.connect(window.show_status)
    window.add_pane("Feature visualisation", vis)

    attack = AttackPane(window.settings, AttackSession(models=models))
    evolution.model_ready.connect(lambda loaded: attack.set_model(loaded.key))
    attack.status.connect(window.show_status)
    window.add_pane("Adversarial", attack)
    window.add_pane("Small pushes add up", ToyPane())
    defences = DefencePane(AttackSession(models=models))
    defences.status.connect(window.show_status)
    window.add_pane("Defences", defences)
