"""A model selector that never clips a label mid-word.

The list offers full labels ("AlexNet · ImageNet (the paper's)  ↓"); the closed box
shows each item's short label ("AlexNet · ImageNet"), elided with "…" if even that
does not fit, and the whole label as its tooltip. The list opens as wide as its
longest label.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter

SHORT_ROLE = Qt.ItemDataRole.UserRole + 1


class ModelCombo(QComboBox):
    """A QComboBox whose closed face shows :data:`SHORT_ROLE` text, elided to fit."""

    def set_short_label(self, data: str, short: str) -> None:
        """The text shown in the closed box while the item with ``data`` is current."""
        i = self.findData(data)
        if i >= 0:
            self.setItemData(i, short, SHORT_ROLE)
            self.update()

    def shown_text(self) -> str:
        """What the closed box displays (before eliding)."""
        short = self.currentData(SHORT_ROLE)
        return short if isinstance(short, str) and short else self.currentText()

    def paintEvent(self, _event) -> None:
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        opt.currentText = self.fontMetrics().elidedText(
            self.shown_text(), Qt.TextElideMode.ElideRight, max(field.width() - 4, 10))
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)

    def showPopup(self) -> None:
        view = self.view()
        widest = view.sizeHintForColumn(0) + 2 * view.frameWidth() + 24
        view.setMinimumWidth(max(self.width(), widest))
        super().showPopup()

    def event(self, e) -> bool:
        if e.type() == e.Type.ToolTip:
            tip = self.currentData(Qt.ItemDataRole.ToolTipRole)
            text = self.currentText()
            self.setToolTip(f"{text}\n{tip}" if isinstance(tip, str) and tip else text)
        return super().event(e)
