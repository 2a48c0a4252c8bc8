"""One elite, large: its picture, the top-5 classes, its genome, and what to do with it.

The inspector only displays :class:`~fooling_gui.sessions.evolution_session.EliteDetails`
and friends; every action is a signal the evolution view turns into a worker request.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.formatting import format_confidence
from .cppn_network_view import CppnNetworkView
from .model_combo import ModelCombo
from .probability_bars import ProbabilityBars


class ImagePanel(pg.GraphicsLayoutWidget):
    """A uint8 image, scaled without blur, aspect kept; created once, updated by setImage."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.viewbox = self.addViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self.viewbox.setMouseEnabled(x=False, y=False)
        self.image_item = pg.ImageItem(axisOrder="row-major", autoLevels=False, levels=(0, 255))
        self.viewbox.addItem(self.image_item)
        self._shape = None

    def show_image(self, image: np.ndarray | None) -> None:
        if image is None:
            self.image_item.clear()
            self._shape = None
            return
        arr = image[:, :, 0] if image.shape[2] == 1 else image
        self.image_item.setImage(arr, autoLevels=False, levels=(0, 255))
        if arr.shape != self._shape:
            self._shape = arr.shape
            self.viewbox.autoRange(padding=0.0)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600; margin-top: 6px;")
    return label


class Inspector(QWidget):
    """The right-hand panel.

    Signals:
        save_requested(int): save this cell's image (the view shows a file dialog).
        render_requested(int, int): render cell at this many pixels (CPPN only).
        evolve_from_requested(int): start a run seeded with this cell's genome.
        score_requested(int, str): score the cell on the named model.
    """

    save_requested = Signal(int)
    render_requested = Signal(int, int)
    evolve_from_requested = Signal(int)
    score_requested = Signal(int, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.details = None
        self.title = QLabel("Inspector", objectName="heading")
        self.title.setWordWrap(True)
        self.confidence = QLabel(objectName="readout")
        self.meta = QLabel("Click an image in the grid to inspect it.", objectName="muted")
        self.meta.setWordWrap(True)
        self.image = ImagePanel()
        self.image.setFixedHeight(250)
        self.image.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.top_label = _heading("Top 5 classes")
        self.top_label.setWordWrap(True)
        self.top_bars = ProbabilityBars()

        self.save_button = QPushButton("Save image…")
        self.render_button = QPushButton("Render at")
        self.render_size = QSpinBox(minimum=64, maximum=8192, singleStep=256, value=1024,
                                    suffix=" px")
        self.render_size.setToolTip("Side of the high-resolution rendering (CPPN images only)")
        self.evolve_button = QPushButton("Evolve from it")
        self.evolve_button.setToolTip("Start a new run whose first generation is this image "
                                      "and mutants of it")
        self.score_model = ModelCombo()
        self.score_model.setMinimumContentsLength(12)
        self.score_model.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.score_button = QPushButton("Score")
        self.score_label = QLabel(objectName="muted")
        self.score_label.setWordWrap(True)
        self.score_bars = ProbabilityBars()
        self.score_bars.set_rows(())
        self.score_bars.hide()
        self.genome_label = QLabel(objectName="muted")
        self.genome_label.setWordWrap(True)
        self.network = CppnNetworkView()
        self.network.setMinimumHeight(190)
        self.network.hide()

        self.save_button.clicked.connect(lambda: self._emit(self.save_requested.emit))
        self.render_button.clicked.connect(
            lambda: self._emit(lambda c: self.render_requested.emit(c, self.render_size.value())))
        self.evolve_button.clicked.connect(lambda: self._emit(self.evolve_from_requested.emit))
        self.score_button.clicked.connect(
            lambda: self._emit(lambda c: self.score_requested.emit(c, self.score_model.currentData())))

        actions = QGridLayout()
        actions.addWidget(self.save_button, 0, 0)
        actions.addWidget(self.evolve_button, 0, 1)
        actions.addWidget(self.render_button, 1, 0)
        actions.addWidget(self.render_size, 1, 1)
        score_row = QHBoxLayout()
        score_row.addWidget(self.score_model, 1)
        score_row.addWidget(self.score_button)

        body = QWidget()
        col = QVBoxLayout(body)
        col.setContentsMargins(8, 8, 8, 8)
        col.addWidget(self.title)
        col.addWidget(self.confidence)
        col.addWidget(self.meta)
        col.addWidget(self.image, 1)
        col.addWidget(self.top_label)
        col.addWidget(self.top_bars)
        col.addLayout(actions)
        col.addWidget(_heading("Score on another model"))
        col.addLayout(score_row)
        col.addWidget(self.score_label)
        col.addWidget(self.score_bars)
        col.addWidget(_heading("Genome"))
        col.addWidget(self.genome_label)
        col.addWidget(self.network)
        col.addStretch(0)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.clear()

    # -- content -------------------------------------------------------------------
    def set_models(self, models: list[tuple[str, str]]) -> None:
        """``(name, label)`` pairs offered under "Score on another model"."""
        current = self.score_model.currentData()
        self.score_model.clear()
        for name, label in models:
            self.score_model.addItem(label, name)
        i = self.score_model.findData(current)
        if i >= 0:
            self.score_model.setCurrentIndex(i)

    @property
    def cell(self) -> int:
        return -1 if self.details is None else self.details.cell

    def clear(self) -> None:
        self.details = None
        self.title.setText("Inspector")
        self.confidence.setText("")
        self.meta.setText("Click an image in the grid to inspect it.")
        self.image.show_image(None)
        self.top_label.setText("Top 5 classes")
        self.top_bars.set_rows(())
        self.score_label.setText("")
        self.score_bars.hide()
        self.genome_label.setText("")
        self.network.show_genome(None)
        self.network.hide()
        self._enable(False)

    def show_details(self, details) -> None:
        """Show an :class:`~fooling_gui.sessions.evolution_session.EliteDetails`."""
        same_image = (self.details is not None and self.details.cell == details.cell
                      and self.details.run_id == details.run_id
                      and self.details.generation == details.generation)
        replaced = (self.details is not None and self.details.cell == details.cell
                    and not same_image and self.score_bars.isVisible())
        self.details = details
        name = details.class_name
        self.title.setText(f"Class {name}" if len(name) <= 2 else name)
        self.confidence.setText(format_confidence(details.confidence))
        self.meta.setText(f"class {details.class_index} · found in generation "
                          f"{details.generation}\n{details.model_label} · {details.encoding} encoding")
        self.image.show_image(details.image)
        self.top_label.setText(f"Top 5 classes on {details.model_label}")
        self.top_bars.set_rows(details.top, emphasis=details.class_index)
        if not same_image:
            # A score belongs to one image: a better elite for this class is another one.
            self.score_label.setText("A better image replaced the one scored; press Score "
                                     "to score this one." if replaced else "")
            self.score_bars.hide()
        self._show_genome(details)
        self._enable(True)
        self.render_button.setEnabled(details.can_render)
        self.render_size.setEnabled(details.can_render)

    def show_score(self, result) -> None:
        """Show a :class:`~fooling_gui.sessions.evolution_session.ScoreResult` for this cell."""
        if (self.details is None or result.cell != self.details.cell
                or result.generation != self.details.generation):
            return  # the inspector has moved on to another image since
        self.score_label.setText(f"On {result.model_label}:")
        self.score_bars.set_rows(result.top)
        self.score_bars.show()

    def _show_genome(self, details) -> None:
        genome = details.genome
        if details.encoding == "cppn" and isinstance(genome.get("genome"), dict):
            from ...core.encodings.cppn_genome import CppnGenome

            g = CppnGenome.from_dict(genome["genome"])
            hidden = len(g.hidden_ids)
            self.genome_label.setText(
                f"CPPN with {len(g.nodes)} nodes ({hidden} hidden) and "
                f"{len(g.connections)} connections. Blue edges add, red edges subtract; "
                "thicker edges weigh more.")
            self.network.show_genome(g)
            self.network.show()
        else:
            shape = genome.get("shape") if isinstance(genome, dict) else None
            what = "×".join(str(v) for v in shape) if shape else "one value per pixel"
            self.genome_label.setText(f"Direct encoding: the genome is the image itself "
                                      f"({what} values).")
            self.network.show_genome(None)
            self.network.hide()

    def _enable(self, on: bool) -> None:
        for w in (self.save_button, self.render_button, self.render_size, self.evolve_button,
                  self.score_button, self.score_model):
            w.setEnabled(on)

    def _emit(self, fn) -> None:
        if self.details is not None:
            fn(self.details.cell)
