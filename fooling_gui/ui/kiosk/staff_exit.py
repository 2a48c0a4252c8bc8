"""Leaving kiosk mode: the key chord, then (if configured) a PIN typed on a touch keypad.

Wrong PINs, Cancel and 30 seconds without input all close the keypad again, so a
visitor who stumbles on the chord is never left in front of it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from .overlays import PinOverlay
from .texts import Texts

log = logging.getLogger(__name__)

PIN_TIMEOUT_MS = 30_000
WRONG_PINS_BEFORE_CLOSE = 3


class StaffExit(QObject):
    """Confirms a staff exit.

    Args:
        pin: the digits to ask for; empty: the chord alone leaves kiosk mode.
        keypad: the window's PIN overlay (None when there is no PIN).
        texts: for the "wrong PIN" message.

    Signals:
        confirmed: leave kiosk mode now.
    """

    confirmed = Signal()

    def __init__(self, pin: str, keypad: PinOverlay | None, texts: Texts,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.pin = pin
        self.keypad = keypad
        self.texts = texts
        self.wrong = 0
        self._timeout = QTimer(self, singleShot=True, interval=PIN_TIMEOUT_MS)
        self._timeout.timeout.connect(self.cancel)
        if keypad is not None:
            keypad.entered.connect(self._entered)
            keypad.cancelled.connect(self.cancel)

    @property
    def asking(self) -> bool:
        return self.keypad is not None and self.keypad.isVisible()

    def request(self) -> None:
        """The chord was pressed: ask for the PIN, or confirm at once without one."""
        if not self.pin or self.keypad is None:
            self._confirm()
            return
        if not self.keypad.isVisible():
            self.wrong = 0
            self.keypad.reset()
            self.keypad.cover()
            self.keypad.setFocus()
        self._timeout.start()

    def cancel(self) -> None:
        self._timeout.stop()
        if self.keypad is not None:
            self.keypad.reset()
            self.keypad.hide()

    def _entered(self, digits: str) -> None:
        if digits == self.pin:
            self._confirm()
            return
        self.wrong += 1
        self._timeout.start()
        if self.wrong >= WRONG_PINS_BEFORE_CLOSE:
            self.cancel()
        else:
            self.keypad.reset(self.texts.caption("pin_wrong"))

    def _confirm(self) -> None:
        self._timeout.stop()
        if self.keypad is not None:
            self.keypad.hide()
        log.info("Leaving kiosk mode (staff exit).")
        self.confirmed.emit()
