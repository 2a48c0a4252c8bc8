"""The "Evolution" pane: run controls, live elite grid and offspring, plot, inspector.

It turns user actions into :class:`EvolutionWorker` requests and draws the frames
the worker sends; it never runs a model itself. Its parts each do one job:
:class:`~fooling_gui.ui.model_selection.ModelSelection` (which model, weights, fallback;
the model-choice signal every tab follows), :class:`~fooling_gui.ui.run_setup.RunSetup`
(the next run's settings), :class:`~fooling_gui.ui.inspection.Inspection` (the
inspector's elite and its buttons), :class:`~fooling_gui.ui.run_files.RunFiles` (save and
export dialogs), :func:`~fooling_gui.sessions.run_stats.run_stats` (the ``--stats``
numbers); this class lays out the widgets, starts and stops runs and draws frames.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QSplitter, QTabWidget, QVBoxLayout, QWidget

from ..core.evolution import RunConfig
from ..sessions.elite_files import gallery_folder_name
from ..sessions.model_cache import ModelCache
from ..sessions.run_stats import run_stats
from .evolution_worker import FINISHED, IDLE, LOADING, PAUSED, RUNNING, STOPPED, EvolutionWorker
from .inspection import Inspection
from .job_thread import JobRunner
from .model_selection import ModelSelection
from .run_files import RunFiles
from .run_setup import OPEN_ENDED, RunSetup
from .settings import Settings
from .widgets.confidence_plot import ConfidencePlot
from .widgets.elite_grid import EliteGrid
from .widgets.inspector import Inspector
from .widgets.message_banner import MessageBanner
from .widgets.offspring_view import OffspringView
from .widgets.run_controls import RunControls

log = logging.getLogger(__name__)

class EvolutionView(QWidget):
    """Everything needed to run, watch and inspect MAP-Elites evolution.

    Args:
        settings: where the last model, encoding, seed, batch and folders are kept.
        worker: the evolution worker (a new one by default; tests may pass their own).
        models: the model cache the window's tabs share (the worker's own by default).

    Signals:
        status(str): a short message for the window's status bar.
        frame_drawn(object): the RunFrame just drawn (for counters and the status bar).
        model_ready(LoadedModel): the chosen model is loaded: the model choice every tab
            follows (its ``key`` names the model in the shared cache).
        model_selected(str): the same, in words for the status bar ("LeNet · cppn").
        elite_inspected(object): the EliteDetails the inspector now shows, or None.
        previous_run_changed(str): the run "Back to the previous run" returns to
            (a short description), or "" when there is none.
    """

    status = Signal(str)
    frame_drawn = Signal(object)
    model_ready = Signal(object)
    model_selected = Signal(str)
    elite_inspected = Signal(object)
    previous_run_changed = Signal(str)

    def __init__(self, settings: Settings, worker: EvolutionWorker | None = None, parent=None,
                 models: ModelCache | None = None):
        super().__init__(parent)
        self.settings = settings
        self.worker = worker or EvolutionWorker(parent=self, models=models)
        self.models = self.worker.models  # shared with the other tabs
        self.downloads = JobRunner("downloads", self)
        self.frame = None  # the last RunFrame drawn
        self.run_id = -1
        self.snapshots_drawn = 0
        self.errors: list[str] = []
        self._pending_start = False

        self.controls = RunControls()
        self.controls.setMinimumWidth(270)
        self.controls.setMaximumWidth(340)
        self.grid = EliteGrid()
        self.offspring = OffspringView()
        self.plot = ConfidencePlot()
        self.inspector = Inspector()
        self.inspector.setMinimumWidth(300)
        self.banner = MessageBanner()
        self.selection = ModelSelection(self.worker, self.controls, self.inspector, settings,
                                        lambda name: self.obtain_weights(name), self)
        self.files = RunFiles(self.worker, settings, self)
        self.setup = RunSetup(self.controls, settings, self)
        self.inspection = Inspection(self.worker, self.inspector, self.grid, self.plot,
                                     self.selection, self.files, self)

        self.views = QTabWidget()
        self.views.addTab(self.grid, "Elites")
        self.views.addTab(self.offspring, "Offspring")
        self.views.currentChanged.connect(self._view_tab_changed)
        self.worker.set_offspring_wanted(False)  # the Elites tab is shown first
        self.view_splitter = QSplitter(Qt.Orientation.Vertical)
        self.view_splitter.addWidget(self.views)
        self.view_splitter.addWidget(self.plot)
        self.view_splitter.setStretchFactor(0, 3)
        self.view_splitter.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.controls)
        self.splitter.addWidget(self.view_splitter)
        self.splitter.addWidget(self.inspector)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([280, 780, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)

        m = self.selection
        m.chosen.connect(self._model_ready)
        m.loading.connect(self._model_loading)
        m.failed.connect(self.show_error)
        m.load_failed.connect(self._model_failed)
        self.files.status.connect(self.status)
        self.files.error.connect(self.show_error)
        self.setup.changed.connect(self._settings_changed)
        c = self.controls
        c.model_chosen.connect(self.choose_model)
        c.classes_clicked.connect(lambda: self.setup.choose_classes(self.model_info))
        c.start_clicked.connect(self.start)
        c.pause_clicked.connect(self.toggle_pause)
        c.stop_clicked.connect(self.stop)
        c.reset_clicked.connect(self.reset)
        w = self.worker
        w.frame.connect(self.draw)
        w.state_changed.connect(self._state_changed)
        w.failed.connect(self.show_error)
        self.grid.cell_selected.connect(self.plot.highlight)
        self.grid.filtered.connect(self.plot.emphasise)  # "penguin": their curves
        self.inspector.evolve_from_requested.connect(self.evolve_from)
        self.inspection.status.connect(self.status)
        self.inspection.elite_inspected.connect(self.elite_inspected)

    # -- the model: see ModelSelection -----------------------------------------------
    @property
    def model_info(self):
        """The chosen model's LoadedModel, once the worker has loaded it."""
        return self.selection.loaded

    @property
    def model_name(self) -> str:
        """Registry name or custom file of the chosen model ("" before any)."""
        return self.selection.key.name if self.selection.key is not None else ""

    @property
    def random_init(self) -> bool:
        return self.selection.key is not None and self.selection.key.random_init

    def load_initial(self, model: str | None = None, encoding: str | None = None,
                     seed: int | None = None, interactive: bool = True) -> None:
        """Fill the model list and load the starting model (settings, else LeNet).

        Args:
            model, encoding, seed: from the command line; settings fill what is None.
            interactive: may ask how to get missing weights; otherwise a model given
                on the command line that cannot load at once is an error.

        Raises:
            FoolingError: ``interactive`` is False and ``model`` cannot be used.
        """
        self.selection.fill()
        self.setup.restore(encoding, seed)
        self.selection.start_up(model, interactive)

    def obtain_weights(self, name: str) -> tuple[bool, bool]:
        """Run the weights dialog: ``(usable, random_init)``."""
        from .weights_dialog import WeightsDialog

        dialog = WeightsDialog(name, self.downloads, self)
        ok = dialog.exec() == WeightsDialog.DialogCode.Accepted
        return ok, ok and dialog.use_random

    def choose_model(self, name: str) -> None:
        """The user picked ``name`` (or "Custom model…") in the list."""
        if self.selection.choose(name):
            self._pending_start = self.worker.running  # switch during a run: run on it

    def _model_loading(self, label: str) -> None:
        self.setup.model_loading()
        self.status.emit(f"Loading {label}…")

    def _model_ready(self, info) -> None:
        self.setup.model_ready(info)
        self.status.emit(f"{info.label} ready: {len(info.class_names)} classes.")
        self.model_ready.emit(info)
        self.model_selected.emit(f"{info.label} · {self.controls.encoding_name()}")
        if self._pending_start:
            self._pending_start = False
            self.start()
        elif self.frame is not None and self.frame.model.key != info.key:
            # The grid keeps the last run to inspect and export; say whose it is.
            self.controls.set_state(self.worker.state, f"The grid still shows the last run, "
                                    f"on {self.frame.model.label}; Start evolves on "
                                    f"{info.label}.")

    def _model_failed(self, _key) -> None:
        self._pending_start = False
        self.controls.set_state(self.worker.state)

    # -- run control ---------------------------------------------------------------
    def _settings_changed(self) -> None:
        if self.worker.running:
            self.start()  # new settings during a run: restart with them

    def config(self) -> RunConfig:
        """The run Start would begin now (see RunSetup)."""
        return self.setup.config(self.selection.key, self.model_info)

    def start(self) -> None:
        if self.model_info is None:
            self._pending_start = True  # starts when the model is ready
            self.controls.set_state(LOADING)
            return
        self.setup.remember()
        config = self.config()
        self.worker.start(config)
        self.status.emit(f"Started: {self.model_info.label} · {config.encoding} · "
                         f"{config.batch} offspring · seed {config.seed}")

    def toggle_pause(self) -> None:
        if self.worker.state == PAUSED:
            self.worker.resume()
        else:
            self.worker.pause()

    def stop(self) -> None:
        self._pending_start = False
        self.worker.stop()

    def reset(self) -> None:
        self._pending_start = False
        self.worker.reset()
        self.frame = None
        self.run_id = -1
        self.grid.reset_cells(np.zeros(0, dtype=np.int64), ())
        self.plot.reset(())
        self.offspring.clear()
        self.inspection.reset()
        self.controls.clear_progress()
        self.previous_run_changed.emit("")  # reset forgets the previous run too

    def evolve_from(self, cell: int) -> None:
        """Start a new run from this cell's elite; a running run is replaced only when
        the user agrees, and stays reachable with :meth:`back_to_previous_run`."""
        if self.frame is None:
            return
        details = self.inspector.details
        name = details.class_name if details is not None and details.cell == cell else "it"
        if self.worker.running:
            snap = self.frame.snapshot
            answer = QMessageBox.question(
                self, "Evolve from this image?",
                f"A new run will start from “{name}”. The current run "
                f"({self.frame.model.label}, generation {max(snap.generation, 0):,}) stops; "
                "Run → Back to the previous run returns to it.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes)
            if answer != QMessageBox.StandardButton.Yes:
                return
        base = self.frame.config
        config = RunConfig.from_dict({**base.to_dict(), "seed": self.controls.seed.value(),
                                      "generations": OPEN_ENDED})
        self.worker.start(config, seed_cell=cell)
        self.status.emit(f"Evolving from {name}; Run → Back to the previous run (Ctrl+B) "
                         "returns to the run it came from.")

    def back_to_previous_run(self) -> None:
        """Swap back to the run that the last new run replaced; it goes on running."""
        if not (self.frame is not None and self.frame.previous_run):
            self.status.emit("There is no previous run to go back to.")
            return
        self._pending_start = False
        self.worker.resume_previous()
        self.status.emit(f"Back to {self.frame.previous_run}.")

    def _state_changed(self, state: str) -> None:
        detail = ""
        if state == RUNNING and self.frame is not None and self.frame.seeded_from:
            detail = f"Evolving from {self.frame.seeded_from}"
        self.controls.set_state(state, detail)
        if (state in (PAUSED, STOPPED) and self.frame is not None
                and self.frame.snapshot.pending_images):
            self.worker.request_frame()  # live frames draw a screenful; now draw the rest
        if state in (STOPPED, FINISHED, IDLE):
            self.status.emit({STOPPED: "Stopped.", FINISHED: "Finished.", IDLE: "Ready."}[state])

    # -- drawing -------------------------------------------------------------------
    def draw(self, frame) -> None:
        """Draw one RunFrame: the only way run data reaches the widgets."""
        snap = frame.snapshot
        new_run = frame.run_id != self.run_id
        if new_run:
            self.run_id = frame.run_id
            self.grid.reset_cells(snap.class_indices, snap.class_names)
            self.plot.reset(snap.class_names)
            if self.grid.filter_edit.text().strip():  # a filter kept across runs
                self.plot.emphasise(self.grid.shown_cells())
            self.offspring.clear()
            if self.worker.state == RUNNING:
                self.controls.set_state(RUNNING, f"Evolving from {frame.seeded_from}"
                                        if frame.seeded_from else "")
        if self.frame is None or frame.previous_run != self.frame.previous_run:
            self.previous_run_changed.emit(frame.previous_run)
        self.frame = frame
        self.grid.update_from(snap)
        self.plot.append(snap.new_stats)
        if self.views.currentWidget() is self.offspring:
            self.offspring.update_from(snap)
        self.controls.show_progress(snap)
        self.inspection.frame_drawn(frame, new_run)
        self.snapshots_drawn += 1
        self.frame_drawn.emit(frame)

    def flush_drawing(self) -> None:
        """Apply throttled redraws now (before a screenshot)."""
        self.grid.flush()
        self.plot.flush()

    def _view_tab_changed(self, _index: int) -> None:
        shown = self.views.currentWidget() is self.offspring
        self.worker.set_offspring_wanted(shown)
        if shown and self.frame is not None:
            if self.frame.snapshot.offspring.shape[0]:
                self.offspring.update_from(self.frame.snapshot)
            else:  # frames came without offspring while they were hidden
                self.worker.request_frame()

    # -- inspector: see Inspection ---------------------------------------------------
    def inspect(self, cell: int) -> None:
        """Open ``cell`` in the inspector (answer arrives as ``elite_details``)."""
        self.inspection.inspect(cell)

    def score_on(self, cell: int, model_name: str) -> None:
        self.inspection.score_on(cell, model_name)

    # -- files: see RunFiles ---------------------------------------------------------
    def save_inspected(self) -> None:
        """File → Save inspected image."""
        self.inspection.save_inspected()

    def save_image(self, cell: int) -> None:
        self.inspection.save_image(cell)

    def save_details_png(self, details, path: str | Path, image: np.ndarray | None = None) -> Path:
        """Write the inspected elite (or its high-resolution rendering) with provenance."""
        return self.files.save_details_png(details, path, image)

    def export_gallery(self) -> None:
        """File → Export gallery: choose a parent folder; a named gallery folder goes in it."""
        self.files.export_gallery(self.frame)

    def gallery_name(self) -> str:
        return gallery_folder_name(self.frame)

    def export_gallery_to(self, out_dir: str | Path, overwrite: bool = False,
                          name_in: bool = False):
        """Export the current run's elites (in the worker thread); see RunFiles."""
        return self.files.export_gallery_to(out_dir, overwrite, name_in)

    # -- what the window's menus ask for ---------------------------------------------
    @property
    def running(self) -> bool:
        """A run is loading, running or paused."""
        return self.worker.running

    def show_elites(self) -> None:
        self.views.setCurrentWidget(self.grid)

    def show_offspring(self) -> None:
        self.views.setCurrentWidget(self.offspring)

    def find_class(self) -> None:
        """Put the cursor in the grid's class filter."""
        self.show_elites()
        self.grid.filter_edit.setFocus()

    def layout_state(self) -> dict[str, object]:
        """The splitters' states, to keep between sessions."""
        return {"evolution_splitter": self.splitter.saveState(),
                "view_splitter": self.view_splitter.saveState()}

    def restore_layout_state(self, states: dict[str, object]) -> None:
        for name, splitter in (("evolution_splitter", self.splitter),
                               ("view_splitter", self.view_splitter)):
            state = states.get(name)
            if state is not None and not state.isEmpty():
                splitter.restoreState(state)

    # -- messages and shutdown -----------------------------------------------------
    def show_error(self, message: str) -> None:
        log.warning("%s", message)
        self.errors.append(message)
        self.banner.show_message(message)
        self.status.emit(message)

    def stats(self) -> dict:
        """Numbers for ``--stats`` and the status bar."""
        return run_stats(self.frame, self.snapshots_drawn)

    def shutdown(self) -> None:
        self.inspection.stop()
        self.setup.remember()
        self.downloads.shutdown(3000)
        self.worker.shutdown(5000)
