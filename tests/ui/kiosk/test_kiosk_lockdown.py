"""Lock-down: visitors cannot leave, staff can (chord, then PIN); no menus; hidden cursor."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fooling_gui.ui.kiosk.controller import ATTRACT
from fooling_gui.ui.kiosk.lockdown import chord_combination

from .conftest import TIMEOUT, quick_config

CHORD = (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
         | Qt.KeyboardModifier.ShiftModifier)


def press_chord(window):
    QTest.keyClick(window.windowHandle(), *CHORD)


def test_the_window_is_fullscreen_frameless_and_refuses_to_close(qtbot, make_kiosk):
    kiosk = make_kiosk(quick_config())
    w = kiosk.window
    qtbot.waitUntil(lambda: w.isFullScreen(), timeout=5000)
    assert w.locked_down
    assert w.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert w.close() is False  # what Alt+F4 or a window manager would ask
    for key, mods in ((Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                      (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
                      (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
                      (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)):
        QTest.keyClick(w.windowHandle(), key, mods)
    w.showNormal()  # e.g. a window manager shortcut
    qtbot.waitUntil(lambda: w.isFullScreen(), timeout=5000)
    assert w.locked_down and w.isVisible()


def test_context_menus_and_tooltips_are_swallowed(make_kiosk):
    kiosk = make_kiosk(quick_config())
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(10, 10), QPoint(10, 10))
    assert kiosk.monitor.eventFilter(kiosk.window, event) is True
    assert kiosk.monitor.eventFilter(kiosk.window, QEvent(QEvent.Type.ToolTip)) is True


def test_the_chord_without_a_pin_leaves_at_once(qtbot, make_kiosk):
    kiosk = make_kiosk(quick_config())
    with qtbot.waitSignal(kiosk.staff_exit.confirmed, timeout=5000):
        press_chord(kiosk.window)


def test_with_a_pin_the_chord_asks_for_it_and_wrong_pins_do_not_leave(qtbot, make_kiosk):
    kiosk = make_kiosk(quick_config(exit_pin="4711"))
    w, c = kiosk.window, kiosk.controller
    confirmed = []
    kiosk.staff_exit.confirmed.connect(lambda: confirmed.append(1))
    press_chord(w)
    assert w.pin.isVisible()
    for d in "1234":
        QTest.mouseClick(w.pin.keys[d], Qt.MouseButton.LeftButton)
    assert not confirmed and w.pin.isVisible() and w.pin.message.text() == "Wrong PIN."
    assert c.state == ATTRACT  # taps on the keypad do not start a visit
    QTest.mouseClick(w.pin.cancel_button, Qt.MouseButton.LeftButton)
    assert not w.pin.isVisible() and not confirmed
    press_chord(w)
    for d in "4711":
        QTest.keyClick(w.pin, getattr(Qt.Key, f"Key_{d}"))  # a keyboard works too
    assert confirmed == [1]


def test_three_wrong_pins_close_the_keypad(make_kiosk):
    kiosk = make_kiosk(quick_config(exit_pin="12"))
    w = kiosk.window
    press_chord(w)
    for _ in range(3):
        w.pin.type_digit("9")
        w.pin.type_digit("9")
    assert not w.pin.isVisible()


def test_unknown_chords_are_rejected():
    assert chord_combination("Ctrl+Alt+Shift+Q") is not None
    assert chord_combination("Ctrl+Alt+Nonsense") is None


def test_the_cursor_hides_when_idle_and_returns_with_the_mouse(qtbot, make_kiosk):
    kiosk = make_kiosk(quick_config(cursor_hide_seconds=0.5))
    m = kiosk.monitor
    qtbot.waitUntil(lambda: m.cursor_hidden, timeout=TIMEOUT)
    assert QApplication.overrideCursor().shape() == Qt.CursorShape.BlankCursor
    QTest.mouseMove(kiosk.window.windowHandle(), QPoint(200, 200))
    assert not m.cursor_hidden
    qtbot.waitUntil(lambda: m.cursor_hidden, timeout=TIMEOUT)
