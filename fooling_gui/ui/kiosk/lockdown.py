"""Application-wide input watching: visitor activity, the hidden cursor, the staff exit chord.

Both are event filters on the QApplication, so they see every touch, click and key
wherever it lands, including over overlays and plots. A filter sees one input event
once per object it passes through (window, widget, parents); everything they
trigger is idempotent, so that does not matter.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QKeySequence
from PySide6.QtWidgets import QApplication

# Input that shows a person is there. Mouse moves count too, but only
# press/touch/key/wheel start a visit from the attract loop.
PRESS_EVENTS = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                QEvent.Type.TouchBegin, QEvent.Type.KeyPress, QEvent.Type.Wheel,
                QEvent.Type.TabletPress}
MOVE_EVENTS = {QEvent.Type.MouseMove, QEvent.Type.TouchUpdate, QEvent.Type.HoverMove}
MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                 Qt.Key.Key_AltGr, Qt.Key.Key_Super_L, Qt.Key.Key_Super_R}
# Swallowed everywhere: a right click or long press must not open a menu.
BLOCKED_EVENTS = {QEvent.Type.ContextMenu, QEvent.Type.WhatsThis, QEvent.Type.ToolTip}


class ActivityMonitor(QObject):
    """Reports input and hides the mouse pointer after a while without mouse movement.

    Signals:
        pressed: a touch, click, key (not a lone modifier) or wheel turn.
        moved: the pointer or a finger moved.
    """

    pressed = Signal()
    moved = Signal()

    def __init__(self, hide_cursor_ms: int, app: QApplication | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.app = app or QApplication.instance()
        self.cursor_hidden = False
        self.last_press_kind = ""
        self._hide_timer = QTimer(self, singleShot=True, interval=max(hide_cursor_ms, 1))
        self._hide_timer.timeout.connect(self.hide_cursor)

    def install(self) -> None:
        self.app.installEventFilter(self)
        self._hide_timer.start()

    def uninstall(self) -> None:
        self.app.removeEventFilter(self)
        self._hide_timer.stop()
        self.show_cursor()

    def hide_cursor(self) -> None:
        if not self.cursor_hidden:
            self.app.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
            self.cursor_hidden = True

    def show_cursor(self) -> None:
        if self.cursor_hidden:
            self.app.restoreOverrideCursor()
            self.cursor_hidden = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in BLOCKED_EVENTS:
            return True
        if kind in PRESS_EVENTS:
            if kind == QEvent.Type.KeyPress and event.key() in MODIFIER_KEYS:
                return False
            self.last_press_kind = kind.name
            self.pressed.emit()
        elif kind in MOVE_EVENTS:
            if kind == QEvent.Type.MouseMove and not _from_touch(event):
                self.show_cursor()
                self._hide_timer.start()
            self.moved.emit()
        return False


def _from_touch(event) -> bool:
    """Mouse events Qt made up from a touch: they must not bring the pointer back."""
    try:
        return event.source() != Qt.MouseEventSource.MouseEventNotSynthesized
    except AttributeError:
        return False


def chord_combination(text: str):
    """The ``QKeyCombination`` of a chord like ``"Ctrl+Alt+Shift+Q"``, or None."""
    seq = QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText)
    if seq.count() != 1 or seq[0].key() == Qt.Key.Key_unknown:
        return None
    return seq[0]


class ExitChord(QObject):
    """Emits :attr:`triggered` when the staff key chord is pressed, wherever focus is.

    Only the chord's modifiers count (keypad flags are ignored), so a visitor typing
    on a keyboard never leaves kiosk mode by accident.
    """

    triggered = Signal()
    RELEVANT = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                | Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.MetaModifier)

    def __init__(self, chord: str, app: QApplication | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.app = app or QApplication.instance()
        combo = chord_combination(chord)
        if combo is None:
            raise ValueError(f"not a key chord: {chord!r}")
        self.key = combo.key()
        self.modifiers = combo.keyboardModifiers() & self.RELEVANT

    def install(self) -> None:
        self.app.installEventFilter(self)

    def uninstall(self) -> None:
        self.app.removeEventFilter(self)

    def matches(self, event) -> bool:
        return (event.type() == QEvent.Type.KeyPress and event.key() == self.key
                and (event.modifiers() & self.RELEVANT) == self.modifiers)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and self.matches(event):
            self.triggered.emit()
            return True
        return False
