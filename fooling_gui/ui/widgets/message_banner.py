"""A non-modal message strip: errors are shown without stopping anything."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class MessageBanner(QWidget):
    """A dismissable one-line message above the pane (never modal: runs keep going)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        close = QPushButton("Dismiss")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(close)
        self.setAutoFillBackground(True)
        self.setStyleSheet("MessageBanner { background: #4a2b2b; border-radius: 4px; }")
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()
