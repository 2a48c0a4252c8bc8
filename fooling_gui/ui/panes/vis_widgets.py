"""Widgets of the feature-visualisation pane: crisp pixel views, a tile grid, a searchable
class box, a step curve and the per-layer activation maps. They only draw what they are
given; none of them runs a model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
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


def paint_ready(image: np.ndarray) -> QImage:
    """``(H, W, 1|3)`` uint8 → a QImage in the format the painter draws fastest (grey
    images would otherwise be converted on every paint)."""
    return to_qimage(image).convertToFormat(QImage.Format.Format_RGB32)


def fit_rect(image_w: int, image_h: int, box: QRect) -> QRect:
    """The largest rectangle of the image's aspect centred in ``box``; whole multiples
    of the image size when it is enlarged, so every pixel becomes an equal square."""
    scale = min(box.width() / image_w, box.height() / image_h)
    if scale >= 1.0:
        scale = math.floor(scale)
    w, h = max(1, int(image_w * scale)), max(1, int(image_h * scale))
    return QRect(box.x() + (box.width() - w) // 2, box.y() + (box.height() - h) // 2, w, h)


class PixelView(QWidget):
    """One ``(H, W, 1|3)`` uint8 image scaled to fit without blur, with an optional
    caption underneath; shows ``placeholder`` text when empty."""

    def __init__(self, placeholder: str = "", caption: str = "", min_side: int = 96, parent=None):
        super().__init__(parent)
        self._image: QImage | None = None
        self.placeholder = placeholder
        self.caption = caption
        self.setMinimumSize(min_side, min_side)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, image: np.ndarray | None) -> None:
        self._image = None if image is None else paint_ready(image)
        self.update()

    def set_caption(self, text: str) -> None:
        self.caption = text
        self.update()

    @property
    def has_image(self) -> bool:
        return self._image is not None

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(theme.BASE))
        box = self.rect().adjusted(4, 4, -4, -4)
        if self.caption:
            box.setBottom(box.bottom() - painter.fontMetrics().height() - 4)
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(QRect(0, box.bottom() + 2, self.width(), painter.fontMetrics().height()
                                   + 2), Qt.AlignmentFlag.AlignCenter, self.caption)
        if self._image is None:
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.placeholder)
        elif box.width() > 0 and box.height() > 0:
            # No SmoothPixmapTransform: enlarged pixels stay sharp squares.
            painter.drawImage(fit_rect(self._image.width(), self._image.height(), box),
                              self._image)
        painter.end()


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

