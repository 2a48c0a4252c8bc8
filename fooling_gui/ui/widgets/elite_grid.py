"""The live grid of class elites: one tile per class, scrolling, zooming, filtering.

A ``QListView`` in icon mode paints only the visible tiles, so ImageNet's 1000
classes scroll smoothly; a proxy model filters by class name. Tiles show the image
scaled without blur, the class name and the confidence, and flash when improved.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSlider,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from ...core.formatting import format_confidence
from .. import theme
from ..throttle import Throttle

CELL_ROLE = Qt.ItemDataRole.UserRole + 1
FLASH_SECONDS = 0.75
UPDATE_MS = 100  # tiles update at most 10 times a second
THUMB_MAX = 128  # longest side kept per tile (ImageNet's 256 px → 128 px by striding)


def to_qimage(image: np.ndarray) -> QImage:
    """``(H, W, 1|3)`` uint8 → a QImage that owns its pixels."""
    arr = np.ascontiguousarray(image)
    h, w, c = arr.shape
    fmt = QImage.Format.Format_Grayscale8 if c == 1 else QImage.Format.Format_RGB888
    return QImage(arr.data, w, h, w * c, fmt).copy()


def thumbnail(image: np.ndarray, longest: int = THUMB_MAX) -> np.ndarray:
    """Shrink by an integer stride (nearest neighbour, no blur) to at most ``longest``."""
    step = max(1, int(np.ceil(max(image.shape[:2]) / longest)))
    return image[::step, ::step] if step > 1 else image


class EliteGridModel(QAbstractListModel):
    """One row per archive cell: its class, confidence, generation and picture."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.names: tuple[str, ...] = ()
        self.class_indices = np.zeros(0, dtype=np.int64)
        self.confidences = np.zeros(0)
        self.generations = np.zeros(0, dtype=np.int64)
        self.images: list[QImage | None] = []
        self.versions = np.zeros(0, dtype=np.int64)  # bumped when a cell's image changes
        self.flash_start = np.zeros(0)

    def reset_cells(self, class_indices: np.ndarray, names: tuple[str, ...]) -> None:
        self.beginResetModel()
        self.names = tuple(names)
        self.class_indices = np.asarray(class_indices).copy()
        n = len(self.names)
        self.confidences = np.full(n, -1.0)
        self.generations = np.full(n, -1, dtype=np.int64)
        self.images = [None] * n
        self.versions = np.zeros(n, dtype=np.int64)
        self.flash_start = np.full(n, -np.inf)
        self.endResetModel()

    def update_from(self, snapshot, images: dict[int, np.ndarray] | None = None,
                    flash: bool = True) -> None:
        """Take a frame's elites; converts only the images it brings.

        A cell's text follows its confidence; its picture comes with the frame that
        carries its image, which may be a frame or two later (a 1000-class run draws a
        screenful of images per frame).

        Args:
            snapshot: the latest frame (its confidences cover every cell).
            images: the new images by cell, gathered from this and skipped earlier
                frames (default: this frame's).
        """
        if images is None:
            images = dict(zip(snapshot.image_cells.tolist(), snapshot.images))
        redraw = np.fromiter(images, dtype=np.int64, count=len(images))
        news = np.flatnonzero((snapshot.confidences != self.confidences)
                              | (snapshot.elite_generations != self.generations))
        changed = np.union1d(redraw, news)
        if changed.size == 0:
            return
        for cell, image in images.items():
            self.images[cell] = to_qimage(thumbnail(image))
        self.versions[changed] += 1  # their rendered tiles are out of date
        self.confidences = snapshot.confidences.copy()
        self.generations = snapshot.elite_generations.copy()
        if flash:
            improved = news[self.generations[news] > 0]  # generation 0 is not news
            self.flash_start[improved] = time.monotonic()
        if changed.size > 32:  # many (a new ImageNet run): one range
            self.dataChanged.emit(self.index(int(changed.min())), self.index(int(changed.max())))
        else:  # a few: only those tiles repaint
            for cell in changed:
                self.dataChanged.emit(self.index(int(cell)), self.index(int(cell)))

    def rowCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.names)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.names[row]
        if role == CELL_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            conf = self.confidences[row]
            if conf < 0:
                return f"{self.names[row]}: no image yet"
            return (f"{self.names[row]} (class {self.class_indices[row]})\n"
                    f"{format_confidence(conf)} · found in generation {self.generations[row]}")
        return None


class EliteTileDelegate(QStyledItemDelegate):
    """Paints one tile: picture (nearest-neighbour), name, confidence, flash, selection.

    Each tile's picture and labels are rendered once into a pixmap and reused until
    the cell changes or the tiles are resized, so a repaint is one ``drawPixmap`` plus
    a frame: painting stays cheap while a run updates or tiles flash.
    """

    CACHE_LIMIT = 400  # tiles kept rendered (ImageNet has 1000; only visible ones paint)

    def __init__(self, model: EliteGridModel, parent=None):
        super().__init__(parent)
        self._model = model
        self.tile = 132
        self._cache: dict[int, tuple[int, QSize, QPixmap]] = {}

    def clear_cache(self) -> None:
        self._cache.clear()

    def sizeHint(self, option, index) -> QSize:
        return QSize(self.tile + 12, self.tile + 46)

    def _tile_pixmap(self, row: int, size: QSize, font: QFont) -> QPixmap:
        version = int(self._model.versions[row])
        cached = self._cache.get(row)
        if cached is not None and cached[0] == version and cached[1] == size:
            return cached[2]
        if len(self._cache) >= self.CACHE_LIMIT:
            self._cache.clear()
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self._render_tile(painter, row, QRect(0, 0, size.width(), size.height()), font)
        painter.end()
        self._cache[row] = (version, QSize(size), pixmap)
        return pixmap

    def _render_tile(self, painter: QPainter, row: int, rect: QRect, font: QFont) -> None:
        model = self._model
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(theme.PANEL))
        painter.drawRoundedRect(rect, 6, 6)
        side = min(rect.width() - 12, rect.height() - 46)
        img_rect = QRect(rect.left() + (rect.width() - side) // 2, rect.top() + 6, side, side)
        image = model.images[row]
        if image is not None:
            scaled = image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.FastTransformation)  # nearest: no blur
            painter.drawImage(img_rect.left() + (side - scaled.width()) // 2,
                              img_rect.top() + (side - scaled.height()) // 2, scaled)
        else:
            painter.setBrush(QColor(theme.BASE))
            painter.drawRect(img_rect)
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(img_rect, Qt.AlignmentFlag.AlignCenter, "…")

        text_top = img_rect.bottom() + 4
        name_rect = QRect(rect.left() + 4, text_top, rect.width() - 8, 17)
        conf_rect = QRect(rect.left() + 4, text_top + 17, rect.width() - 8, 17)
        centred = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
        painter.setFont(font)
        painter.setPen(QColor(theme.TEXT))
        painter.drawText(name_rect, centred, painter.fontMetrics().elidedText(
            model.names[row], Qt.TextElideMode.ElideRight, name_rect.width()))
        conf = model.confidences[row]
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        if conf >= 0:
            painter.setPen(QColor(theme.GOOD if conf >= 0.9999 else
                                  theme.TEXT if conf >= 0.99 else theme.WARN))
            text = format_confidence(conf)
        else:
            painter.setPen(QColor(theme.MUTED))
            text = "—"
        painter.drawText(conf_rect, centred, text)

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        row = index.data(CELL_ROLE)
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)
        painter.drawPixmap(rect.topLeft(), self._tile_pixmap(row, rect.size(), option.font))
        # Frames on top: flash (fading after an improvement), selection, hover.
        age = time.monotonic() - self._model.flash_start[row]
        flash = age < FLASH_SECONDS
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if not (flash or selected or hover):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        frame = rect.adjusted(1, 1, -1, -1)
        if flash:
            c = QColor(theme.FLASH)
            c.setAlphaF(max(0.0, 1.0 - age / FLASH_SECONDS))
            painter.setPen(QPen(c, 3))
            painter.drawRoundedRect(frame, 6, 6)
        if selected or hover:
            painter.setPen(QPen(QColor(theme.ACCENT if selected else theme.BORDER), 2))
            painter.drawRoundedRect(frame, 6, 6)
        painter.restore()


class _NameFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(Qt.ItemDataRole.DisplayRole)


class EliteGrid(QWidget):
    """Filter box, zoom slider and the tile view.

    Signals:
        cell_selected(int): the user selected a tile (-1: none).
        cell_activated(int): the user clicked a tile (open it in the inspector).
        filtered(list): the cells a name filter shows, in order ([] when no filter).
    """

    cell_selected = Signal(int)
    cell_activated = Signal(int)
    filtered = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = EliteGridModel(self)
        self.proxy = _NameFilter(self)
        self.proxy.setSourceModel(self.model)

        self.filter_edit = QLineEdit(placeholderText="Filter classes by name…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.zoom = QSlider(Qt.Orientation.Horizontal)
        self.zoom.setRange(48, 256)
        self.zoom.setValue(132)
        self.zoom.setFixedWidth(140)
        self.zoom.setToolTip("Tile size")
        self.zoom.valueChanged.connect(self.set_tile_size)
        self.zoom.sliderMoved.connect(self._zoomed_by_user)
        self._auto_fit = True  # size tiles to fill the view until the user zooms
        self.count_label = QLabel(objectName="muted")

        self.view = QListView()
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.setMouseTracking(True)
        self.view.setSpacing(2)
        self.view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.delegate = EliteTileDelegate(self.model, self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setModel(self.proxy)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.clicked.connect(self._clicked)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addSpacing(8)
        top.addWidget(QLabel("Zoom", objectName="muted"))
        top.addWidget(self.zoom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        # The flash fades in a few steps: smooth enough, and cheap to repaint.
        self._flash_timer = QTimer(self, interval=250)
        self._flashing: set[int] = set()
        self._latest = None
        self._images_due: dict[int, np.ndarray] = {}  # new images not shown yet, by cell
        self._update_throttle = Throttle(UPDATE_MS, self._apply_latest, self)
        self._flash_timer.timeout.connect(self._animate_flash)

    # -- data ----------------------------------------------------------------------
    def reset_cells(self, class_indices, names) -> None:
        self._update_throttle.cancel()
        self._latest = None
        self._images_due = {}
        self.delegate.clear_cache()
        self._flashing = set()
        self.model.reset_cells(class_indices, names)
        self._update_count()
        self.fit_tiles()

    def fit_tiles(self) -> None:
        """Largest tiles that show every class at once; a scrolling size for many classes."""
        if not self._auto_fit or self.proxy.rowCount() == 0:
            return
        n = self.proxy.rowCount()
        vp = self.view.viewport().size()
        w, h = vp.width() - 8, vp.height() - 8
        best = 0
        for cols in range(1, n + 1):
            rows = -(-n // cols)
            best = max(best, min(w // cols - 16, h // rows - 50))
        size = best if best >= 80 else 112
        self.zoom.blockSignals(True)
        self.zoom.setValue(int(np.clip(size, self.zoom.minimum(), self.zoom.maximum())))
        self.zoom.blockSignals(False)
        self.set_tile_size(self.zoom.value())

    def _zoomed_by_user(self, _value: int) -> None:
        self._auto_fit = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_tiles()

    def update_from(self, snapshot) -> None:
        """Show a frame's elites; tiles update at most ``UPDATE_MS`` apart, always
        ending on the latest frame (call :meth:`flush` to update at once). Frames carry
        only the images that changed, so those of every frame are kept until shown."""
        self._images_due.update(zip(snapshot.image_cells.tolist(), snapshot.images))
        self._latest = snapshot
        self._update_throttle.request()

    def flush(self) -> None:
        self._update_throttle.flush()

    def _apply_latest(self) -> None:
        if self._latest is None:
            return
        images, self._images_due = self._images_due, {}
        self.model.update_from(self._latest, images)
        if np.any(time.monotonic() - self.model.flash_start < FLASH_SECONDS):
            self._flash_timer.start()

    # -- selection -----------------------------------------------------------------
    def select_cell(self, cell: int) -> None:
        """Select and show ``cell`` (from the plot); clears a filter that hides it."""
        if not 0 <= cell < self.model.rowCount():
            self.view.clearSelection()
            return
        index = self.proxy.mapFromSource(self.model.index(cell))
        if not index.isValid():
            self.filter_edit.clear()
            index = self.proxy.mapFromSource(self.model.index(cell))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def selected_cell(self) -> int:
        index = self.view.currentIndex()
        return index.data(CELL_ROLE) if index.isValid() else -1

    def set_tile_size(self, size: int) -> None:
        self.delegate.tile = int(size)
        self.view.setGridSize(QSize(size + 12, size + 46))
        self.view.doItemsLayout()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.cell_selected.emit(current.data(CELL_ROLE) if current.isValid() else -1)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.cell_activated.emit(index.data(CELL_ROLE))

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()
        self.fit_tiles()
        self.filtered.emit(self.shown_cells() if text.strip() else [])

    def shown_cells(self) -> list[int]:
        """The cells the filter lets through, in grid order."""
        return [self.proxy.index(r, 0).data(CELL_ROLE) for r in range(self.proxy.rowCount())]

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{total} classes" if shown == total else f"{shown} of {total}")

    def _animate_flash(self) -> None:
        # Repaint only the tiles that flash (or just stopped), not the whole view.
        age = time.monotonic() - self.model.flash_start
        active = set(np.flatnonzero(age < FLASH_SECONDS).tolist())
        for cell in active | self._flashing:
            index = self.proxy.mapFromSource(self.model.index(cell))
            if index.isValid():
                self.view.update(index)
        self._flashing = active
        if not active:
            self._flash_timer.stop()
