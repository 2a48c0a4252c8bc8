"""Workaround for a PySide6 6.12.0 bug on Python 3.11: calls through its bindings drop
references to the singletons they return — every ``Signal.emit()`` loses one reference
to ``True``, every call of a ``void`` method or Python slot one to ``None``.

On Python 3.11 these are ordinary objects, so once their counts reach zero the
interpreter aborts ("bool_dealloc" / "none_dealloc: … refcount error in a C
extension"). The window loses a few thousand ``None`` references a second, so it
would die about a minute into a run. PySide6 6.11.3 does not have the bug (and
Python ≥ 3.12 makes the singletons immortal); pinning ``PySide6-Essentials<6.12`` is
the real fix. Until then :func:`install_guard` detects the bug once and, only if it
is present, keeps the singletons' counts topped up from a GUI-thread timer. It only
ever *adds* references to objects that live for the whole process anyway.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

log = logging.getLogger(__name__)

_MARGIN = 200_000  # references added up front: far more than emits between top-ups
_INTERVAL_MS = 250


class _Probe(QObject):
    ping = Signal()


SINGLETONS = (True, False, None)


def bindings_drop_references() -> bool:
    """True when this PySide6 build has the bug (measured, not guessed from versions)."""
    probe = _Probe()
    before = [sys.getrefcount(v) for v in SINGLETONS]
    for _ in range(64):
        probe.ping.emit()
        probe.blockSignals(False)  # a void method
    lost = [b - sys.getrefcount(v) for b, v in zip(before, SINGLETONS)]
    for value, n in zip(SINGLETONS, lost):
        _add_references(value, max(0, n))  # undo the probe's own damage
    return max(lost) >= 32


def _add_references(obj: object, n: int) -> None:
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    for _ in range(n):
        incref(obj)


class SingletonRefcountGuard(QObject):
    """Keeps ``True``, ``False`` and ``None`` above the counts they had when installed."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        for value in SINGLETONS:
            _add_references(value, _MARGIN)
        self._floor = [(value, sys.getrefcount(value)) for value in SINGLETONS]
        self._timer = QTimer(self)
        self._timer.setInterval(_INTERVAL_MS)
        self._timer.timeout.connect(self.top_up)
        self._timer.start()

    def top_up(self) -> None:
        for value, floor in self._floor:
            missing = floor - sys.getrefcount(value)
            if missing > 0:
                _add_references(value, missing)


def install_guard(app: QCoreApplication | None = None) -> SingletonRefcountGuard | None:
    """Install the guard on ``app`` if (and only if) the bug is present; idempotent."""
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before installing the guard")
    existing = app.findChild(SingletonRefcountGuard)
    if existing is not None:
        return existing
    if not bindings_drop_references():
        return None
    import PySide6

    log.debug("PySide6 %s drops references to True/False/None; guarding against it",
              PySide6.__version__)
    return SingletonRefcountGuard(app)
