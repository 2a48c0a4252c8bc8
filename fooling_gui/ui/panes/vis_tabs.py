"""The three tabs of the feature-visualisation pane: a class, single units and channel
grids, and what happens inside the network for one image.

Each tab is a view: buttons the pane connects to, and ``show_…`` methods the pane calls
with frozen results from the worker. None of them runs a model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.formatting import format_confidence
from ...core.vis import LayerInfo
from ..widgets.class_chooser import ClassChooser
from ..widgets.pixel_view import PixelView
from ..widgets.probability_bars import ProbabilityBars
from .vis_settings_form import VisSettingsForm
from .vis_widgets import LayerMapsView, StepCurve, TileGrid

CONTROLS_WIDTH = 320


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    return row


def _readout(text: str = "") -> QLabel:
    return QLabel(text, objectName="readout")


def _muted(text: str = "") -> QLabel:
    label = QLabel(text, objectName="muted")
    label.setWordWrap(True)
    return label


def _controls_column(*items) -> QWidget:
    column = QWidget()
    column.setFixedWidth(CONTROLS_WIDTH)
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 6, 0)
    for item in items:
        if isinstance(item, QWidget):
            layout.addWidget(item)
        else:
            layout.addLayout(item)
    layout.addStretch(1)
    return column


def _run_buttons() -> tuple[QPushButton, QPushButton, QPushButton]:
    start = QPushButton("Start", objectName="primary")
    stop = QPushButton("Stop")
    save = QPushButton("Save PNG…")
    stop.setEnabled(False)
    save.setEnabled(False)
    return start, stop, save


class ClassTab(QWidget):
    """Gradient ascent towards one class, shown live."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.class_box = ClassChooser()
        self.form = VisSettingsForm("plain")
        self.start_button, self.stop_button, self.save_button = _run_buttons()
        intro = _muted("Change an image, step by step, until the network is sure it shows "
                       "the class. Plain gives noise the network calls that class with "
                       "99.99 % confidence; Readable shows the features it looks for.")
        settings = QGroupBox("Settings")
        QVBoxLayout(settings).addWidget(self.form)
        target = QFormLayout()
        target.addRow("Class", self.class_box)
        controls = _controls_column(intro, target, settings,
                                    _buttons(self.start_button, self.stop_button),
                                    self.save_button)

        self.image = PixelView("Choose a class and press Start: the image changes here "
                               "as it is optimised.", min_side=200)
        self.confidence = _readout("—")
        self.caption = _muted("confidence")
        self.step_label = _muted("")
        self.curve = StepCurve()
        readouts = QGridLayout()
        readouts.addWidget(self.confidence, 0, 0)
        readouts.addWidget(self.step_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        readouts.addWidget(self.caption, 1, 0, 1, 2)
        display = QVBoxLayout()
        display.addWidget(self.image, 3)
        display.addLayout(readouts)
        display.addWidget(self.curve, 1)

        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addLayout(display, 1)
        self.last_confidence: float | None = None

    def begin(self, class_name: str, total_steps: int) -> None:
        self.curve.reset(confidence=True, total_steps=total_steps)
        self.caption.setText(f"confidence that this is “{class_name}”")
        self.confidence.setText("—")
        self.step_label.setText(f"step 0 of {total_steps:,}")
        self.last_confidence = None

    def show_step(self, frame) -> None:
        """Draw a :class:`~fooling_gui.sessions.vis_session.VisFrame` of a class run."""
        state = frame.state
        self.image.set_image(state.image)
        self.last_confidence = state.confidence
        self.confidence.setText(format_confidence(state.confidence))
        self.step_label.setText(f"step {state.step:,} of {state.total_steps:,}")
        self.curve.set_history(frame.steps, frame.values[:, 0])

    def set_running(self, running: bool, ready: bool = True) -> None:
        self.start_button.setEnabled(ready)
        self.start_button.setText("Restart" if running else "Start")
        self.stop_button.setEnabled(running)


class UnitTab(QWidget):
    """What one channel (or neuron) of a layer responds to, and a grid of channels."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layer_box = QComboBox()
        self.layer_box.setMinimumContentsLength(14)
        self.layer_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.channel = QSpinBox(minimum=0, maximum=0)
        self.centre_neuron = QCheckBox("Centre neuron only")
        self.centre_neuron.setToolTip("Maximise the channel at the centre of the image "
                                      "instead of its mean over the whole map")
        self.form = VisSettingsForm("readable")
        self.start_button, self.stop_button, self.save_button = _run_buttons()
        self.grid_count = QSpinBox(minimum=1, maximum=64, value=16)
        self.grid_button = QPushButton("Show grid")
        self.grid_stop_button = QPushButton("Stop grid")
        self.grid_stop_button.setEnabled(False)
        intro = _muted("Find the image that excites one unit of a layer most. Early layers "
                       "look for strokes and edges, later ones for combinations of them.")
        target = QFormLayout()
        target.addRow("Layer", self.layer_box)
        target.addRow("Channel", self.channel)
        target.addRow(self.centre_neuron)
        settings = QGroupBox("Settings")
        QVBoxLayout(settings).addWidget(self.form)
        grid_box = QGroupBox("Channel grid")
        grid_form = QFormLayout(grid_box)
        grid_form.addRow("First channels", self.grid_count)
        grid_form.addRow(_buttons(self.grid_button, self.grid_stop_button))
        controls = _controls_column(intro, target, settings,
                                    _buttons(self.start_button, self.stop_button),
                                    self.save_button, grid_box)

        self.image = PixelView("Choose a layer and a channel and press Start.", min_side=180)
        self.activation = _readout("—")
        self.caption = _muted("activation at the start → now")
        self.step_label = _muted("")
        self.curve = StepCurve()
        single = QWidget()
        col = QVBoxLayout(single)
        col.setContentsMargins(0, 0, 8, 0)
        col.addWidget(self.image, 3)
        readouts = QGridLayout()
        readouts.addWidget(self.activation, 0, 0)
        readouts.addWidget(self.step_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        readouts.addWidget(self.caption, 1, 0, 1, 2)
        col.addLayout(readouts)
        col.addWidget(self.curve, 1)
        self.grid = TileGrid("Press Show grid: the first channels of the layer are "
                             "optimised together and appear here.")
        self.grid_label = _muted("")
        grid_side = QWidget()
        gcol = QVBoxLayout(grid_side)
        gcol.setContentsMargins(0, 0, 0, 0)
        gcol.addWidget(self.grid, 1)
        gcol.addWidget(self.grid_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(single)
        self.splitter.addWidget(grid_side)
        self.splitter.setSizes([500, 560])

        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(self.splitter, 1)
        self.layer_box.currentIndexChanged.connect(self._layer_changed)
        self.start_activation: float | None = None
        self.last_activation: float | None = None

    # -- layers --------------------------------------------------------------------
    def set_layers(self, layers: Sequence[LayerInfo]) -> None:
        """Fill the layer box; the last convolutional layer is chosen first."""
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        for info in layers:
            self.layer_box.addItem(info.label, info)
        convs = [i for i, info in enumerate(layers) if info.kind == "conv"]
        self.layer_box.setCurrentIndex(convs[-1] if convs else 0)
        self.layer_box.blockSignals(False)
        self._layer_changed()

    def layer(self) -> LayerInfo | None:
        return self.layer_box.currentData()

    def select_layer(self, name: str) -> None:
        for i in range(self.layer_box.count()):
            if self.layer_box.itemData(i).name == name:
                self.layer_box.setCurrentIndex(i)

    def _layer_changed(self, *_args) -> None:
        info = self.layer()
        n = info.channels if info is not None else 1
        self.channel.setMaximum(max(n - 1, 0))
        self.grid_count.setMaximum(max(1, min(n, 64)))
        spatial = info is not None and info.spatial
        self.centre_neuron.setEnabled(spatial)
        if not spatial:
            self.centre_neuron.setChecked(False)
        self.channel.setToolTip(f"0 to {n - 1}")

    # -- single unit ---------------------------------------------------------------
    def begin(self, what: str, total_steps: int) -> None:
        self.curve.reset(confidence=False, total_steps=total_steps)
        self.caption.setText(f"activation of {what}: at the start → now")
        self.activation.setText("—")
        self.step_label.setText(f"step 0 of {total_steps:,}")
        self.start_activation = self.last_activation = None

    def show_step(self, frame) -> None:
        """Draw a :class:`~fooling_gui.sessions.vis_session.VisFrame` of a unit run."""
        state = frame.state
        self.image.set_image(state.image)
        self.start_activation = frame.start.activation
        self.last_activation = state.activation
        self.activation.setText(f"{self.start_activation:.3g} → {state.activation:.3g}")
        self.step_label.setText(f"step {state.step:,} of {state.total_steps:,}")
        self.curve.set_history(frame.steps, frame.values[:, 0])

    def set_running(self, running: bool, ready: bool = True) -> None:
        self.start_button.setEnabled(ready)
        self.start_button.setText("Restart" if running else "Start")
        self.stop_button.setEnabled(running)

    # -- grid ----------------------------------------------------------------------
    def show_grid(self, layer: str, first: int, frame) -> None:
        """Draw a :class:`~fooling_gui.sessions.vis_session.VisFrame` of a channel batch."""
        state = frame.state
        acts = state.activations if state.activations is not None else np.zeros(len(state.images))
        captions = [f"{first + i} · {a:.3g}" for i, a in enumerate(acts)]
        self.grid.set_tiles(state.images, captions)
        self.grid_label.setText(f"{layer}: channels {first}–{first + len(acts) - 1}, "
                                f"step {state.step:,} of {state.total_steps:,} "
                                "(number · activation)")

    def set_grid_running(self, running: bool, ready: bool = True) -> None:
        self.grid_button.setEnabled(ready)
        self.grid_button.setText("Restart grid" if running else "Show grid")
        self.grid_stop_button.setEnabled(running)


class MapsTab(QWidget):
    """Any image: the top classes, where the decision looks (saliency) and every
    layer's activation maps."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.open_button = QPushButton("Open image…")
        self.elite_button = QPushButton("Elite in the inspector")
        self.elite_button.setToolTip("The image open in the Evolution pane's inspector")
        self.elite_button.setEnabled(False)
        self.digit = QSpinBox(minimum=0, maximum=9, value=7)
        self.digit_button = QPushButton("Sample digit")
        self.digit_button.setToolTip("A real handwritten digit from the MNIST sample that "
                                     "ships with the app (LeCun & Cortes, CC BY-SA 3.0)")
        self.smooth = QCheckBox("SmoothGrad (less speckle)")
        self.smooth.setChecked(True)
        self.smooth.setToolTip("Average the saliency over noisy copies of the image")
        intro = _muted("Show the network an image: see which pixels its decision hangs on "
                       "and how each layer responds. You can also drop an image file "
                       "anywhere on this pane.")
        digit_row = QHBoxLayout()
        digit_row.addWidget(self.digit_button, 1)
        digit_row.addWidget(self.digit)
        source = QGroupBox("Image")
        scol = QVBoxLayout(source)
        scol.addWidget(self.open_button)
        scol.addWidget(self.elite_button)
        scol.addLayout(digit_row)
        scol.addWidget(self.smooth)
        controls = _controls_column(intro, source)

        self.source_label = QLabel("No image yet", objectName="heading")
        self.source_label.setWordWrap(True)
        self.image = PixelView("The image appears here.", caption="what the network sees",
                               min_side=150)
        self.top_label = QLabel("Top 5 classes")
        self.top_label.setStyleSheet("font-weight: 600;")
        self.top_bars = ProbabilityBars()
        self.top_bars.set_rows(())
        self.saliency = PixelView("", caption="saliency", min_side=120)
        self.overlay = PixelView("", caption="saliency over the image", min_side=120)
        self.saliency_note = _muted("Bright pixels: a small change there would change the "
                                    "top class's probability most.")
        pair = QHBoxLayout()
        pair.addWidget(self.saliency)
        pair.addWidget(self.overlay)
        middle = QWidget()
        mcol = QVBoxLayout(middle)
        mcol.setContentsMargins(0, 0, 0, 0)
        mcol.addWidget(self.source_label)
        mcol.addWidget(self.image, 3)
        mcol.addWidget(self.top_label)
        mcol.addWidget(self.top_bars)
        mcol.addLayout(pair, 2)
        mcol.addWidget(self.saliency_note)
        self.maps = LayerMapsView()
        maps_side = QWidget()
        rcol = QVBoxLayout(maps_side)
        rcol.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Activation maps, layer by layer")
        heading.setStyleSheet("font-weight: 600;")
        rcol.addWidget(heading)
        rcol.addWidget(_muted("One tile per channel: yellow = strongly active, black = silent, "
                              "blue = negative. Colours compare within a layer."))
        rcol.addWidget(self.maps, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(maps_side)
        self.splitter.setSizes([420, 640])

        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addWidget(self.splitter, 1)
        self.analysis = None

    def show_analysis(self, analysis) -> None:
        """Show an :class:`~fooling_gui.sessions.vis_session.ImageAnalysis`."""
        self.analysis = analysis
        self.source_label.setText(analysis.source)
        self.image.set_image(analysis.image)
        self.top_bars.set_rows(analysis.top, emphasis=analysis.saliency_class)
        name = analysis.top[0][1]
        self.saliency.set_caption(f"saliency for “{name}”")
        self.saliency.set_image(analysis.saliency)
        self.overlay.set_image(analysis.overlay)
        self.maps.show_layers(analysis.layers, analysis.layers_total)

    def clear(self) -> None:
        self.analysis = None
        self.source_label.setText("No image yet")
        for view in (self.image, self.saliency, self.overlay):
            view.set_image(None)
        self.top_bars.set_rows(())
        self.maps.show_layers((), 0)
