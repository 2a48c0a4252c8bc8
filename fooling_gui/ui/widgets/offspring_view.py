"""The current generation's offspring as one mosaic image (pyqtgraph ``ImageItem``).

The mosaic is assembled with numpy and drawn with ``setImage`` on an item created
once, with fixed levels (no auto-levelling flicker) and no smoothing.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...core.formatting import format_confidence

GAP = 2  # pixels between tiles at the images' own resolution (scaled with them)


def mosaic(images: np.ndarray, columns: int, gap: int = GAP, fill: int = 24) -> np.ndarray:
    """``(k, H, W, C)`` uint8 → one ``(rows·(H+gap)−gap, cols·(W+gap)−gap, C)`` image."""
    k, h, w, c = images.shape
    rows = -(-k // columns)
    padded = np.full((rows * columns, h + gap, w + gap, c), fill, dtype=np.uint8)
    padded[:k, :h, :w] = images
    grid = padded.reshape(rows, columns, h + gap, w + gap, c).transpose(0, 2, 1, 3, 4)
    out = grid.reshape(rows * (h + gap), columns * (w + gap), c)
    return out[: -gap or None, : -gap or None]


class OffspringView(QWidget):
    """A mosaic of the latest offspring with a hover read-out of each one's best score."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.readout = QLabel("The newest generation's offspring appear here.", objectName="muted")
        self.graphics = pg.GraphicsLayoutWidget()
        self.viewbox = self.graphics.addViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self.image_item = pg.ImageItem(axisOrder="row-major", autoLevels=False, levels=(0, 255))
        self.viewbox.addItem(self.image_item)
        self._best = np.zeros(0)
        self._tile = (1, 1)
        self._columns = 8
        self._shape = None
        self.graphics.scene().sigMouseMoved.connect(self._mouse_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.readout)
        layout.addWidget(self.graphics, 1)

    def clear(self) -> None:
        self.image_item.clear()
        self._best = np.zeros(0)
        self._shape = None

    def update_from(self, snapshot) -> None:
        images = snapshot.offspring
        if images.shape[0] == 0:
            return
        k, h, w, c = images.shape
        self._columns = int(np.ceil(np.sqrt(k)))
        picture = mosaic(images, self._columns)
        if c == 1:
            picture = picture[:, :, 0]
        self.image_item.setImage(picture, autoLevels=False, levels=(0, 255))
        self._best = snapshot.offspring_best
        self._tile = (h + GAP, w + GAP)
        if picture.shape != self._shape:  # a new size: frame it once, not every frame
            self._shape = picture.shape
            self.viewbox.autoRange(padding=0.01)
        if not self.readout.property("hovering"):
            self.readout.setText(f"Generation {snapshot.generation}: first {k} of its offspring; "
                                 f"best {format_confidence(float(self._best.max()))}")

    def _mouse_moved(self, scene_pos) -> None:
        if self._best.size == 0 or not self.viewbox.sceneBoundingRect().contains(scene_pos):
            self.readout.setProperty("hovering", False)
            return
        p = self.viewbox.mapSceneToView(scene_pos)
        row, col = int(p.y() // self._tile[0]), int(p.x() // self._tile[1])
        i = row * self._columns + col
        if 0 <= col < self._columns and 0 <= i < self._best.size and p.y() >= 0:
            self.readout.setProperty("hovering", True)
            self.readout.setText(f"Offspring {i + 1}: best class confidence "
                                 f"{format_confidence(float(self._best[i]))}")
        else:
            self.readout.setProperty("hovering", False)

    def sizeHint(self) -> QSize:
        return QSize(400, 300)
