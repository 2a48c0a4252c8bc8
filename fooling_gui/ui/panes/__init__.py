"""Panes beside Evolution in the main window; :func:`install_panes` adds them all."""

from __future__ import annotations

from ...core.formatting import format_confidence
from .attack_pane import AttackPane
from .defence_pane import DefencePane
from .toy_pane import ToyPane
from .visualization_pane import VisualizationPane

__all__ = ["AttackPane", "DefencePane", "ToyPane", "VisualizationPane", "install_panes"]


def install_panes(window) -> None:
    """Add the extra panes to a :class:`~fooling_gui.ui.main_window.MainWindow` and
    connect them to the Evolution pane (called once while the window is built)."""
    evolution = window.evolution
    vis = VisualizationPane(window.settings)
    # The same model as evolution: follow each model the Evolution pane loads.
    evolution.worker.model_ready.connect(
        lambda _info: vis.set_model(evolution.model_name, evolution.random_init))

    def inspected_elite():
        details = evolution.inspector.details
        if details is None:
            return None
        return details.image, (f"Elite for “{details.class_name}”: "
                               f"{format_confidence(details.confidence)} on "
                               f"{details.model_label}, generation {details.generation}")

    vis.set_elite_source(inspected_elite)
    evolution.worker.elite_details.connect(vis.elite_changed)
    vis.status.connect(window.show_status)
    window.add_pane("Feature visualisation", vis)

    attack = AttackPane(window.settings)
    evolution.worker.model_ready.connect(
        lambda _info: attack.set_model(evolution.model_name, evolution.random_init))
    attack.status.connect(window.show_status)
    window.add_pane("Adversarial", attack)
    window.add_pane("Small pushes add up", ToyPane())
    defences = DefencePane()
    defences.status.connect(window.show_status)
    window.add_pane("Defences", defences)
