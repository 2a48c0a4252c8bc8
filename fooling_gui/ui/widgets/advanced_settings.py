"""The Run panel's "Advanced" section: the preset and every evolution setting.

Built from the core's settings table (:mod:`fooling_gui.core.evolution.settings`), so
each setting the command line takes is here too, with the same name, values and help.
A setting equal to the preset's value is not "changed"; only changed ones go into the
run's config, the rest follow the preset.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import FoolingError
from ...core.evolution.settings import PRESETS, coerce, preset_values, settings_for

_PROBABILITIES = {"mutation_rate", "crossover_rate", "add_connection", "delete_connection",
                  "add_node", "delete_node", "weight_rate", "activation_rate"}


def _float_box(name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    if name in _PROBABILITIES:
        box.setRange(0.0, 1.0)
        box.setSingleStep(0.05)
        box.setDecimals(3)
    elif name == "weight_range":
        box.setRange(0.1, 100.0)
    else:  # distribution indices
        box.setRange(0.0, 100.0)
        box.setSingleStep(1.0)
    return box


class AdvancedSettings(QGroupBox):
    """Checkable group that folds away when unchecked (its settings still apply; the
    note under it says whether any differs from the preset).

    Signals:
        edited(): the preset or a setting changed.
    """

    edited = Signal()

    def __init__(self, parent=None):
        super().__init__("Advanced", parent)
        self.setCheckable(True)
        self.setChecked(False)
        self.setToolTip("The evolution operators: the paper's by default")
        self.preset = QComboBox()
        for name, text in PRESETS.items():
            self.preset.addItem(name, name)
            self.preset.setItemData(self.preset.count() - 1, text, 3)  # ToolTipRole
        self.preset.setToolTip("; ".join(f"{k}: {v}" for k, v in PRESETS.items()))
        self._body = QWidget()
        self._form = QFormLayout(self._body)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.addRow("Preset", self.preset)
        self._note = QLabel("", objectName="muted")
        self._note.setWordWrap(True)
        # About twenty rows: they scroll inside the panel rather than stretch the window.
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._scroll.setWidget(self._body)
        self._scroll.setMaximumHeight(320)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        col = QVBoxLayout(self)
        col.setContentsMargins(6, 2, 6, 6)
        col.addWidget(self._scroll)
        col.addWidget(self._note)
        self._editors: dict[str, QWidget] = {}
        self._encoding = "cppn"
        self._building = False
        self.preset.activated.connect(self._preset_changed)
        self.toggled.connect(self._scroll.setVisible)
        self._scroll.setVisible(False)
        self._rebuild()

    # -- what the run uses ---------------------------------------------------------
    def preset_name(self) -> str:
        return self.preset.currentData()

    def values(self) -> dict:
        """Every shown setting's current value (typed)."""
        return {name: self._value(name, editor) for name, editor in self._editors.items()}

    def changed(self) -> dict:
        """The settings that differ from the preset's values."""
        base = preset_values(self.preset_name(), self._encoding)
        return {k: v for k, v in self.values().items() if v != base.get(k)}

    def set_encoding(self, encoding: str) -> None:
        """Show the settings of ``encoding`` (changed ones of the other encoding are kept
        only where the setting exists in both)."""
        if encoding != self._encoding:
            kept = self.changed()
            self._encoding = encoding
            self._rebuild(kept)

    def apply(self, preset: str, changed: dict) -> None:
        """Show ``preset`` with ``changed`` settings (e.g. a restored run's)."""
        i = self.preset.findData(preset)
        if i >= 0:
            self.preset.setCurrentIndex(i)
        self._rebuild(changed)

    # -- building ------------------------------------------------------------------
    def _preset_changed(self, _index: int) -> None:
        self._rebuild()
        self.edited.emit()

    def _rebuild(self, changed: dict | None = None) -> None:
        self._building = True
        while self._form.rowCount() > 1:
            self._form.removeRow(1)
        self._editors.clear()
        base = preset_values(self.preset_name(), self._encoding)
        for setting in settings_for(self._encoding):
            value = (changed or {}).get(setting.name, base[setting.name])
            editor = self._editor(setting, value)
            editor.setToolTip(f"{setting.name}: {setting.help}")
            self._editors[setting.name] = editor
            self._form.addRow(setting.name.replace("_", " "), editor)
        self._building = False
        self._update_note()

    def _editor(self, setting, value) -> QWidget:
        if setting.choices:
            box = QComboBox()
            for choice in setting.choices:
                mark = " (paper)" if choice == setting.paper.get(self._encoding,
                                                                 setting.paper.get("run")) else ""
                box.addItem(choice + mark, choice)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.activated.connect(self._edited)
            return box
        if setting.kind is float:
            box = _float_box(setting.name)
            box.setValue(float(value))
            box.editingFinished.connect(self._edited)
            return box
        if setting.kind is int:
            box = QSpinBox(minimum=0 if setting.name == "max_hidden_nodes" else 1,
                           maximum=1_000_000)
            box.setValue(int(value))
            box.editingFinished.connect(self._edited)
            return box
        line = QLineEdit(",".join(value) if isinstance(value, tuple) else str(value))
        line.editingFinished.connect(self._edited)
        return line

    def _value(self, name: str, editor: QWidget):
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, (QDoubleSpinBox, QSpinBox)):
            return coerce(name, editor.value(), self._encoding)
        try:
            return coerce(name, editor.text(), self._encoding)
        except FoolingError:  # an unreadable list: keep the preset's value
            return preset_values(self.preset_name(), self._encoding)[name]

    def _edited(self, *_args) -> None:
        if not self._building:
            self._update_note()
            self.edited.emit()

    def _update_note(self) -> None:
        changed = self.changed()
        self._note.setText(f"{self.preset_name()} preset" + (
            f", changed: {', '.join(sorted(changed))}" if changed else ", as is"))
