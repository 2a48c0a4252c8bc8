"""Best confidence per class over generations.

Two scales. *Nines* (the default for up to 20 classes) shows ``−log10(1 − p)``: 90 %
is 1, 99 % is 2, 99.99 % is 4, so the last "nines" — the whole point of the paper on
MNIST — stay visible instead of merging at the top. *Linear* (the default for more
classes, e.g. ImageNet's 1000, where most classes start near 0 %) is the paper's own
ImageNet figure: 0–100 %.

Up to 20 classes get a curve each. More would be an unreadable tangle, so the plot
shows the median, the mean, the band of the middle half of the classes (quartiles)
and of the middle 80 %, plus a curve for each emphasised class (those a grid filter
matches) and for the selected and the hovered class. Items are created once and
updated with ``setData``; the history arrays grow by doubling so appending stays
cheap however long the run.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.formatting import format_confidence
from .. import theme
from ..throttle import Throttle

MAX_NINES = 7.0  # 1 − 1e-7: beyond what float32 softmax resolves
TICKS = [(0.0, "0 %"), (np.log10(2), "50 %"), (1.0, "90 %"), (2.0, "99 %"), (3.0, "99.9 %"),
         (4.0, "99.99 %"), (5.0, "99.999 %"), (6.0, "99.9999 %"), (7.0, "99.99999 %")]
LINEAR_TOPS = (0.05, 0.1, 0.2, 0.5, 1.0)  # the linear axis ends at the first that fits
PER_CLASS_CURVES = 20  # up to this many classes, one coloured curve each
MAX_EMPHASIS = 8  # classes drawn on top of the bands (e.g. those a filter matches)
NINES_TOP = 4.6  # initial top of the nines axis (99.99 % and a little room)
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
    """Generations × cells of best confidences, appended in place, with the mean and
    the 10th, 25th, 50th, 75th and 90th percentiles over the cells."""

    SERIES = ("gens", "mean", "median", "p10", "q1", "q3", "p90")

    def __init__(self, cells: int):
        self.cells = cells
        self.n = 0
        for name in self.SERIES:
            setattr(self, name, np.zeros(64))
        self.best = np.zeros((64, cells), dtype=np.float32)

    def append(self, stats) -> None:
        k = len(stats)
        if k == 0:
            return
        if self.n + k > self.gens.size:
            cap = max(2 * self.gens.size, self.n + k)
            for name in self.SERIES:
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
        if self.cells:
            pct = np.percentile(self.best[sl], [10, 25, 75, 90], axis=1)
            self.p10[sl], self.q1[sl], self.q3[sl], self.p90[sl] = pct
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
        self.scale_button = QPushButton("Linear scale", checkable=True)
        self.scale_button.setToolTip("Off: a scale where 99 %, 99.9 % and 99.99 % are far "
                                     "apart. On: 0–100 %, as the paper's ImageNet figure.")
        self.scale_button.toggled.connect(lambda on: self.set_y_scale("linear" if on else "nines"))
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", "generation")
        item.setLabel("left", "best confidence per class")
        item.getAxis("left").setWidth(86)
        item.getAxis("left").enableAutoSIPrefix(False)  # the ticks say "%" themselves
        item.setMenuEnabled(False)
        item.hideButtons()
        vb = item.getViewBox()
        vb.setMouseEnabled(x=True, y=False)
        vb.disableAutoRange()
        # Ranges grow in steps (not every frame), so the axes are redrawn rarely.
        self._x_max = 0.0
        self._y_top = NINES_TOP
        self._follow_x = True  # until the user pans or zooms
        vb.sigRangeChangedManually.connect(self._user_moved_range)
        # Bottom right: the curves climb towards the top, so that corner stays empty.
        item.addLegend(offset=(-10, -10), labelTextColor=theme.TEXT,
                       brush=pg.mkBrush(23, 25, 28, 200))

        self._target = pg.InfiniteLine(angle=0, pos=4.0, movable=False,
                                       pen=pg.mkPen(theme.GOOD, width=1,
                                                    style=Qt.PenStyle.DashLine))
        item.addItem(self._target, ignoreBounds=True)
        self._hover_line = pg.InfiniteLine(angle=90, movable=False,
                                           pen=pg.mkPen(theme.MUTED, width=1))
        self._hover_line.hide()
        item.addItem(self._hover_line, ignoreBounds=True)

        self._class_items: list[pg.PlotDataItem] = []  # one per class (few classes)
        self._emphasis_items: list[pg.PlotDataItem] = []  # emphasised classes (many)
        self.emphasised: list[int] = []
        # The spread over many classes: two bands between invisible percentile curves.
        # (A transparent pen, not None: without a pen a PlotDataItem keeps no curve to fill to.)
        self._band_edges = {name: pg.PlotDataItem(pen=pg.mkPen(0, 0, 0, 0))
                            for name in ("p10", "q1", "q3", "p90")}
        self._outer_band = pg.FillBetweenItem(self._band_edges["p10"], self._band_edges["p90"],
                                              brush=pg.mkBrush(120, 150, 190, 45))
        self._inner_band = pg.FillBetweenItem(self._band_edges["q1"], self._band_edges["q3"],
                                              brush=pg.mkBrush(120, 160, 215, 95))
        for band in (self._outer_band, self._inner_band):
            item.addItem(band)
        # Antialiasing only for the few emphasised lines (it is costly for many curves).
        self._mean_item = pg.PlotDataItem(pen=pg.mkPen(theme.TEXT, width=2.5), name="mean",
                                          antialias=True)
        self._median_item = pg.PlotDataItem(
            pen=pg.mkPen(theme.WARN, width=2.5, style=Qt.PenStyle.DashLine), name="median",
            antialias=True)
        # The hovered class (many classes: its curve is otherwise not drawn) and the
        # selected one, in the same blue as the selected tile's frame.
        self._hover_item = pg.PlotDataItem(pen=pg.mkPen(theme.MUTED, width=1.5), antialias=True)
        self._highlight = pg.PlotDataItem(pen=pg.mkPen(theme.ACCENT, width=3.5), antialias=True)
        for it in (self._mean_item, self._median_item, self._hover_item, self._highlight,
                   *self._band_edges.values()):
            it.setClipToView(True)
            it.setDownsampling(auto=True, method="peak")
            item.addItem(it)
        self._hover_item.setZValue(9)
        self._highlight.setZValue(10)
        # Legend entries for the bands (FillBetweenItems cannot draw a legend sample).
        self._band_samples = [pg.PlotDataItem(pen=pg.mkPen(120, 160, 215, 170, width=9)),
                              pg.PlotDataItem(pen=pg.mkPen(120, 150, 190, 90, width=9))]
        self._band_labels = ["middle half of the classes", "middle 80 %"]

        self.names: tuple[str, ...] = ()
        self.history = _History(0)
        self.y_scale = "nines"
        self._redraw_throttle = Throttle(REDRAW_MS, self._redraw, self)
        self.selected = -1
        self._hovered = -1
        self._apply_scale()
        self._set_ranges(x_max=10.0, y_top=NINES_TOP)

        scene = self.plot.scene()
        scene.sigMouseMoved.connect(self._mouse_moved)
        scene.sigMouseClicked.connect(self._mouse_clicked)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.readout, 1)
        top.addWidget(self.scale_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)

    @property
    def aggregated(self) -> bool:
        """Too many classes for a curve each: bands, median, mean, emphasised classes."""
        return len(self.names) > PER_CLASS_CURVES

    # -- scale -----------------------------------------------------------------------
    def _y(self, p) -> np.ndarray:
        """Confidence → plot height on the current scale."""
        if self.y_scale == "linear":
            return np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
        return nines(p)

    def set_y_scale(self, scale: str) -> None:
        """``"nines"`` (−log10(1 − p)) or ``"linear"`` (0–100 %)."""
        if scale not in ("nines", "linear") or scale == self.y_scale:
            return
        self.y_scale = scale
        self.scale_button.blockSignals(True)
        self.scale_button.setChecked(scale == "linear")
        self.scale_button.blockSignals(False)
        self._apply_scale()
        self._y_top = -1.0  # force the range to follow
        self._redraw()

    def _apply_scale(self) -> None:
        item = self.plot.getPlotItem()
        linear = self.y_scale == "linear"
        if not linear:
            item.getAxis("left").setTicks([TICKS])
        top = 1.04 if linear else MAX_NINES + 0.5
        item.getViewBox().setLimits(yMin=-0.02 if linear else -0.1, yMax=top, xMin=-1)
        # The target: 99 % on the linear scale (the paper counts classes ≥ 99 %),
        # 99.99 % on the nines scale.
        self._target.setPos(0.99 if linear else 4.0)
        if linear:
            self._set_ranges(self._x_max or 10.0, self._linear_top() * 1.02)

    # -- data ----------------------------------------------------------------------
    def reset(self, names: tuple[str, ...]) -> None:
        """Start over for a run with these classes (one per archive cell)."""
        item = self.plot.getPlotItem()
        for it in self._class_items + self._emphasis_items:
            item.removeItem(it)
            item.legend.removeItem(it)
        for sample in self._band_samples:
            item.legend.removeItem(sample)
        self._class_items = []
        self._emphasis_items = []
        self.emphasised = []
        self._redraw_throttle.cancel()
        self.names = tuple(names)
        self.history = _History(len(names))
        self.selected = self._hovered = -1
        if not self.aggregated:
            for cell, name in enumerate(names):
                it = pg.PlotDataItem(pen=pg.mkPen(pg.intColor(cell, hues=max(len(names), 2),
                                                              values=1, sat=160), width=1.5))
                it.setClipToView(True)
                it.setDownsampling(auto=True, method="peak")
                item.addItem(it)
                self._class_items.append(it)
        else:
            for sample, label in zip(self._band_samples, self._band_labels):
                item.legend.addItem(sample, label)
        for band in (self._outer_band, self._inner_band):
            band.setVisible(self.aggregated)
        # Few classes climb to the top, so the legend sits bottom right; many classes
        # (ImageNet) start near 0 % and fill the bottom with their bands: top left.
        corner = (0, 0) if self.aggregated else (1, 1)
        offset = (10, 10) if self.aggregated else (-10, -10)
        item.legend.anchor(itemPos=corner, parentPos=corner, offset=offset)
        for it in (self._mean_item, self._median_item, self._hover_item, self._highlight,
                   *self._band_edges.values()):
            it.setData([], [])
        self.readout.setText(" ")
        self._follow_x = True
        self._x_max = 0.0
        self.set_y_scale("linear" if self.aggregated else "nines")
        self._set_ranges(x_max=10.0, y_top=1.02 if self.y_scale == "linear" else NINES_TOP)

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
        if self._class_items:
            ys = self._y(h.best[: h.n])  # (T, cells)
            for cell, it in enumerate(self._class_items):
                it.setData(gens, ys[:, cell])
            highest = float(ys.max())
        else:
            for name, it in self._band_edges.items():
                it.setData(gens, self._y(getattr(h, name)[: h.n]))
            self._draw_emphasis()
            highest = float(self._y(h.best[h.n - 1].max()))
        self._mean_item.setData(gens, self._y(h.mean[: h.n]))
        self._median_item.setData(gens, self._y(h.median[: h.n]))
        self._draw_highlight()
        if self.y_scale == "linear":
            y_top = self._linear_top() * 1.02
        else:
            y_top = min(MAX_NINES, max(4.0, float(np.ceil(highest)))) + 0.4
        x_max = nice_ceiling(float(gens[-1]) * 1.1) if self._follow_x else self._x_max
        if x_max > self._x_max or y_top != self._y_top:
            self._set_ranges(max(x_max, self._x_max), y_top)

    def _linear_top(self) -> float:
        """The linear axis's top: the first of 5, 10, 20, 50 and 100 % that holds what is
        drawn (early in an ImageNet run most classes are below 5 %: the bands would be
        a flat line under a 0–100 % axis)."""
        h = self.history
        if h.n == 0:
            return 1.0
        drawn = [h.best[: h.n].max() if self._class_items else h.p90[: h.n].max(),
                 h.mean[: h.n].max()]
        drawn += [h.best[: h.n, c].max() for c in self.emphasised]
        if self.selected >= 0:
            drawn.append(h.best[: h.n, self.selected].max())
        highest = 1.1 * float(max(drawn))
        return next((top for top in LINEAR_TOPS if top >= highest), 1.0)

    def _set_ranges(self, x_max: float, y_top: float) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if self.y_scale == "linear":
            step = y_top / 1.02 / 5
            self.plot.getPlotItem().getAxis("left").setTicks(
                [[(k * step, f"{100 * k * step:g} %") for k in range(6)]])
        if self._follow_x:
            self._x_max = x_max
            vb.setXRange(0, x_max, padding=0.01)
        self._y_top = y_top
        vb.setYRange(0, y_top, padding=0.01)

    def _user_moved_range(self, *_args) -> None:
        self._follow_x = False

    # -- emphasis, selection and hover ---------------------------------------------
    def emphasise(self, cells) -> None:
        """Draw these classes' curves (at most ``MAX_EMPHASIS``, with their names in the
        legend) on top of the bands; only when there are too many classes for a curve
        each. An empty list removes them."""
        if not self.aggregated:
            return
        cells = [int(c) for c in cells if 0 <= int(c) < len(self.names)][:MAX_EMPHASIS]
        if cells == self.emphasised:
            return
        item = self.plot.getPlotItem()
        for it in self._emphasis_items:
            item.removeItem(it)
            item.legend.removeItem(it)
        self._emphasis_items = []
        self.emphasised = cells
        for k, cell in enumerate(cells):
            it = pg.PlotDataItem(pen=pg.mkPen(pg.intColor(k, hues=MAX_EMPHASIS, values=1,
                                                          sat=170), width=2),
                                 name=self.names[cell], antialias=True)
            it.setZValue(8)
            item.addItem(it)
            self._emphasis_items.append(it)
        self._redraw()  # draws them, and the axis may need to grow

    def _draw_emphasis(self) -> None:
        h = self.history
        for cell, it in zip(self.emphasised, self._emphasis_items):
            if h.n:
                it.setData(h.gens[: h.n], self._y(h.best[: h.n, cell]))

    def highlight(self, cell: int) -> None:
        """Emphasise one class's curve (-1: none)."""
        self.selected = cell if 0 <= cell < len(self.names) else -1
        self._draw_highlight()
        if self.y_scale == "linear":
            self._redraw()  # the axis may need to grow to show it

    def _draw_highlight(self) -> None:
        h = self.history
        if self.selected < 0 or h.n == 0:
            self._highlight.setData([], [])
        else:
            self._highlight.setData(h.gens[: h.n], self._y(h.best[: h.n, self.selected]))
        hovered = self._hovered if self.aggregated and self._hovered != self.selected else -1
        if hovered < 0 or h.n == 0:
            self._hover_item.setData([], [])
        else:
            self._hover_item.setData(h.gens[: h.n], self._y(h.best[: h.n, hovered]))

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
        ys = self._y(h.best[row])
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
        if cell != self._hovered:
            self._hovered = cell
            self._draw_highlight()
        parts = [f"generation <b>{int(h.gens[row])}</b>"]
        if cell >= 0:
            parts.append(f"<span style='color:{theme.ACCENT}'>{self.names[cell]}</span>: "
                         f"<b>{format_confidence(h.best[row, cell])}</b>")
        parts.append(f"mean {format_confidence(h.mean[row])}")
        parts.append(f"median {format_confidence(h.median[row])}")
        if self.aggregated:
            parts.append(f"middle half {100 * h.q1[row]:.1f}–{100 * h.q3[row]:.1f} %")
        self.readout.setText(" · ".join(parts))

    def _mouse_clicked(self, event) -> None:
        found = self._nearest(event.scenePos())
        if found is not None and found[1] >= 0:
            self.highlight(found[1])
            self.cell_selected.emit(found[1])
