"""The inspector's link to the run: which elite it shows, and what it asks the worker.

:class:`Inspection` opens a cell (from the grid or the plot) by asking the worker for
its details, refreshes them when that elite improves (at most four times a second),
drops answers from an earlier run, and passes the inspector's buttons on: score on
another model, save, render large (saved through :class:`~fooling_gui.ui.run_files.RunFiles`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

REFRESH_MS = 250  # inspector refreshes, throttled to what a person can read


class Inspection(QObject):
    """Keeps the inspector on one elite of the run being drawn.

    Args:
        worker: the evolution worker (answers with ``elite_details``, ``scored``,
            ``rendered``).
        inspector, grid, plot: the widgets it links.
        selection: the model selection (to make a "score on" model usable).
        files: saves images and renderings.

    Signals:
        status(str): a short message for the status bar.
        elite_inspected(object): the EliteDetails the inspector now shows, or None.
    """

    status = Signal(str)
    elite_inspected = Signal(object)

    def __init__(self, worker, inspector, grid, plot, selection, files, parent=None):
        super().__init__(parent)
        self._worker, self._inspector, self._grid = worker, inspector, grid
        self._selection, self._files = selection, files
        self.frame = None  # the run's last frame drawn
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self._refresh)
        worker.elite_details.connect(self._details)
        worker.scored.connect(inspector.show_score)
        worker.rendered.connect(self._rendered)
        grid.cell_activated.connect(self.inspect)
        plot.cell_selected.connect(self._plot_selected)
        inspector.save_requested.connect(self.save_image)
        inspector.render_requested.connect(worker.render_high_res)
        inspector.score_requested.connect(self.score_on)

    def frame_drawn(self, frame, new_run: bool) -> None:
        """A frame was drawn; a new run clears the inspector."""
        self.frame = frame
        if new_run:
            self.clear()
        cell = self._inspector.cell
        if cell >= 0 and cell in frame.snapshot.improved and not self._timer.isActive():
            self._timer.start()

    def clear(self) -> None:
        self._inspector.clear()
        self.elite_inspected.emit(None)

    def reset(self) -> None:
        """The run was forgotten."""
        self.frame = None
        self.clear()

    def stop(self) -> None:
        self._timer.stop()

    def inspect(self, cell: int) -> None:
        """Open ``cell`` in the inspector (the worker answers with its details)."""
        frame = self.frame
        if frame is None or not 0 <= cell < len(frame.snapshot.confidences):
            return
        if frame.snapshot.elite_generations[cell] < 0:
            self.status.emit("That class has no image yet.")
            return
        self._worker.request_elite(cell)

    def _refresh(self) -> None:
        if self._inspector.cell >= 0:
            self._worker.request_elite(self._inspector.cell)

    def _details(self, details) -> None:
        if self.frame is None or details.run_id != self.frame.run_id:
            return  # an answer about a run no longer drawn
        self._inspector.show_details(details)
        if self._grid.selected_cell() != details.cell:
            self._grid.select_cell(details.cell)
        self.elite_inspected.emit(details)

    def _plot_selected(self, cell: int) -> None:
        self._grid.select_cell(cell)
        self.inspect(cell)

    def score_on(self, cell: int, model_name: str) -> None:
        """Show the elite to another model (asking for its weights if needed)."""
        key = self._selection.usable_key(model_name)
        if key is None:
            return
        entry = self._selection.entry(model_name)
        self.status.emit(f"Scoring on {entry.label if entry else model_name}…")
        self._worker.score_on(cell, key.name, key.random_init)

    def save_inspected(self) -> None:
        if self._inspector.cell >= 0:
            self.save_image(self._inspector.cell)

    def save_image(self, cell: int) -> None:
        details = self._inspector.details
        if details is not None and details.cell == cell:
            self._files.save_image(details)

    def _rendered(self, result) -> None:
        details = self._inspector.details
        if details is not None and details.cell == result.cell:
            self._files.save_rendering(details, result)
