"""Widgets of the feature-visualisation pane: a tile grid, a step curve and the per-layer
activation maps (the pixel view and the class box, shared with the adversarial tab, are
in :mod:`fooling_gui.ui.widgets`). They only draw what they are given; none of them runs
a model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .. import theme
from ..widgets.confidence_plot import MAX_NINES, TICKS, nines
from ..widgets.elite_grid import to_qimage
from ..widgets.pixel_view import fit_rect, paint_ready


class TileGrid(QWidget):
    """Many small images with a caption each (the channel grid), laid out to fill the
    widget; tiles are scaled without blur."""

    def __init__(self, placeholder: str = "", parent=None):
        super().__init__(parent)
        self._tiles: list[tuple[QImage, str]] = []
        self.placeholder = placeholder
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_tiles(self, images: np.ndarray | Sequence[np.ndarray], captions: Sequence[str]) -> None:
        """``images``: ``(N, H, W, C)`` uint8; one caption per image."""
        self._tiles = [(paint_ready(img), text) for img, text in zip(images, captions)]
        self.update()

    def clear(self) -> None:
        self._tiles = []
        self.update()

    @property
    def count(self) -> int:
        return len(self._tiles)

    def captions(self) -> list[str]:
        return [text for _img, text in self._tiles]

    def _columns(self, n: int, caption_h: int) -> int:
        """The column count that makes square tiles largest in this widget."""
        best, best_side = 1, 0.0
        for cols in range(1, n + 1):
            rows = math.ceil(n / cols)
            side = min(self.width() / cols, self.height() / rows - caption_h)
            if side > best_side:
                best, best_side = cols, side
        return best

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(theme.BASE))
        if not self._tiles:
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(self.rect().adjusted(8, 8, -8, -8),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.placeholder)
            painter.end()
            return
        fm = painter.fontMetrics()
        caption_h = fm.height() + 2
        n = len(self._tiles)
        cols = self._columns(n, caption_h)
        rows = math.ceil(n / cols)
        cell_w, cell_h = self.width() / cols, self.height() / rows
        for i, (image, text) in enumerate(self._tiles):
            x, y = (i % cols) * cell_w, (i // cols) * cell_h
            box = QRect(int(x) + 3, int(y) + 3, int(cell_w) - 6, int(cell_h - caption_h) - 6)
            if box.width() > 0 and box.height() > 0:
                painter.drawImage(fit_rect(image.width(), image.height(), box), image)
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(QRectF(x, y + cell_h - caption_h - 2, cell_w, caption_h),
                             Qt.AlignmentFlag.AlignCenter,
                             fm.elidedText(text, Qt.TextElideMode.ElideRight, int(cell_w) - 4))
        painter.end()


class StepCurve(pg.PlotWidget):
    """A value per reported step: confidence (on the "nines" scale) or an activation.
    The curve item is created once and updated with ``setData``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.showGrid(x=True, y=True, alpha=0.15)
        self.setLabel("bottom", "step")
        self.curve = self.plot([], [], pen=pg.mkPen(theme.ACCENT, width=2))
        self.setMinimumHeight(130)
        self.getPlotItem().setContentsMargins(2, 4, 16, 2)  # room for the last tick label
        self.confidence = False
        self.steps = np.zeros(0)
        self.values = np.zeros(0)

    def reset(self, confidence: bool, total_steps: int) -> None:
        """Start a new curve; ``confidence`` switches to the 0 %…99.9999 % axis."""
        self.confidence = confidence
        self.steps, self.values = np.zeros(0), np.zeros(0)
        self.curve.setData([], [])
        axis = self.getAxis("left")
        if confidence:
            axis.setTicks([TICKS])
            self.setLabel("left", "confidence")
            self.setYRange(0.0, MAX_NINES, padding=0.02)
            self.enableAutoRange(axis="y", enable=False)
        else:
            axis.setTicks(None)
            self.setLabel("left", "activation")
            self.enableAutoRange(axis="y", enable=True)
        self.setXRange(0, max(total_steps, 1), padding=0.02)

    def set_history(self, steps: np.ndarray, values: np.ndarray) -> None:
        """The whole curve so far: ``values[i]`` at ``steps[i]``."""
        self.steps = np.asarray(steps, dtype=float)
        self.values = np.asarray(values, dtype=float)
        self.curve.setData(self.steps, nines(self.values) if self.confidence else self.values)


class LayerMapsView(QScrollArea):
    """Every analysed layer in execution order, two to a row: a heading and its channel
    mosaic, each mosaic pixel enlarged to an equal square (no blur)."""

    TARGET_WIDTH = 280  # pixels a mosaic grows to, at most
    COLUMNS = 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.layer_names: list[str] = []
        self.show_layers((), 0)

    def show_layers(self, layers, total: int) -> None:
        """``layers``: :class:`~fooling_gui.core.vis.feature_maps.LayerMaps`; ``total``:
        how many layers there are in all."""
        body = QWidget()
        col = QVBoxLayout(body)
        col.setContentsMargins(6, 6, 6, 6)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        col.addLayout(grid)
        self.layer_names = [l.name for l in layers]
        if not layers:
            hint = QLabel("Open an image, drop one here, use a sample digit or the elite in "
                          "the Evolution inspector: every layer's response appears here.",
                          objectName="muted")
            hint.setWordWrap(True)
            col.addWidget(hint)
        for i, maps in enumerate(layers):
            grid.addWidget(self._block(maps), i // self.COLUMNS, i % self.COLUMNS,
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if total > len(layers):
            col.addWidget(QLabel(f"Showing the first {len(layers)} of {total} layers.",
                                 objectName="muted"))
        col.addStretch(1)
        self.setWidget(body)  # the previous body is deleted

    def _block(self, maps) -> QWidget:
        what = "channels" if maps.spatial else "units"
        count = (f"{maps.channels} {what}" if maps.shown == maps.channels
                 else f"first {maps.shown} of {maps.channels} {what}")
        scale = (f"blue −{maps.high:.3g} · black 0 · yellow +{maps.high:.3g}"
                 if maps.low < 0 else f"black 0 → yellow {maps.high:.3g}")
        kind = maps.label.split(" — ")[-1].split(",")[0]
        head = QLabel(f"<b>{maps.name}</b> · {kind} · {count}<br>"
                      f"<span style='color:{theme.MUTED}'>{scale}</span>")
        block = QWidget()
        layout = QVBoxLayout(block)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(head)
        layout.addWidget(self._mosaic_label(maps.mosaic))
        return block

    def _mosaic_label(self, mosaic: np.ndarray) -> QLabel:
        h, w = mosaic.shape[:2]
        k = max(1, min(16, self.TARGET_WIDTH // max(w, 1)))
        pixmap = QPixmap.fromImage(to_qimage(mosaic)).scaled(
            w * k, h * k, Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.FastTransformation)
        label = QLabel()
        label.setPixmap(pixmap)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return label

