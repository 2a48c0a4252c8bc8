"""Crisp pixel views: an image enlarged by whole multiples, never blurred, so every
pixel of a 28×28 digit or an adversarial perturbation is an equal square. Used by the
visualisation and adversarial tabs."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from .. import theme
from .elite_grid import to_qimage


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
