"""Browsing a sweep's folder in the window: its summary, each run's gallery, and the
transfer matrix (File → Open sweep…).

The folder is read with :func:`fooling_gui.core.cluster.sweep_folder.read_sweep`
(no Ray needed: a sweep made on a cluster can be browsed on a laptop); this window
only draws what that returns and reads a run's PNGs when the run is selected.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.formatting import format_confidence

THUMB = 112
COLUMNS = (("run", "run_id"), ("status", "status"), ("model", "model_label"),
           ("encoding", "encoding"), ("seed", "seed"), ("generations", "generations"),
           ("classes", "classes"), ("preset", "variant"), ("cells", "cells"),
           ("min", "min_confidence"), ("median", "median_confidence"),
           ("≥ 99.99 %", "at_least_99_99"), ("time", "wall_seconds"))


def _text(key: str, value) -> str:
    if value is None:
        return "—" if key.endswith("confidence") else ""
    if key.endswith("confidence"):
        return format_confidence(value)
    if key == "wall_seconds":
        return f"{value:.1f} s"
    return str(value)


class SweepView(QWidget):
    """One sweep folder: pick a run in the table to see its images.

    Args:
        sweep: a :class:`~fooling_gui.core.cluster.sweep_folder.SweepFolder`.
    """

    def __init__(self, sweep, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.sweep = sweep
        self.setWindowTitle(f"Sweep — {sweep.path.name}")
        self.resize(1100, 760)
        state = f"{sweep.runs_done} of {sweep.runs_total} runs finished"
        if sweep.runs_failed:
            state += f", {sweep.runs_failed} failed"
        self.header = QLabel(f"<b>{sweep.path}</b><br>{state}")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.page_button = QPushButton("Open index.html in the browser")
        self.page_button.clicked.connect(self.open_page)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.page_button)

        self.table = QTableWidget(len(sweep.rows), len(COLUMNS))
        self.table.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for r, row in enumerate(sweep.rows):
            for c, (_, key) in enumerate(COLUMNS):
                item = QTableWidgetItem(_text(key, row.get(key)))
                if key == "status" and row.get("status") == "failed":
                    item.setToolTip(row.get("error", ""))
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._show_selected)

        self.gallery_title = QLabel("Select a finished run to see its images.")
        self.gallery = QListWidget()
        self.gallery.setViewMode(QListView.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(THUMB, THUMB))
        self.gallery.setResizeMode(QListView.ResizeMode.Adjust)
        self.gallery.setMovement(QListView.Movement.Static)
        self.gallery.setSpacing(6)
        self.gallery.setWordWrap(True)
        gallery_box = QWidget()
        g = QVBoxLayout(gallery_box)
        g.setContentsMargins(0, 0, 0, 0)
        g.addWidget(self.gallery_title)
        g.addWidget(self.gallery, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(gallery_box, "Gallery")
        self.transfer = self._transfer_table(sweep.transfer)
        if self.transfer is not None:
            self.tabs.addTab(self.transfer, "Transfer")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        first_done = next((i for i, r in enumerate(sweep.rows) if r.get("status") == "done"), None)
        if first_done is not None:
            self.table.selectRow(first_done)

    # -- the selected run's gallery ------------------------------------------------
    def _show_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.show_run(self.sweep.rows[rows[0].row()]["run_id"])

    def show_run(self, run_id: str) -> None:
        """Show ``run_id``'s images (or say that it has none yet)."""
        self.gallery.clear()
        gallery = self.sweep.gallery(run_id)
        if gallery is None:
            self.gallery_title.setText(f"{run_id} has not finished: run the sweep again to "
                                       "continue it.")
            return
        self.gallery_title.setText(gallery.title)
        for e in gallery.elites:
            pixmap = QPixmap(str(Path(gallery.folder) / e["file"]))
            if not pixmap.isNull():  # pixels stay pixels: no smoothing of 28×28 digits
                pixmap = pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.FastTransformation)
            item = QListWidgetItem(QIcon(pixmap), f"{e['class_name']}\n"
                                   f"{format_confidence(e['confidence'])}")
            item.setToolTip(f"{e['class_name']} · {format_confidence(e['confidence'])} · "
                            f"generation {e['generation']}")
            self.gallery.addItem(item)

    # -- transfer --------------------------------------------------------------------
    @staticmethod
    def _transfer_table(transfer: dict | None) -> QTableWidget | None:
        if not transfer or not transfer.get("runs"):
            return None
        models, runs = transfer["models"], transfer["runs"]
        labels = transfer.get("model_labels", {})
        cells = {(c["run_id"], c["model"]): c for c in transfer.get("cells", [])}
        table = QTableWidget(len(runs), len(models))
        table.setHorizontalHeaderLabels([labels.get(m, m) for m in models])
        table.setVerticalHeaderLabels(runs)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, run_id in enumerate(runs):
            for c, model in enumerate(models):
                cell = cells.get((run_id, model), {})
                value = cell.get("mean_confidence")
                item = QTableWidgetItem(format_confidence(value) if value is not None
                                        else cell.get("note", "—"))
                if value is not None:
                    item.setBackground(QColor(70, 150, 230, int(30 + 150 * value)))
                    item.setToolTip(f"{cell.get('top1', 0):.0%} top-1, "
                                    f"{cell.get('at_99', 0):.0%} at ≥ 99 %")
                table.setItem(r, c, item)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def open_page(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.sweep.index_html)))


def open_sweep_folder(path: str | Path, parent=None) -> SweepView:
    """A window for the sweep folder ``path`` (FoolingError when it is not one)."""
    from ..core.cluster.sweep_folder import read_sweep

    return SweepView(read_sweep(path), parent)
