"""Choose which classes get an archive cell: all, or some picked from a searchable list."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)


class ClassPicker(QDialog):
    """A checklist of class names with a search box.

    Args:
        names: the model's class names.
        selected: indices checked at first; ``None`` means all.
    """

    def __init__(self, names: Sequence[str], selected: Sequence[int] | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Choose classes")
        self.resize(420, 560)
        chosen = set(range(len(names)) if selected is None else selected)
        self.search = QLineEdit(placeholderText="Search class names…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        for i, name in enumerate(names):
            item = QListWidgetItem(f"{i:>4}  {name}")
            item.setData(Qt.ItemDataRole.UserRole, i)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if i in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.itemChanged.connect(self._update_count)
        self.count = QLabel(objectName="muted")
        check_shown = QPushButton("Check shown")
        check_shown.clicked.connect(lambda: self._set_shown(Qt.CheckState.Checked))
        clear_shown = QPushButton("Uncheck shown")
        clear_shown.clicked.connect(lambda: self._set_shown(Qt.CheckState.Unchecked))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        row = QHBoxLayout()
        row.addWidget(check_shown)
        row.addWidget(clear_shown)
        row.addStretch(1)
        row.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self._update_count()

    def _filter(self, text: str) -> None:
        text = text.strip().lower()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(text) and text not in item.text().lower())

    def _set_shown(self, state: Qt.CheckState) -> None:
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            if not item.isHidden():
                item.setCheckState(state)
        self.list.blockSignals(False)
        self._update_count()

    def _update_count(self, *_args) -> None:
        n = len(self.checked())
        self.count.setText(f"{n} of {self.list.count()} chosen")
        self.ok_button.setEnabled(n > 0)

    def checked(self) -> list[int]:
        return [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())
                if self.list.item(r).checkState() == Qt.CheckState.Checked]

    def selection(self) -> tuple[int, ...] | None:
        """The chosen class indices, or ``None`` when every class is chosen."""
        chosen = self.checked()
        return None if len(chosen) == self.list.count() else tuple(chosen)
