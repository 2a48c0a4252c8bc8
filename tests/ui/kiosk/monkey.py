"""A monkey for the kiosk: random taps, drags, clicks, wheel turns and key presses.

Used by ``test_monkey.py`` (a short run) and run by hand as a check before opening
day (10,000 events over 5 minutes, LeNet, real evolution)::

    python -m tests.ui.kiosk.monkey --events 10000 --seconds 300 --json monkey.json

Events go through the window's ``QWindow`` (as a touch screen, mouse or keyboard
would), never straight to a widget, so the whole dispatch path is exercised:
touch-to-mouse synthesis, the application-wide filters, overlays. The staff exit
chord itself is never typed; every other key and modifier combination may be.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback

import numpy as np

KEYS = None  # filled lazily (needs Qt)


def _keys():
    from PySide6.QtCore import Qt

    K = Qt.Key
    letters = [getattr(K, f"Key_{c}") for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    digits = [getattr(K, f"Key_{d}") for d in "0123456789"]
    special = [K.Key_Escape, K.Key_Tab, K.Key_Backtab, K.Key_Return, K.Key_Enter, K.Key_Space,
               K.Key_Backspace, K.Key_Delete, K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down,
               K.Key_Home, K.Key_End, K.Key_PageUp, K.Key_PageDown, K.Key_Menu, K.Key_Super_L,
               K.Key_Alt, K.Key_Control, K.Key_Shift]
    functions = [getattr(K, f"Key_F{i}") for i in range(1, 13)]
    return letters + digits + special + functions


def pause(ms: int) -> None:
    """Let the event loop (and so the worker's signals) run; unlike QTest.qWait this
    releases the GIL, so the evolution worker keeps its real pace."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class Monkey:
    """Sends random input to ``window``; never the exit chord ``(key, modifiers)``."""

    def __init__(self, window, chord, seed: int = 0):
        from PySide6.QtTest import QTest

        self.window = window
        self.chord = chord
        self.rng = np.random.default_rng(seed)
        self.device = QTest.createTouchDevice()
        self.counts: dict[str, int] = {}
        self.keys = _keys()

    def _point(self):
        from PySide6.QtCore import QPoint

        w, h = self.window.width(), self.window.height()
        return QPoint(int(self.rng.integers(0, w)), int(self.rng.integers(0, h)))

    def _modifiers(self):
        from PySide6.QtCore import Qt

        mods = Qt.KeyboardModifier.NoModifier
        for m in (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier,
                  Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.MetaModifier):
            if self.rng.random() < 0.2:
                mods |= m
        return mods

    def act(self) -> str:
        """One random action; returns its kind."""
        from PySide6.QtCore import QPointF, Qt
        from PySide6.QtGui import QWheelEvent
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        win = self.window.windowHandle()
        kind = str(self.rng.choice(["tap", "drag", "click", "double", "right", "move",
                                    "wheel", "key"], p=[.3, .08, .2, .05, .05, .1, .04, .18]))
        if kind in ("tap", "drag"):
            p = self._point()
            seq = QTest.touchEvent(win, self.device, False)
            seq.press(0, p, win)
            seq.commit()
            if kind == "drag":
                for _ in range(3):
                    p = self._point()
                    seq = QTest.touchEvent(win, self.device, False)
                    seq.move(0, p, win)
                    seq.commit()
            seq = QTest.touchEvent(win, self.device, False)
            seq.release(0, p, win)
            seq.commit()
        elif kind == "click":
            QTest.mouseClick(win, Qt.MouseButton.LeftButton, self._modifiers(), self._point())
        elif kind == "double":
            QTest.mouseDClick(win, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                              self._point())
        elif kind == "right":
            QTest.mouseClick(win, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                             self._point())
        elif kind == "move":
            QTest.mouseMove(win, self._point())
        elif kind == "wheel":
            p = QPointF(self._point())
            event = QWheelEvent(p, p, QPointF(0, 0).toPoint(), QPointF(0, 120).toPoint(),
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                                Qt.ScrollPhase.NoScrollPhase, False)
            QApplication.sendEvent(win, event)
        else:
            key = self.keys[int(self.rng.integers(len(self.keys)))]
            mods = self._modifiers()
            if self.chord.key == key and (mods & self.chord.RELEVANT) == self.chord.modifiers:
                mods = Qt.KeyboardModifier.NoModifier  # the one thing a visitor cannot type
            QTest.keyClick(win, key, mods)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return kind


def run_monkey(kiosk, events: int, seconds: float, seed: int = 0) -> dict:
    """Send ``events`` random inputs spread over ``seconds``; report what happened.

    Exceptions raised in any Qt callback are collected through ``sys.excepthook``.
    """
    exceptions: list[str] = []
    previous_hook = sys.excepthook
    sys.excepthook = lambda t, v, tb: exceptions.append(
        "".join(traceback.format_exception(t, v, tb)))
    from fooling_gui.ui.kiosk.heartbeat import resident_mb

    rss_start = resident_mb()
    exits: list[int] = []
    kiosk.staff_exit.confirmed.connect(lambda: exits.append(1))
    monkey = Monkey(kiosk.window, kiosk.chord, seed)
    states: dict[str, int] = {}
    kiosk.controller.state_changed.connect(lambda s: states.__setitem__(s, states.get(s, 0) + 1))
    start = time.monotonic()
    rss_samples: list[tuple[float, float]] = []
    try:
        for i in range(events):
            if not rss_samples or time.monotonic() - start - rss_samples[-1][0] >= 10:
                rss_samples.append((round(time.monotonic() - start, 1), round(resident_mb(), 1)))
            monkey.act()
            # Spread the events evenly over the time, letting the loop run in between.
            due = start + seconds * (i + 1) / events
            pause(max(0, int((due - time.monotonic()) * 1000)))
    finally:
        sys.excepthook = previous_hook
    generations_before = kiosk.controller.generations_shown
    c = kiosk.controller
    return {
        "events": events, "seconds": round(time.monotonic() - start, 1), "kinds": monkey.counts,
        "exceptions": exceptions, "exit_confirmed": bool(exits),
        "locked_down": kiosk.window.locked_down, "close_allowed": kiosk.window.close_allowed,
        "states_entered": states, "visitor_sessions": c.visitor_sessions,
        "attract_cycles": c.attract_cycles, "error_count": c.error_count,
        "errors": list(c.errors), "generations_before_quiet": generations_before,
        "rss_mb_start": round(rss_start, 1), "rss_mb_end": round(resident_mb(), 1),
        "rss_mb": rss_samples,
    }


def still_responsive(kiosk, timeout_s: float = 60.0) -> bool:
    """After the monkey: the loop still runs, and the kiosk still evolves images."""
    end = time.monotonic() + timeout_s
    c = kiosk.controller
    before = c.generations_shown
    while time.monotonic() < end:
        pause(100)
        if c.generations_shown > before:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Monkey-test the kiosk.")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the report here")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from fooling_gui.ui.application import make_application
    from fooling_gui.ui.kiosk.app import build_kiosk
    from fooling_gui.ui.kiosk.config import KioskConfig

    app = make_application()
    # The shipped defaults (LeNet, direct encoding, real pace), with short idle times
    # so the monkey's pauses also reach the warning and the return to the loop.
    config = KioskConfig(idle_seconds=5.0, warning_seconds=3.0, heartbeat_file=None)
    kiosk = build_kiosk(config, app)
    kiosk.start()
    try:
        report = run_monkey(kiosk, args.events, args.seconds, args.seed)
        report["responsive_after"] = still_responsive(kiosk)
        report["locked_down_after"] = kiosk.window.locked_down
    finally:
        kiosk.stop()
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(text + "\n")
    ok = (not report["exceptions"] and not report["exit_confirmed"] and report["locked_down"]
          and report["responsive_after"] and report["error_count"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
