"""The guard against PySide6 6.12.0's lost references keeps a long session alive."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from fooling_gui.ui.pyside_refcount_guard import bindings_drop_references, install_guard


class Emitter(QObject):
    changed = Signal(object)


def test_many_emits_and_void_calls_leave_the_singletons_alive(qtbot, qapp):
    guard = install_guard(qapp)
    assert install_guard(qapp) is guard  # once per application
    if guard is None:
        assert not bindings_drop_references()  # a fixed PySide6: nothing to guard
        return
    e = Emitter()
    seen = []
    e.changed.connect(seen.append)
    for i in range(20_000):  # far beyond what True alone survives unguarded (~600 here)
        e.changed.emit(i)
        e.blockSignals(False)
    guard.top_up()
    assert len(seen) == 20_000
    # Topped up to at least the counts the guard started from (plus its margin).
    assert all(sys.getrefcount(v) >= floor for v, floor in guard._floor)
