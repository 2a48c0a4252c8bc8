"""The status bar's message: elided in the middle when too long, whole in its tooltip.

``QStatusBar.showMessage`` cuts a long message at the right edge, where the file name
of "Saved /a/long/path/name.png" is. This label keeps both ends ("Saved /home/…/name.png"),
shows the whole text on hover, and clears itself after a while like showMessage.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy

DEFAULT_TIMEOUT_MS = 8000


def shorten_home(text: str) -> str:
    """``/home/ada/Pictures`` → ``~/Pictures``: the same path in fewer characters."""
    home = str(Path.home())
    return text.replace(home + "/", "~/") if len(home) > 1 else text


class StatusMessage(QLabel):
    """A one-line message that never pushes the window wider and never loses its end."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setContentsMargins(6, 0, 6, 0)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.clear_message)

    @property
    def message(self) -> str:
        """The whole current message."""
        return self._text

    def show_message(self, text: str, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
        self._text = shorten_home(" ".join(str(text).split()))
        self.setToolTip(self._text)
        self._fit()
        if timeout_ms > 0:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()

    def clear_message(self) -> None:
        self._text = ""
        self.setToolTip("")
        self.setText("")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = max(self.contentsRect().width(), 40)
        self.setText(self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideMiddle, room))
