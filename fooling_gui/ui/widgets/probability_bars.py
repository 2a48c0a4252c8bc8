"""Top-k classes as horizontal bars, painted directly (no layout churn per update)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...core.formatting import format_confidence
from .. import theme

ROW = 24


class ProbabilityBars(QWidget):
    """Rows of ``class name  ▇▇▇▇▇  99.99 %``; one class can be emphasised."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: tuple[tuple[int, str, float], ...] = ()
        self._emphasis = -1
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(ROW * 5 + 4)

    def set_rows(self, rows: Sequence[tuple[int, str, float]], emphasis: int = -1) -> None:
        """``rows`` as ``(class index, name, probability)``; ``emphasis`` is a class index."""
        self._rows = tuple(rows)
        self._emphasis = emphasis
        self.setFixedHeight(ROW * max(len(self._rows), 1) + 4)
        self.update()

    def rows(self) -> tuple[tuple[int, str, float], ...]:
        return self._rows

    def sizeHint(self) -> QSize:
        return QSize(280, self.height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = self.width()
        name_w = int(w * 0.38)
        value_w = 84
        bar_w = max(w - name_w - value_w - 12, 10)
        fm = painter.fontMetrics()
        for i, (index, name, p) in enumerate(self._rows):
            y = 2 + i * ROW
            emphasised = index == self._emphasis
            painter.setPen(QColor(theme.TEXT if emphasised else theme.MUTED))
            painter.drawText(QRectF(0, y, name_w - 6, ROW), Qt.AlignmentFlag.AlignVCenter
                             | Qt.AlignmentFlag.AlignRight,
                             fm.elidedText(name, Qt.TextElideMode.ElideRight, name_w - 6))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.BASE))
            painter.drawRoundedRect(QRectF(name_w, y + 5, bar_w, ROW - 10), 3, 3)
            painter.setBrush(QColor(theme.ACCENT if emphasised else "#6b7682"))
            painter.drawRoundedRect(QRectF(name_w, y + 5, max(bar_w * p, 2), ROW - 10), 3, 3)
            painter.setPen(QColor(theme.TEXT))
            painter.drawText(QRectF(name_w + bar_w + 6, y, value_w, ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             format_confidence(p))
        painter.end()
