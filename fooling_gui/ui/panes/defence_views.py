"""How the Defences pane draws each experiment's result dict: a table, a plot where a
picture says it faster, and one plain sentence with the lesson. Drawing only."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.formatting import format_confidence, format_generations, format_percent
from .. import theme

SERIES = (theme.ACCENT, theme.BAD, theme.GOOD, theme.WARN)


pct = format_percent  # one formatter for the window and the command line
gens = format_generations


HEADER_LINE = 16  # characters per line of a column header before it wraps

LIGHT_TEXT, DARK_TEXT = QColor("#ffffff"), QColor("#000000")  # one always reaches 4.5:1


def wrap_header(text: str, width: int = HEADER_LINE) -> str:
    """Column headers on several short lines, so narrow columns show them whole."""
    return textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=False)


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0 black … 1 white)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: QColor, b: QColor) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: QColor) -> QColor:
    """Light or dark text, whichever reads better on ``background``."""
    return max((LIGHT_TEXT, DARK_TEXT), key=lambda t: contrast_ratio(t, background))


class ResultTable(QTableWidget):
    """A read-only table filled from rows of strings (optionally coloured cells)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)

    def fill(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
             colours: Sequence[Sequence[QColor | None]] | None = None,
             row_headers: Sequence[str] | None = None) -> None:
        self.clear()
        self.setColumnCount(len(headers))
        self.setRowCount(len(rows))
        self.setHorizontalHeaderLabels([wrap_header(h) for h in headers])
        for c, text in enumerate(headers):
            self.horizontalHeaderItem(c).setToolTip(text)
        self.verticalHeader().setVisible(row_headers is not None)
        if row_headers is not None:
            self.setVerticalHeaderLabels(list(row_headers))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if colours is not None and colours[r][c] is not None:
                    item.setBackground(colours[r][c])
                    item.setForeground(text_colour_on(colours[r][c]))
                self.setItem(r, c, item)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def cell_text(self, row: int, col: int) -> str:
        item = self.item(row, col)
        return "" if item is None else item.text()


def heat_colour(value: float) -> QColor:
    """0 → dark blue-grey, 1 → the warning orange-red: confidences as a heat map."""
    low, high = np.array([38, 54, 74]), np.array([239, 107, 107])
    v = float(np.clip(value, 0.0, 1.0))
    rgb = (low + (high - low) * v).round().astype(int)
    return QColor(*rgb)


def new_plot(left: str, bottom: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setMinimumHeight(220)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setLabel("left", left)
    plot.setLabel("bottom", bottom)
    plot.addLegend(offset=(-10, 10))
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    return plot


class ExperimentView(QWidget):
    """One experiment's result: lesson, settings line, plot (optional) and table."""

    def __init__(self, placeholder: str, plot: pg.PlotWidget | None = None, parent=None):
        super().__init__(parent)
        self.lesson = QLabel(placeholder, objectName="heading")
        self.lesson.setWordWrap(True)
        self.settings_label = QLabel("", objectName="muted")
        self.settings_label.setWordWrap(True)
        self.plot = plot
        self.table = ResultTable()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.lesson)
        layout.addWidget(self.settings_label)
        if plot is not None:
            layout.addWidget(plot, 3)
        layout.addWidget(self.table, 2)

    def clear(self) -> None:
        self.table.fill([], [])
        if self.plot is not None:
            self.plot.clear()

    def show_result(self, r: dict) -> None:  # overridden
        raise NotImplementedError

    def _settings(self, r: dict, extra: str = "") -> None:
        self.settings_label.setText(
            f"Measured on {r['model']}: {r['generations']} generations × {r['batch']} "
            f"offspring, seed {r['seed']}{extra}; took {r['wall_seconds']:.0f} s. The paper "
            "and the CLI use longer runs, so fooling images here are less confident.")


class ThresholdView(ExperimentView):
    def __init__(self, parent=None):
        super().__init__("Reject answers below a confidence threshold (“none of these”).",
                         new_plot("fraction", "threshold"), parent)

    def show_result(self, r: dict) -> None:
        rows = r["rows"]
        self._settings(r, f", {r['fooling_images']} fooling images, {r['real_images']} real "
                       f"digits, {r['noise_images']} noise images")
        self.table.fill(["threshold", "fooling accepted", "real digits rejected",
                         "accuracy of accepted", "noise accepted"],
                        [[f"{x['threshold']:g}", pct(x["fooling_accepted"]),
                          pct(x["real_rejected"]), pct(x["real_accepted_accuracy"]),
                          pct(x["noise_accepted"])] for x in rows])
        self.plot.clear()
        x = np.arange(len(rows))
        self.plot.getAxis("bottom").setTicks([[(i, f"{t['threshold']:g}") for i, t in
                                               zip(x, rows)]])
        for (key, name), colour in zip((("fooling_accepted", "fooling images accepted"),
                                        ("real_rejected", "real digits rejected"),
                                        ("noise_accepted", "noise accepted")), SERIES):
            y = [np.nan if t[key] is None else t[key] for t in rows]
            self.plot.plot(x, y, pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=7,
                           symbolBrush=colour, name=name)
        self.plot.setYRange(0, 1.02)
        mid = next((t for t in rows if t["threshold"] >= 0.99), rows[-1])
        self.lesson.setText(
            f"At {mid['threshold']:g}, {pct(mid['fooling_accepted'])} of fooling images still "
            f"pass while {pct(mid['real_rejected'])} of real digits are turned away: a "
            "threshold trades one error for the other.")


class SmoothingView(ExperimentView):
    def __init__(self, parent=None):
        super().__init__("Blur the input before classifying it.",
                         new_plot("fraction / confidence", "smoothing (sigma or window)"),
                         parent)

    def show_result(self, r: dict) -> None:
        rows = r["rows"]
        adaptive = bool(r["adaptive_generations"])
        self._settings(r, f", {r['kind']} smoothing, {r['fooling_images']} fooling images"
                       + (f", {r['adaptive_generations']} generations against each smoothed "
                          "model" if adaptive else ""))
        headers = ["setting", "clean accuracy", "fooling confidence", "fooling ≥ 99 %"]
        if adaptive:
            headers.append("evolved against it: median")
        table = []
        for x in rows:
            line = [f"{x['setting']:g}", pct(x["clean_accuracy"]),
                    format_confidence(x["fooling_confidence"]), pct(x["fooling_at_99"])]
            if adaptive:
                line.append(format_confidence(x["adaptive"]["median_confidence"]))
            table.append(line)
        self.table.fill(headers, table)
        self.plot.clear()
        s = [x["setting"] for x in rows]
        series = [("clean_accuracy", "clean accuracy"),
                  ("fooling_confidence", "fooling images' confidence")]
        for (key, name), colour in zip(series, (theme.GOOD, theme.BAD)):
            self.plot.plot(s, [x[key] for x in rows], pen=pg.mkPen(colour, width=2), symbol="o",
                           symbolSize=7, symbolBrush=colour, name=name)
        if adaptive:
            self.plot.plot(s, [x["adaptive"]["median_confidence"] for x in rows],
                           pen=pg.mkPen(theme.WARN, width=2, style=Qt.PenStyle.DashLine),
                           symbol="t", symbolBrush=theme.WARN,
                           name="evolved against the smoothed model")
        self.plot.setYRange(0, 1.02)
        last = rows[-1]
        self.lesson.setText(
            f"Smoothing by {last['setting']:g} drops the old fooling images to "
            f"{format_confidence(last['fooling_confidence'])} and costs "
            f"{pct(rows[0]['clean_accuracy'] - last['clean_accuracy'])} clean accuracy"
            + (" — yet evolution run against the smoothed model fools it again."
               if adaptive and last["adaptive"]["median_confidence"] >= 0.9 else "."))


class TransferView(ExperimentView):
    def __init__(self, parent=None):
        super().__init__("Do images evolved to fool one network fool another?", None, parent)
        self.layout().setStretchFactor(self.table, 1)

    def show_result(self, r: dict) -> None:
        m = r["matrix"]
        self._settings(r, f", {r['train_epochs']} training epoch(s) per extra LeNet")
        values = np.asarray(m["mean_confidence"])
        self.table.fill(list(m["targets"]),
                        [[format_confidence(v) for v in row] for row in values],
                        [[heat_colour(v) for v in row] for row in values],
                        row_headers=[f"evolved on {s}" for s in m["sources"]])
        n = min(values.shape)
        diag = float(np.mean(np.diag(values[:, :n])))
        off = values[:, :n][~np.eye(values.shape[0], n, dtype=bool)]
        self.lesson.setText(
            f"Mean confidence of the evolved class — on the network they were evolved against "
            f"{format_confidence(diag)}, on the others "
            f"{format_confidence(float(off.mean())) if off.size else '–'}. Rows: evolved "
            "against; columns: scored by.")


class EnsembleView(ExperimentView):
    def __init__(self, parent=None):
        super().__init__("Is a committee of networks harder to fool than one?",
                         new_plot("generations to 99 %", "digit"), parent)

    def show_result(self, r: dict) -> None:
        self._settings(r, f", {len(r['members'])} members ({r['train_epochs']} training "
                       "epoch(s) each)")
        first = r["comparisons"][0]["single"]
        # (name, run summary, key of its clean accuracy)
        runs = [("one LeNet", first, first["model"])] + [
            (f"ensemble ({c['mode']})", c["ensemble"], f"ensemble-{c['mode']}")
            for c in r["comparisons"]]
        limit = r["generations"] + 1
        self.plot.clear()
        width = 0.8 / len(runs)
        for k, ((name, s, _acc), colour) in enumerate(zip(runs, SERIES)):
            # Never reached: a bar to the budget; reached at once: still a visible stub.
            g = [limit if p["generations_to_99"] is None else max(p["generations_to_99"], 0.5)
                 for p in s["per_class"]]
            x = np.arange(len(g)) - 0.4 + width * (k + 0.5)
            self.plot.addItem(pg.BarGraphItem(x=x, height=g, width=width * 0.9, brush=colour,
                                              pen=None))
            self.plot.plot([], [], pen=pg.mkPen(colour, width=6), name=name)
        self.plot.getAxis("bottom").setTicks([[(i, str(i)) for i in range(10)]])
        self.plot.setYRange(0, limit * 1.35)  # room for the legend above the bars
        self.table.fill(["model", "median generations to 99 %", "digits at 99 %",
                         "median confidence", "clean accuracy"],
                        [[name, gens(s["median_generations_to_99"]), f"{s['classes_at_99']}/10",
                          format_confidence(s["median_confidence"]),
                          pct(r["clean_accuracy"].get(acc))]
                         for name, s, acc in runs])
        single, best = runs[0][1], runs[-1][1]
        self.lesson.setText(
            f"One LeNet: {single['classes_at_99']}/10 digits fooled at 99 %; the {runs[-1][0]}: "
            f"{best['classes_at_99']}/10 in the same budget (bars at {limit} never got there). "
            "Raise the generations to see whether evolution catches up.")


class RetrainView(ExperimentView):
    def __init__(self, parent=None):
        super().__init__("Retrain with the fooling images as an extra class, then evolve again.",
                         None, parent)
        self.layout().setStretchFactor(self.table, 1)

    def show_result(self, r: dict) -> None:
        self._settings(r, f", {r['epochs']} epoch(s) per retraining, at most "
                       f"{r['max_fooling_per_round']} new fooling images per round")
        rounds = r["rounds"]
        self.table.fill(["round", "fooling images in training", "clean accuracy",
                         "digits called “fooling”", "median generations to 99 %",
                         "digits ≥ 99 %", "digits ≥ 99.99 %"],
                        [[str(x["round"]), f"{x['fooling_in_training']:,}",
                          pct(x["clean_accuracy"]), pct(x["digits_called_fooling"]),
                          gens(x["median_generations_to_99"]), f"{x['classes_at_99']}/10",
                          f"{x['classes_at_9999']}/10"] for x in rounds])
        self.lesson.setText(retrain_lesson(rounds, r["generations"]))


def retrain_lesson(rounds: Sequence[dict], generations: int) -> str:
    """The headline of a retraining result, in line with its table."""
    first, last = rounds[0], rounds[-1]
    before, after = first["classes_at_99"], last["classes_at_99"]
    n = last["round"]
    after_n = f"after {n} retraining round{'s' if n != 1 else ''}"
    if n == 0:
        return (f"Before any retraining, {before}/10 digits are fooled at 99 % within "
                f"{generations} generations. Add rounds to retrain with them as a class.")
    if before == 0:
        return (f"No digit reached 99 % even before retraining, so {generations} "
                "generations are too few to tell; raise the generations.")
    if after >= before:
        return (f"Round 0: {before}/10 digits fooled at 99 %; {after_n}: {after}/10. "
                "Evolution simply finds new fooling images the extra class has not seen.")
    best = last.get("best") or []
    still = (f" Harder to find, not gone: the best image per digit still scores "
             f"{format_confidence(min(best))} to {format_confidence(max(best))}."
             if best else " Harder to find within this budget; raise the generations.")
    return (f"Round 0: {before}/10 digits fooled at 99 %; {after_n}: {after}/10 in "
            f"{generations} generations.{still}")


VIEWS = {"threshold": ThresholdView, "smoothing": SmoothingView, "transfer": TransferView,
         "ensemble": EnsembleView, "retrain": RetrainView}
