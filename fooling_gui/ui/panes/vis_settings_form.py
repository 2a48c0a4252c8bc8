"""The settings of one visualisation run: a preset, the regularisation switches, steps
and seed, read back as the core's frozen :class:`~fooling_gui.core.vis.VisConfig`."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QWidget,
)

from ...core.vis import PRESETS, VisConfig

PRESET_LABELS = {
    "plain": "Plain (the paper)",
    "readable": "Readable (Olah et al.)",
}
# What "jitter, zoom and rotate" means when the chosen preset has none of them.
TRANSFORMS = PRESETS["readable"]
DEFAULT_L2 = 1.0
DEFAULT_BLUR_EVERY = 4


class VisSettingsForm(QWidget):
    """Preset, switches, steps and seed.

    Args:
        preset: the preset selected at first (``"plain"`` or ``"readable"``).
    """

    def __init__(self, preset: str, parent=None):
        super().__init__(parent)
        self.preset = QComboBox()
        for name, label in PRESET_LABELS.items():
            self.preset.addItem(label, name)
        self.preset.setToolTip("Plain: unregularised gradient ascent on the pixels, as in the "
                               "fooling paper — unrecognisable images at 99.99 %.\nReadable: "
                               "Fourier parameterisation and random transforms, which show the "
                               "features the network looks for.")
        self.fourier = QCheckBox("Fourier parameterisation")
        self.fourier.setToolTip("Optimise the image's spectrum with high frequencies damped "
                                "(and colours decorrelated) instead of every pixel")
        self.l2 = QCheckBox("L2 decay")
        self.l2.setToolTip("Pull pixels the network does not care about back to grey")
        self.l2_weight = QDoubleSpinBox(minimum=0.001, maximum=100.0, decimals=3,
                                        singleStep=0.1, value=DEFAULT_L2)
        self.l2_weight.setToolTip("Weight of the L2 decay")
        self.blur = QCheckBox("Blur every")
        self.blur.setToolTip("Blur the image every few steps to remove high-frequency noise")
        self.blur_every = QSpinBox(minimum=1, maximum=1000, value=DEFAULT_BLUR_EVERY,
                                   suffix=" steps")
        self.transforms = QCheckBox("Jitter, zoom and rotate")
        self.transforms.setToolTip("Shift, scale and turn the image randomly before every step, "
                                   "so only features that survive small changes grow")
        self.steps = QSpinBox(minimum=1, maximum=20000, singleStep=50)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1)
        self.seed.setToolTip("Same seed, same settings: the same image")

        l2_row = QHBoxLayout()
        l2_row.addWidget(self.l2)
        l2_row.addWidget(self.l2_weight, 1)
        blur_row = QHBoxLayout()
        blur_row.addWidget(self.blur)
        blur_row.addWidget(self.blur_every, 1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Preset", self.preset)
        form.addRow(self.fourier)
        form.addRow(l2_row)
        form.addRow(blur_row)
        form.addRow(self.transforms)
        form.addRow("Steps", self.steps)
        form.addRow("Seed", self.seed)

        self.l2.toggled.connect(self.l2_weight.setEnabled)
        self.blur.toggled.connect(self.blur_every.setEnabled)
        self.preset.currentIndexChanged.connect(lambda _i: self.apply_preset(self.preset_name()))
        self.preset.setCurrentIndex(self.preset.findData(preset))
        self.apply_preset(preset)

    def preset_name(self) -> str:
        return self.preset.currentData()

    def apply_preset(self, name: str) -> None:
        """Set every switch to what preset ``name`` does."""
        base = PRESETS[name]
        if self.preset_name() != name:
            self.preset.setCurrentIndex(self.preset.findData(name))  # re-enters once
            return
        self.fourier.setChecked(base.fourier)
        self.l2.setChecked(base.l2 > 0)
        self.l2_weight.setValue(base.l2 if base.l2 > 0 else DEFAULT_L2)
        self.blur.setChecked(base.blur_every > 0)
        self.blur_every.setValue(base.blur_every or DEFAULT_BLUR_EVERY)
        self.transforms.setChecked(bool(base.jitter is None or base.jitter or base.scales
                                        or base.rotate))
        self.l2_weight.setEnabled(self.l2.isChecked())
        self.blur_every.setEnabled(self.blur.isChecked())
        self.steps.setValue(base.steps)

    def config(self, every: int = 1) -> VisConfig:
        """The run's settings: the preset with the switches applied."""
        base = PRESETS[self.preset_name()]
        has_transforms = base.jitter is None or base.jitter or base.scales or base.rotate
        if self.transforms.isChecked():
            src = base if has_transforms else TRANSFORMS
            moves = {"jitter": src.jitter, "scales": src.scales, "rotate": src.rotate}
        else:
            moves = {"jitter": 0, "scales": (), "rotate": 0.0}
        # dataclasses.replace, not VisConfig.replace: jitter=None (automatic) must stick.
        return dataclasses.replace(
            base, fourier=self.fourier.isChecked(),
            l2=self.l2_weight.value() if self.l2.isChecked() else 0.0,
            blur_every=self.blur_every.value() if self.blur.isChecked() else 0,
            steps=self.steps.value(), every=every, **moves)
