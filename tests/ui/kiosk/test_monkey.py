"""A short monkey test: random taps, clicks, drags and keys never break or unlock the kiosk.

The full run before opening day (10,000 events over 5 minutes) is ``python -m
tests.ui.kiosk.monkey``; this is the same monkey for a few seconds.
"""

from __future__ import annotations

from .conftest import quick_config
from .monkey import run_monkey, still_responsive


def test_random_input_never_raises_escapes_or_hangs(make_kiosk):
    # Short idle times so the monkey's input also meets the warning overlay.
    kiosk = make_kiosk(quick_config(classes=(0, 3, 7), idle_seconds=6.0, warning_seconds=4.0,
                                    time_scale=6.0))
    report = run_monkey(kiosk, events=800, seconds=10.0, seed=1)
    assert report["exceptions"] == []
    assert not report["exit_confirmed"] and not report["close_allowed"]
    assert report["locked_down"]
    assert report["error_count"] == 0
    assert report["visitor_sessions"] >= 1
    assert {"choosing", "visiting"} <= set(report["states_entered"])
    assert still_responsive(kiosk)
    assert kiosk.window.locked_down
