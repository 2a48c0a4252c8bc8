"""Kiosk test fixtures: a quick configuration and kiosks that are always shut down."""

from __future__ import annotations

import pytest

from fooling_gui.ui.kiosk.config import KioskConfig

TIMEOUT = 60_000  # ms; generous because the test machine is shared


def quick_config(**overrides) -> KioskConfig:
    """Real LeNet and real evolution, sized so a run takes a second or two.

    CPPN images reach high confidence on LeNet within a few generations; the pace is
    fast and the attract loop holds a result only briefly.
    """
    settings = {"encoding": "cppn", "batch": 40, "classes": (0, 3), "target_confidence": 0.999,
                "max_generations": 40, "generations_per_second": 60.0, "hold_seconds": 0.3,
                "idle_seconds": 60.0, "warning_seconds": 30.0, "heartbeat_file": None}
    settings.update(overrides)
    return KioskConfig(**settings)


@pytest.fixture
def make_kiosk(qapp):
    """``make_kiosk(config, worker_factory=None, start=True)`` → a started Kiosk, stopped at the end."""
    from fooling_gui.ui.kiosk.app import build_kiosk

    made = []

    def make(config: KioskConfig, worker_factory=None, start: bool = True):
        kiosk = build_kiosk(config, qapp, worker_factory)
        made.append(kiosk)
        if start:
            kiosk.start()
        return kiosk

    yield make
    for kiosk in made:
        kiosk.stop()
        kiosk.window.deleteLater()
