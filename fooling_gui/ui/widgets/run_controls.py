"""The run's settings, its buttons, and the always-visible progress read-outs."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.formatting import format_confidence
from ..evolution_worker import FINISHED, IDLE, LOADING, PAUSED, RUNNING, STOPPED
from .advanced_settings import AdvancedSettings
from .model_combo import ModelCombo

CUSTOM = "__custom__"
STATE_TEXT = {IDLE: "Ready", LOADING: "Loading the model…", RUNNING: "Evolving",
              PAUSED: "Paused", STOPPED: "Stopped", FINISHED: "Finished"}


def _readout() -> QLabel:
    value = QLabel("—", objectName="readout")
    value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return value


class RunControls(QWidget):
    """Left-hand panel of the evolution view.

    Signals:
        model_chosen(str): a model name from the list, or ``CUSTOM`` for "Custom model…".
        settings_edited(): encoding, offspring or seed changed (classes: classes_clicked).
        classes_clicked(): the user wants to choose classes.
        start_clicked, pause_clicked, stop_clicked, reset_clicked.
    """

    model_chosen = Signal(str)
    settings_edited = Signal()
    classes_clicked = Signal()
    start_clicked = Signal()
    pause_clicked = Signal()
    stop_clicked = Signal()
    reset_clicked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = ModelCombo()  # shows short labels, elided, never clipped
        self.model.setMinimumContentsLength(16)
        self.model.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model.setMaxVisibleItems(24)
        self.encoding = QComboBox()
        self.encoding.addItem("CPPN (patterns)", "cppn")
        self.encoding.addItem("Direct (pixels)", "direct")
        self.batch = QSpinBox(minimum=1, maximum=5000, singleStep=50, value=200)
        self.batch.setToolTip("Offspring per generation (the paper: 200 for MNIST, "
                              "400 for ImageNet CPPN)")
        self.classes_button = QPushButton("All classes")
        self.classes_button.setToolTip("Evolve every class, or choose some")
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.seed.setToolTip("The same seed and settings give the same images")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(QLabel("Model"))
        form.addRow(self.model)  # the panel's full width: model names are long
        form.addRow("Encoding", self.encoding)
        form.addRow("Offspring", self.batch)
        form.addRow("Classes", self.classes_button)
        form.addRow("Seed", self.seed)

        self.start_button = QPushButton("Start", objectName="primary")
        self.start_button.setToolTip("Start a new run with these settings")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("End the run; its images stay to inspect and export")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Clear the run")
        buttons = QGridLayout()
        buttons.addWidget(self.start_button, 0, 0)
        buttons.addWidget(self.pause_button, 0, 1)
        buttons.addWidget(self.stop_button, 1, 0)
        buttons.addWidget(self.reset_button, 1, 1)

        settings_box = QGroupBox("Run")
        col = QVBoxLayout(settings_box)
        col.addLayout(form)
        col.addSpacing(4)
        col.addLayout(buttons)
        # Every operator setting (preset, colour, coordinates, mutation, crossover, crops).
        self.advanced = AdvancedSettings()
        self.advanced.set_encoding(self.encoding_name())

        self.generation = _readout()
        self.rate = _readout()
        self.fooled = _readout()
        self.median = _readout()
        self.status = QLabel(STATE_TEXT[IDLE], objectName="muted")
        self.status.setWordWrap(True)
        progress_box = QGroupBox("Progress")
        grid = QGridLayout(progress_box)
        grid.setVerticalSpacing(2)
        for row, (caption, value) in enumerate([("Generation", self.generation),
                                                ("Evaluations / s", self.rate),
                                                ("At ≥ 99.99 %", self.fooled),
                                                ("Median", self.median)]):
            grid.addWidget(QLabel(caption, objectName="readoutCaption"), row, 0)
            grid.addWidget(value, row, 1)
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.status, 4, 0, 1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 6)
        layout.addWidget(settings_box)
        layout.addWidget(self.advanced)
        layout.addWidget(progress_box)
        layout.addStretch(1)
        hint = QLabel("Evolution keeps, for every class, the image the network is most "
                      "sure about. Watch the confidences climb on images no person would "
                      "recognise.", objectName="muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.model.activated.connect(self._model_activated)
        self.encoding.activated.connect(self._encoding_activated)
        self.advanced.edited.connect(self.settings_edited)
        self.batch.editingFinished.connect(self._batch_edited)
        self.seed.editingFinished.connect(self._seed_edited)
        self.classes_button.clicked.connect(self.classes_clicked)
        self.start_button.clicked.connect(self.start_clicked)
        self.pause_button.clicked.connect(self.pause_clicked)
        self.stop_button.clicked.connect(self.stop_clicked)
        self.reset_button.clicked.connect(self.reset_clicked)
        self._last_batch = self.batch.value()
        self._last_seed = self.seed.value()
        self.set_state(IDLE)

    # -- settings ------------------------------------------------------------------
    def set_models(self, entries: list[tuple[str, str, str]]) -> None:
        """``(name, label, tooltip)`` triples; "Custom model…" is appended."""
        self.model.blockSignals(True)
        self.model.clear()
        for name, label, tip in entries:
            self.model.addItem(label, name)
            self.model.setItemData(self.model.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.model.insertSeparator(self.model.count())
        self.model.addItem("Custom model…", CUSTOM)
        self.model.setItemData(self.model.count() - 1, "A torch.export program (.pt2) or a state_dict "
                               "with a JSON sidecar naming its classes and preprocessing",
                               Qt.ItemDataRole.ToolTipRole)
        self.model.blockSignals(False)

    def select_model(self, name: str, label: str | None = None) -> None:
        """Show ``name`` as the current model (adding it, e.g. a custom file, if new)."""
        i = self.model.findData(name)
        if i < 0:
            self.model.insertItem(self.model.count() - 2, label or name, name)
            i = self.model.findData(name)
        self.model.setCurrentIndex(i)

    def model_name(self) -> str:
        return self.model.currentData()

    def encoding_name(self) -> str:
        return self.encoding.currentData()

    def set_encoding(self, name: str) -> None:
        i = self.encoding.findData(name)
        if i >= 0:
            self.encoding.setCurrentIndex(i)
            self.advanced.set_encoding(name)

    def run_settings(self) -> tuple[str, bool | None, dict]:
        """``(preset, ten_crop, changed encoding settings)`` from the Advanced section
        (``ten_crop`` None: as the preset says)."""
        changed = self.advanced.changed()
        crops = changed.pop("crops", None)
        return self.advanced.preset_name(), None if crops is None else crops == "ten", changed

    def set_classes_text(self, chosen: int | None, total: int) -> None:
        self.classes_button.setText(f"All {total} classes" if chosen is None
                                    else f"{chosen} of {total} classes")

    def _model_activated(self, index: int) -> None:
        self.model_chosen.emit(self.model.itemData(index))

    def _encoding_activated(self, _index: int) -> None:
        self.advanced.set_encoding(self.encoding_name())
        self.settings_edited.emit()

    def _batch_edited(self) -> None:
        if self.batch.value() != self._last_batch:
            self._last_batch = self.batch.value()
            self.settings_edited.emit()

    def _seed_edited(self) -> None:
        if self.seed.value() != self._last_seed:
            self._last_seed = self.seed.value()
            self.settings_edited.emit()

    def set_batch(self, value: int) -> None:
        self.batch.setValue(value)
        self._last_batch = self.batch.value()

    def set_seed(self, value: int) -> None:
        self.seed.setValue(value)
        self._last_seed = self.seed.value()

    # -- state ---------------------------------------------------------------------
    def set_state(self, state: str, detail: str = "") -> None:
        active = state in (LOADING, RUNNING, PAUSED)
        self.start_button.setEnabled(state in (IDLE, STOPPED, FINISHED))
        self.start_button.setText("Start" if state == IDLE else "Start new run")
        self.pause_button.setEnabled(state in (RUNNING, PAUSED, LOADING))
        self.pause_button.setText("Resume" if state == PAUSED else "Pause")
        self.stop_button.setEnabled(active)
        self.reset_button.setEnabled(state != IDLE)
        self.status.setText(detail or STATE_TEXT.get(state, state))

    def show_progress(self, snapshot) -> None:
        self.generation.setText(f"{max(snapshot.generation, 0):,}")
        self.rate.setText(f"{snapshot.evals_per_second:,.0f}")
        conf = snapshot.confidences
        self.fooled.setText(f"{int((conf >= 0.9999).sum())} / {conf.size}")
        median = float(np.median(np.clip(conf, 0.0, None))) if conf.size else 0.0
        self.median.setText(format_confidence(median))

    def clear_progress(self) -> None:
        for label in (self.generation, self.rate, self.fooled, self.median):
            label.setText("—")

