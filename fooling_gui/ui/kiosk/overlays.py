"""Layers drawn over the kiosk's pages: the idle warning, the staff PIN pad, a staff note.

They are child widgets, never dialogs: nothing here has its own window, event loop
or a state a visitor could get stuck in. Each one either goes away by itself (the
controller's timers) or with one tap.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from .kiosk_widgets import button, label, px
from .texts import Texts


class Overlay(QWidget):
    """Covers its parent with a dimmed backdrop and a centred box; swallows taps."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.box = QWidget(self, objectName="overlayBox")
        self.box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.inner = QVBoxLayout(self.box)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.hide()

    def set_scale(self, scale: float) -> None:
        m = px(56, scale)
        self.inner.setContentsMargins(m, m, m, m)
        self.inner.setSpacing(px(30, scale))
        self.box.setMinimumWidth(px(1000, scale))

    def cover(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 190))
        painter.end()

    def mousePressEvent(self, event) -> None:
        event.accept()  # taps on the backdrop must not reach the page beneath


class IdleOverlay(Overlay):
    """"Are you still there?", a countdown and a big "Keep going" button."""

    keep_going = Signal()

    def __init__(self, texts: Texts, parent: QWidget):
        super().__init__(parent)
        self.texts = texts
        self.title = label(texts.caption("idle_title"), name="title")
        self.countdown = label(name="caption")
        self.button = button(texts.caption("keep_going"), "primary")
        self.button.clicked.connect(self.keep_going)
        self.inner.addWidget(self.title)
        self.inner.addWidget(self.countdown)
        self.inner.addWidget(self.button)

    def set_seconds(self, seconds: int) -> None:
        self.countdown.setText(self.texts.caption("idle_countdown", seconds=max(seconds, 0)))


class PinOverlay(Overlay):
    """A touch keypad for the staff PIN that guards leaving kiosk mode.

    Signals:
        entered(str): the digits, when as many as the PIN has were typed.
        cancelled: Cancel was tapped.
    """

    entered = Signal(str)
    cancelled = Signal()

    def __init__(self, texts: Texts, length: int, parent: QWidget):
        super().__init__(parent)
        self.texts = texts
        self.length = max(length, 1)
        self.digits = ""
        self.title = label(texts.caption("pin_title"), name="caption")
        self.dots = label(name="title")
        self.message = label(name="small")
        pad = QGridLayout()
        self.keys = {}
        for i, d in enumerate("123456789"):
            self.keys[d] = button(d, "pinKey")
            pad.addWidget(self.keys[d], i // 3, i % 3)
        self.keys["0"] = button("0", "pinKey")
        pad.addWidget(self.keys["0"], 3, 1)
        self.cancel_button = button(texts.caption("cancel"))
        pad.addWidget(self.cancel_button, 3, 0, 1, 1)
        self.back_key = button("\u232b", "pinKey")
        pad.addWidget(self.back_key, 3, 2)
        for d in "0123456789":
            self.keys[d].clicked.connect(lambda _c=False, d=d: self.type_digit(d))
        self.back_key.clicked.connect(self.backspace)
        self.cancel_button.clicked.connect(self.cancelled)
        self.inner.addWidget(self.title)
        self.inner.addWidget(self.dots)
        self.inner.addWidget(self.message)
        self.inner.addLayout(pad)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # typed digits work too
        self.reset()

    def reset(self, message: str = "") -> None:
        self.digits = ""
        self.message.setText(message or " ")
        self._draw()

    def type_digit(self, digit: str) -> None:
        self.digits += digit
        self._draw()
        if len(self.digits) >= self.length:
            typed, self.digits = self.digits, ""
            self.entered.emit(typed)

    def backspace(self) -> None:
        self.digits = self.digits[:-1]
        self._draw()

    def _draw(self) -> None:
        self.dots.setText(" ".join("\u25cf" if i < len(self.digits) else "\u25cb"
                                   for i in range(self.length)))

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if text.isdigit() and len(text) == 1:
            self.type_digit(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.backspace()
        elif event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()


class StaffNote(QWidget):
    """A small, untouchable line along the bottom edge (configuration problems)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.text = label(name="staff")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        self.hide()

    def show_text(self, text: str) -> None:
        self.text.setText(text)
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        parent = self.parentWidget().rect()
        width = int(parent.width() * 0.8)
        height = self.text.heightForWidth(width) if self.text.hasHeightForWidth() else 60
        self.setGeometry((parent.width() - width) // 2, parent.height() - height - 12,
                         width, height)
