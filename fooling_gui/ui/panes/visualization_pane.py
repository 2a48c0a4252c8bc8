"""The "Feature visualisation" pane: what a network looks for, shown live.

Three tabs (see :mod:`.vis_tabs`): gradient ascent towards a class, single units and
channel grids of any layer, and the activation maps and saliency of any image. The pane
owns its own :class:`~fooling_gui.ui.job_thread.JobRunner`, so visualisations run in a
worker thread of their own while evolution runs in another. All model work happens in
:class:`~fooling_gui.sessions.vis_session.VisSession` jobs; the pane only turns clicks
into jobs and draws the frozen results (latest value only, throttled by the runner).

The model follows the Evolution pane's choice (:meth:`VisualizationPane.set_model`) and
is loaded here, in the worker thread, the first time the pane is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from ...core.errors import FoolingError
from ...core.formatting import format_confidence
from ...sessions.model_cache import ModelKey
from ...sessions.vis_session import REPORT_EVERY, ImageAnalysis, VisFrame, VisModel, VisSession
from ..job_thread import Job, JobRunner
from ..widgets.message_banner import MessageBanner
from .file_drop import IMAGE_FILES, ImageDropMixin
from .vis_run import VisRun
from .vis_tabs import ClassTab, MapsTab, UnitTab

log = logging.getLogger(__name__)

# Runs send the GUI at most this many pictures a second each: smooth enough to watch, and
# the curve and grid repaints leave the GUI thread mostly idle (see the latency probe).
FRAMES_PER_SECOND = 15


def _running(run: VisRun | None) -> bool:
    return run is not None and run.running


def _plain(method: Callable) -> Callable:
    """A session method that takes no JobControl, as a job function."""
    return lambda control, *args: method(*args)


class VisualizationPane(ImageDropMixin, QWidget):
    """Class and unit visualisation, activation maps and saliency.

    Args:
        settings: for the folder PNGs are saved to (optional).
        session: the worker-side session (tests may pass one with their own loader).

    Signals:
        status(str): a short message for the window's status bar.
    """

    status = Signal(str)

    def __init__(self, settings=None, session: VisSession | None = None, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.session = session or VisSession()  # used only inside jobs
        self.runner = JobRunner("visualisation", self)
        self.model: VisModel | None = None
        self.model_key: ModelKey | None = None
        self.errors: list[str] = []
        self._load_job: Job | None = None
        self._class: VisRun | None = None
        self._unit: VisRun | None = None
        self._grid: VisRun | None = None
        self._analysis_job: Job | None = None
        self._elite: tuple[np.ndarray, str] | None = None  # the inspected elite, described

        self.banner = MessageBanner()
        self.model_label = QLabel("Model: —", objectName="muted")
        self.class_tab = ClassTab()
        self.unit_tab = UnitTab()
        self.maps_tab = MapsTab()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.class_tab, "Class")
        self.tabs.addTab(self.unit_tab, "Units")
        self.tabs.addTab(self.maps_tab, "Inside an image")
        top = QHBoxLayout()
        top.addWidget(self.model_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.setAcceptDrops(True)

        c, u, m = self.class_tab, self.unit_tab, self.maps_tab
        c.start_button.clicked.connect(self.start_class)
        c.stop_button.clicked.connect(lambda: self._stop(self._class))
        c.save_button.clicked.connect(lambda: self.save_class())
        u.start_button.clicked.connect(self.start_unit)
        u.stop_button.clicked.connect(lambda: self._stop(self._unit))
        u.save_button.clicked.connect(lambda: self.save_unit())
        u.grid_button.clicked.connect(self.start_grid)
        u.grid_stop_button.clicked.connect(lambda: self._stop(self._grid))
        m.open_button.clicked.connect(lambda: self.open_image())
        m.elite_button.clicked.connect(self.use_elite)
        m.digit_button.clicked.connect(lambda: self.show_digit(m.digit.value()))
        self._refresh_buttons()

    # -- the model -----------------------------------------------------------------
    def set_model(self, key: ModelKey | str) -> None:
        """Use the model ``key`` names (a registry name or model file, and random weights
        or not: the Evolution pane's choice); loaded from the shared cache in the worker
        when the pane is shown. Runs on the previous model stop."""
        key = ModelKey.of(key)
        name = key.name
        if key == self.model_key:
            return
        self.model_key = key
        self.model = None
        self._load_job = None  # an answer for the previous model is ignored
        for run in (self._class, self._unit, self._grid):
            self._stop(run)
        self._refresh_buttons()
        self.model_label.setText(f"Model: {Path(name).name if '/' in name else name} (not loaded "
                                 "yet)")
        if self.isVisible():
            self._load_model()

    def _load_model(self) -> Job | None:
        """Load the chosen model (LeNet when none was chosen) in the worker thread."""
        if self.model_key is None:
            self.model_key = ModelKey("lenet")
        if self.model is not None or self._load_job is not None:
            return self._load_job
        key = self.model_key
        self.model_label.setText(f"Model: loading {key[0]}…")
        job = self.runner.submit(_plain(self.session.load), key, name="load model")
        self._load_job = job
        job.returned.connect(lambda model, j=job: self._model_loaded(j, model))
        job.failed.connect(lambda message, j=job: self._model_failed(j, message))
        return job

    def _model_loaded(self, job: Job, model: VisModel) -> None:
        if job is not self._load_job or model.key != self.model_key:
            return
        self._load_job = None
        self.model = model
        spec = model.spec
        h, w = spec.image_size
        colour = "grey" if spec.channels == 1 else "colour"
        about = f" — {spec.description}" if spec.description else ""
        self.model_label.setText(f"Model: <b>{model.label}</b>{about} · {spec.n_classes:,} "
                                 f"classes · {w}×{h} {colour} images")
        self.model_label.setToolTip("The model chosen in the Evolution pane")
        self.class_tab.class_box.set_classes(spec.class_names)
        self.unit_tab.set_layers(model.unit_layers)
        # A grid step optimises every channel at once: keep it short on large images.
        ih, iw = spec.input_size
        self.unit_tab.grid_count.setValue(16 if ih * iw <= 64 * 64 else 8)
        self._refresh_buttons()
        self.status.emit(f"Feature visualisation: {model.label} ready.")

    def _model_failed(self, job: Job, message: str) -> None:
        if job is not self._load_job:
            return
        self._load_job = None
        self.model_label.setText("Model: could not be loaded")
        self.show_error(message)

    def _refresh_buttons(self) -> None:
        """Enable what can be done now: nothing needs a model more than these buttons."""
        ready = self.model is not None
        self.class_tab.set_running(_running(self._class), ready)
        self.unit_tab.set_running(_running(self._unit), ready)
        self.unit_tab.set_grid_running(_running(self._grid), ready)
        m = self.maps_tab
        for button in (m.open_button, m.digit_button):
            button.setEnabled(ready)
        self.elite_changed()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.model is None:
            self._load_model()

    # -- class visualisation -------------------------------------------------------
    def start_class(self) -> Job | None:
        """Start (or restart) gradient ascent towards the chosen class."""
        if self.model is None:
            return None
        tab = self.class_tab
        index = tab.class_box.class_index()
        if index < 0:
            self.show_error("Choose a class from the list (type part of its name).")
            return None
        config = tab.form.config(every=REPORT_EVERY)
        seed = tab.form.seed.value()
        self._stop(self._class)
        job = self.runner.submit(self.session.class_run, self.model.key, index, config, seed,
                                 name="class visualisation",
                                 interval_s=1.0 / FRAMES_PER_SECOND)
        run = VisRun(job, self.model.spec, config, seed, tab.form.preset_name(), class_index=index)
        self._class = run
        tab.begin(tab.class_box.class_name(index), config.steps)
        tab.save_button.setEnabled(False)
        tab.set_running(True)
        self._connect_run(run, tab.show_step, tab.save_button)
        return job

    def save_class(self, path: str | Path | None = None) -> Path | None:
        """Save the class image with its provenance (a file dialog when ``path`` is None)."""
        run = self._saveable(self._class)
        if run is None:
            return None
        return self._save(run, path)

    # -- unit visualisation --------------------------------------------------------
    def start_unit(self) -> Job | None:
        """Start (or restart) the image that excites the chosen channel most."""
        if self.model is None or self.unit_tab.layer() is None:
            return None
        tab = self.unit_tab
        layer, channel = tab.layer().name, tab.channel.value()
        centre = tab.centre_neuron.isChecked()
        config = tab.form.config(every=REPORT_EVERY)
        seed = tab.form.seed.value()
        self._stop(self._unit)
        job = self.runner.submit(self.session.unit_run, self.model.key, layer, channel, config,
                                 seed, centre, name="unit visualisation",
                                 interval_s=1.0 / FRAMES_PER_SECOND)
        run = VisRun(job, self.model.spec, config, seed, tab.form.preset_name(), layer=layer,
                     channel=channel, centre_neuron=centre)
        self._unit = run
        tab.begin(f"{layer} {'unit' if not tab.layer().spatial else 'channel'} {channel}"
                  + (" (centre)" if centre else ""), config.steps)
        tab.save_button.setEnabled(False)
        tab.set_running(True)
        self._connect_run(run, tab.show_step, tab.save_button)
        return job

    def save_unit(self, path: str | Path | None = None) -> Path | None:
        """Save the unit image with its provenance (a file dialog when ``path`` is None)."""
        run = self._saveable(self._unit)
        if run is None:
            return None
        return self._save(run, path)

    def start_grid(self) -> Job | None:
        """Optimise the first N channels of the chosen layer together, shown as a grid."""
        if self.model is None or self.unit_tab.layer() is None:
            return None
        tab = self.unit_tab
        info = tab.layer()
        n = min(tab.grid_count.value(), info.channels)
        config = tab.form.config(every=REPORT_EVERY)
        seed = tab.form.seed.value()
        self._stop(self._grid)
        job = self.runner.submit(self.session.unit_run, self.model.key, info.name,
                                 list(range(n)), config, seed, name="channel grid",
                                 interval_s=1.0 / FRAMES_PER_SECOND)
        run = VisRun(job, self.model.spec, config, seed, tab.form.preset_name(), layer=info.name)
        self._grid = run
        tab.grid.clear()
        tab.grid_label.setText(f"Starting {n} channels of {info.name}…")
        tab.set_grid_running(True)
        self._connect_run(run, lambda frame: tab.show_grid(info.name, 0, frame), None)
        return job

    # -- runs in common ------------------------------------------------------------
    def _connect_run(self, run: VisRun, draw: Callable[[VisFrame], None], save_button) -> None:
        job = run.job

        def step(frame: VisFrame) -> None:
            run.start, run.last = frame.start, frame.state
            draw(frame)
            if save_button is not None:
                save_button.setEnabled(True)

        def finished() -> None:
            if self._current(run):
                self._refresh_buttons()
                if job.control.stop_requested and run.last is not None:
                    self.status.emit(f"Stopped at step {run.last.step:,}.")

        job.yielded.connect(lambda frame: self._current(run) and step(frame))
        job.failed.connect(lambda message: self._current(run) and self.show_error(message))
        job.finished.connect(finished)

    def _current(self, run: VisRun) -> bool:
        return run is self._class or run is self._unit or run is self._grid

    def _saveable(self, run: VisRun | None) -> VisRun | None:
        if run is None or run.start is None:
            self.show_error("There is no image to save yet; press Start first.")
            return None
        return run

    def _stop(self, run: VisRun | None) -> None:
        if run is not None and not run.job.is_finished:
            run.job.stop()

    @property
    def running(self) -> bool:
        """Any visualisation run still going."""
        return any(_running(r) for r in (self._class, self._unit, self._grid))

    def _save(self, run: VisRun, path: str | Path | None) -> Path | None:
        if path is None:
            folder = Path(self.settings.get("export/last_folder")) if self.settings else Path.home()
            path, _ = QFileDialog.getSaveFileName(self, "Save visualisation",
                                                  str(folder / f"{run.file_stem()}.png"),
                                                  "PNG image (*.png)")
            if not path:
                return None
        try:
            path = run.save(path)
        except FoolingError as exc:
            self.show_error(str(exc))
            return None
        if self.settings is not None:
            self.settings.set("export/last_folder", str(path.parent))
        self.status.emit(f"Saved {path}")
        return path

    # -- inside an image -----------------------------------------------------------
    def show_digit(self, digit: int, index: int = 0) -> Job | None:
        """Analyse a real handwritten digit from the shipped MNIST sample."""
        return self._analyse(self.session.analyse_digit, int(digit), int(index))

    def open_image(self, path: str | Path | None = None) -> Job | None:
        """Analyse an image file (a file dialog when ``path`` is None)."""
        if path is None:
            folder = self.settings.get("export/last_folder") if self.settings else str(Path.home())
            path, _ = QFileDialog.getOpenFileName(self, "Open an image", folder, IMAGE_FILES)
            if not path:
                return None
        return self._analyse(self.session.analyse_file, str(path))

    def analyse_image(self, image: np.ndarray, source: str) -> Job | None:
        """Analyse an ``(H, W, C)`` uint8 image (a copy is sent to the worker)."""
        return self._analyse(self.session.analyse, np.array(image, dtype=np.uint8), source)

    def set_inspected_elite(self, details) -> None:
        """The elite the Evolution pane's inspector shows (EliteDetails), or None; the
        "Elite in the inspector" button analyses it."""
        if details is None:
            self._elite = None
        else:
            caption = (f"Elite for “{details.class_name}”: "
                       f"{format_confidence(details.confidence)} on {details.model_label}, "
                       f"generation {details.generation}")
            self._elite = (details.image, caption)
        self.elite_changed()

    def elite_changed(self) -> None:
        """Enable the elite button when there is a model and an inspected elite."""
        self.maps_tab.elite_button.setEnabled(self.model is not None and self._elite is not None)

    def use_elite(self) -> Job | None:
        picked = self._elite
        if picked is None:
            self.show_error("Click an image in the Evolution pane's grid first.")
            return None
        image, source = picked
        return self.analyse_image(image, source)

    def _analyse(self, method: Callable, *args) -> Job | None:
        if self.model is None:
            return None
        smooth = self.maps_tab.smooth.isChecked()
        job = self.runner.submit(_plain(method), self.model.key, *args, smooth,
                                 name="analyse image")
        self._analysis_job = job
        self.tabs.setCurrentWidget(self.maps_tab)
        self.maps_tab.source_label.setText("Analysing…")
        job.returned.connect(lambda a, j=job: self._analysed(j, a))
        job.failed.connect(lambda message, j=job: self._analysis_failed(j, message))
        return job

    def _analysed(self, job: Job, analysis: ImageAnalysis) -> None:
        if job is not self._analysis_job:
            return
        self.maps_tab.show_analysis(analysis)
        top = analysis.top[0]
        self.status.emit(f"{analysis.source}: {top[1]} at {format_confidence(top[2])}.")

    def _analysis_failed(self, job: Job, message: str) -> None:
        if job is self._analysis_job:
            self.maps_tab.source_label.setText("No image")
        self.show_error(message)

    # -- messages and shutdown -----------------------------------------------------
    def show_error(self, message: str) -> None:
        log.warning("%s", message)
        self.errors.append(message)
        self.banner.show_message(message)
        self.status.emit(message)

    def shutdown(self) -> None:
        """Stop every visualisation and join the worker thread (the window calls this)."""
        self._class = self._unit = self._grid = None
        self.runner.shutdown(5000)
