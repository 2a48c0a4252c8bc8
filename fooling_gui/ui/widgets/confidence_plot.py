"""Best confidence per class over generations, on a scale where 99 % and 99.99 % differ.

The y axis shows ``−log10(1 − p)``: 90 % is 1, 99 % is 2, 99.99 % is 4, so the last
"nines" — the whole point of the paper — stay visible instead of merging at the top.
Items are created once and updated with ``setData``; the history arrays grow by
doubling so appending stays cheap however long the run.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...core.formatting import format_confidence
from .. import theme
from ..throttle import Throttle

MAX_NINES = 7.0  # 1 − 1e-7: beyond what float32 softmax resolves
TICKS = [(0.0, "0 %"), (np.log10(2), "50 %"), (1.0, "90 %"), (2.0, "99 %"), (3.0, "99.9 %"),
         (4.0, "99.99 %"), (5.0, "99.999 %"), (6.0, "99.9999 %"), (7.0, "99.99999 %")]
PER_CLASS_CURVES = 20  # up to this many classes, one coloured curve each
HOVER_PIXELS = 14
REDRAW_MS = 100  # the plot redraws at most 10 times a second


def nines(p: np.ndarray | float) -> np.ndarray:
    """``−log10(1 − p)``, clipped to ``[0, MAX_NINES]``."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0 - 10.0**-MAX_NINES)
    return -np.log10(1.0 - p)


def nice_ceiling(value: float) -> float:
    """The next of 10, 15, 20, 30, 40, 50, 60, 80, 100, 150, … at or above ``value``."""
    step = 10.0
    while True:
        for m in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0):
            if step * m >= value:
                return step * m
        step *= 10.0


class _History:
    """Generations × cells of best confidences, appended in place."""

    def __init__(self, cells: int):
        self.cells = cells
        self.n = 0
        self.gens = np.zeros(64)
        self.best = np.zeros((64, cells), dtype=np.float32)
        self.mean = np.zeros(64)
        self.median = np.zeros(64)

    def append(self, stats) -> None:
        k = len(stats)
        if k == 0:
            return
        if self.n + k > self.gens.size:
            cap = max(2 * self.gens.size, self.n + k)
            for name in ("gens", "mean", "median"):
                old = getattr(self, name)
                new = np.zeros(cap)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
            best = np.zeros((cap, self.cells), dtype=np.float32)
            best[: self.n] = self.best[: self.n]
            self.best = best
        sl = slice(self.n, self.n + k)
        self.gens[sl] = [s.generation for s in stats]
        self.best[sl] = np.stack([s.best for s in stats])
        self.mean[sl] = [s.mean for s in stats]
        self.median[sl] = [s.median for s in stats]
        self.n += k


class ConfidencePlot(QWidget):
    """The plot plus a read-out line above it.

    Signals:
        cell_selected(int): the user clicked a class's curve.
    """

    cell_selected = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.readout = QLabel(" ", objectName="muted")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", "generation")
        item.setLabel("left", "best confidence per class")
        item.getAxis("left").setTicks([TICKS])
        item.getAxis("left").setWidth(86)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setYRange(0, 4.6, padding=0.02)
        vb = item.getViewBox()
        vb.setLimits(yMin=-0.1, yMax=MAX_NINES + 0.5, xMin=-1)
        vb.setMouseEnabled(x=True, y=False)
        vb.disableAutoRange()
        # Ranges grow in steps (not every frame), so the axes are redrawn rarely.
        self._x_max = 0.0
        self._y_top = 4.6
        self._follow_x = True  # until the user pans or zooms
        vb.sigRangeChangedManually.connect(self._user_moved_range)
        self._set_ranges(x_max=10.0, y_top=4.6)
        # Bottom right: the curves climb towards the top, so that corner stays empty.
        item.addLegend(offset=(-10, -10), labelTextColor=theme.TEXT,
                       brush=pg.mkBrush(23, 25, 28, 200))

        target = pg.InfiniteLine(angle=0, pos=4.0, movable=False,
                                 pen=pg.mkPen(theme.GOOD, width=1, style=Qt.PenStyle.DashLine))
        item.addItem(target, ignoreBounds=True)
        self._hover_line = pg.InfiniteLine(angle=90, movable=False,
                                           pen=pg.mkPen(theme.MUTED, width=1))
        self._hover_line.hide()
        item.addItem(self._hover_line, ignoreBounds=True)

        self._class_items: list[pg.PlotDataItem] = []
        self._all_item = pg.PlotDataItem(pen=pg.mkPen(180, 186, 194, 60, width=1), connect="finite")
        # Antialiasing only for the few emphasised lines (it is costly for many curves).
        self._mean_item = pg.PlotDataItem(pen=pg.mkPen(theme.TEXT, width=2.5), name="mean",
                                          antialias=True)
        self._median_item = pg.PlotDataItem(
            pen=pg.mkPen(theme.WARN, width=2.5, style=Qt.PenStyle.DashLine), name="median",
            antialias=True)
        # The selected class: the same blue as the selected tile's frame.
        self._highlight = pg.PlotDataItem(pen=pg.mkPen(theme.ACCENT, width=3.5), antialias=True)
        for it in (self._all_item, self._mean_item, self._median_item, self._highlight):
            it.setClipToView(True)
            it.setDownsampling(auto=True, method="peak")
        item.addItem(self._all_item)
        item.addItem(self._mean_item)
        item.addItem(self._median_item)
        item.addItem(self._highlight)
        self._highlight.setZValue(10)

        self.names: tuple[str, ...] = ()
        self.history = _History(0)
        self._redraw_throttle = Throttle(REDRAW_MS, self._redraw, self)
        self.selected = -1
        self._hovered = -1

        scene = self.plot.scene()
        scene.sigMouseMoved.connect(self._mouse_moved)
        scene.sigMouseClicked.connect(self._mouse_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.readout)
        layout.addWidget(self.plot, 1)

    # -- data ----------------------------------------------------------------------
    def reset(self, names: tuple[str, ...]) -> None:
        """Start over for a run with these classes (one per archive cell)."""
        item = self.plot.getPlotItem()
        for it in self._class_items:
            item.removeItem(it)
            item.legend.removeItem(it)
        self._class_items = []
        self._redraw_throttle.cancel()
        self.names = tuple(names)
        self.history = _History(len(names))
        self.selected = self._hovered = -1
        if len(names) <= PER_CLASS_CURVES:
            for cell, name in enumerate(names):
                it = pg.PlotDataItem(pen=pg.mkPen(pg.intColor(cell, hues=max(len(names), 2),
                                                              values=1, sat=160), width=1.5))
                it.setClipToView(True)
                it.setDownsampling(auto=True, method="peak")
                item.addItem(it)
                self._class_items.append(it)
        for it in (self._all_item, self._mean_item, self._median_item, self._highlight):
            it.setData([], [])
        self.readout.setText(" ")
        self._follow_x = True
        self._x_max = 0.0
        self._set_ranges(x_max=10.0, y_top=4.6)

    def append(self, stats) -> None:
        """Add generations (``Snapshot.new_stats``); the curves redraw at most
        ``REDRAW_MS`` apart (call :meth:`flush` to draw at once)."""
        if not stats:
            return
        self.history.append(stats)
        self._redraw_throttle.request()

    def flush(self) -> None:
        self._redraw_throttle.flush()

    @property
    def generations_plotted(self) -> int:
        return self.history.n

    def _redraw(self) -> None:
        h = self.history
        if h.n == 0:
            return
        gens = h.gens[: h.n]
        ys = nines(h.best[: h.n])  # (T, cells)
        if self._class_items:
            for cell, it in enumerate(self._class_items):
                it.setData(gens, ys[:, cell])
        else:
            # All classes as one item: each class's curve, separated by NaN.
            cells = ys.shape[1]
            x = np.empty((cells, h.n + 1))
            x[:, : h.n] = gens
            x[:, h.n] = np.nan
            y = np.empty_like(x)
            y[:, : h.n] = ys.T
            y[:, h.n] = np.nan
            self._all_item.setData(x.ravel(), y.ravel(), connect="finite")
        self._mean_item.setData(gens, nines(h.mean[: h.n]))
        self._median_item.setData(gens, nines(h.median[: h.n]))
        self._draw_highlight()
        y_top = min(MAX_NINES, max(4.0, float(np.ceil(ys.max())))) + 0.4
        x_max = nice_ceiling(float(gens[-1]) * 1.1) if self._follow_x else self._x_max
        if x_max > self._x_max or y_top != self._y_top:
            self._set_ranges(max(x_max, self._x_max), y_top)

    def _set_ranges(self, x_max: float, y_top: float) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if self._follow_x:
            self._x_max = x_max
            vb.setXRange(0, x_max, padding=0.01)
        self._y_top = y_top
        vb.setYRange(0, y_top, padding=0.01)

    def _user_moved_range(self, *_args) -> None:
        self._follow_x = False

    # -- selection and hover -------------------------------------------------------
    def highlight(self, cell: int) -> None:
        """Emphasise one class's curve (-1: none)."""
        self.selected = cell if 0 <= cell < len(self.names) else -1
        self._draw_highlight()

    def _draw_highlight(self) -> None:
        h = self.history
        if self.selected < 0 or h.n == 0:
            self._highlight.setData([], [])
            return
        self._highlight.setData(h.gens[: h.n], nines(h.best[: h.n, self.selected]))

    def _nearest(self, scene_pos) -> tuple[int, int] | None:
        """(row in history, cell under the cursor or -1) for a scene position."""
        h = self.history
        vb = self.plot.getPlotItem().getViewBox()
        if h.n == 0 or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        row = int(np.clip(np.searchsorted(h.gens[: h.n], p.x()), 0, h.n - 1))
        if row > 0 and abs(h.gens[row - 1] - p.x()) < abs(h.gens[row] - p.x()):
            row -= 1
        ys = nines(h.best[row])
        # Compare in pixels, so "near" means the same on any zoom.
        px_per_unit = vb.sceneBoundingRect().height() / max(vb.viewRange()[1][1] - vb.viewRange()[1][0], 1e-9)
        dist = np.abs(ys - p.y()) * px_per_unit
        cell = int(dist.argmin())
        return row, (cell if dist[cell] <= HOVER_PIXELS else -1)

    def _mouse_moved(self, scene_pos) -> None:
        found = self._nearest(scene_pos)
        if found is None:
            self._hover_line.hide()
            return
        row, cell = found
        h = self.history
        self._hover_line.setPos(h.gens[row])
        self._hover_line.show()
        self._hovered = cell
        parts = [f"generation <b>{int(h.gens[row])}</b>"]
        if cell >= 0:
            parts.append(f"<span style='color:{theme.ACCENT}'>{self.names[cell]}</span>: "
                         f"<b>{format_confidence(h.best[row, cell])}</b>")
        parts.append(f"mean {format_confidence(h.mean[row])}")
        parts.append(f"median {format_confidence(h.median[row])}")
        self.readout.setText(" · ".join(parts))

    def _mouse_clicked(self, event) -> None:
        found = self._nearest(event.scenePos())
        if found is not None and found[1] >= 0:
            self.highlight(found[1])
            self.cell_selected.emit(found[1])
