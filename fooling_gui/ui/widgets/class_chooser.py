"""A class box that scales to ImageNet's thousand classes (used by the visualisation and
adversarial tabs)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter


class ClassChooser(QComboBox):
    """A class box for up to thousands of classes: type any part of a name to filter."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.lineEdit().setPlaceholderText("Type to search classes…")
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(15)
        self.setCompleter(completer)
        self._names: tuple[str, ...] = ()

    def set_classes(self, names: Sequence[str]) -> None:
        self._names = tuple(names)
        self.blockSignals(True)
        self.clear()
        for i, name in enumerate(self._names):
            self.addItem(name if name == str(i) else f"{i} · {name}", i)
        self.blockSignals(False)
        if self._names:
            self.setCurrentIndex(0)

    def class_index(self) -> int:
        """The chosen class, or -1 when the typed text names no class exactly."""
        text = self.currentText().strip()
        i = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if i < 0 and text.isdigit() and int(text) < len(self._names):
            i = int(text)  # "281" for "281 · tabby cat"
        return -1 if i < 0 else int(self.itemData(i))

    def set_class_index(self, index: int) -> None:
        self.setCurrentIndex(self.findData(index))

    def class_name(self, index: int) -> str:
        return self._names[index] if 0 <= index < len(self._names) else ""
