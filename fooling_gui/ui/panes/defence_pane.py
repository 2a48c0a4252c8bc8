"""The "Defences" pane: run the measured defence experiments without blocking the GUI.

Five experiments from :mod:`fooling_gui.core.attacks.experiments` (the same runners as
``fooling-gui experiment …``) run in the pane's own worker thread with a progress bar
and Cancel. Defaults are small so an experiment takes seconds to a minute on a laptop;
every result is labelled with the settings that produced it. They always use LeNet:
the experiments are about MNIST digits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...sessions.attack_session import AttackSession, ExperimentProgress, run_experiment_job
from ...sessions.model_cache import ModelKey
from ..job_thread import Job, JobRunner
from ..widgets.message_banner import MessageBanner
from .defence_views import VIEWS

log = logging.getLogger(__name__)

MODEL_KEY = ModelKey("lenet")  # the experiments need LeNet's architecture


@dataclass(frozen=True)
class Field:
    """One setting of an experiment: keyword, label, range and the GUI's default."""

    key: str
    label: str
    low: float
    high: float
    default: float | bool | str
    tip: str = ""


COMMON = (Field("generations", "Generations", 1, 5000, 50, "per evolution run"),
          Field("batch", "Offspring / generation", 10, 1000, 100),
          Field("seed", "Seed", 0, 10**6, 0))

EXPERIMENTS = {
    "threshold": ("“None of these” threshold",
                  ("Reject any answer below a confidence threshold. How many fooling images "
                   "still pass, and how many real digits are turned away?"),
                  (Field("runs", "Evolution runs", 1, 20, 3),
                   Field("noise", "Noise images", 0, 5000, 200,
                         "also score this many uniform-noise images"))),
    "smoothing": ("Smoothing the input",
                  ("Blur each image before the network sees it: clean accuracy versus the "
                   "fooling images' confidence, for each blur strength."),
                  (Field("runs", "Evolution runs", 1, 20, 3),
                   Field("kind", "Kind", 0, 0, "gaussian"),
                   Field("adaptive_generations", "Evolve against it", 0, 2000, 0,
                         "also evolve this many generations against each smoothed model"))),
    "transfer": ("Transfer between networks",
                 ("Train extra LeNets with other seeds, evolve fooling images against each and "
                  "score every set on every network."),
                 (Field("models", "Extra LeNets", 1, 5, 1),
                  # 3, as on the command line: a 1-epoch LeNet is 76 % accurate and so
                  # unsure of everything that it makes any defence look strong.
                  Field("train_epochs", "Training epochs", 1, 20, 3),
                  Field("random_target", "Also a random LeNet", 0, 1, True))),
    "ensemble": ("Ensembles",
                 ("Evolve against one LeNet and against a committee (mean and min of the "
                  "members' probabilities) with the same budget."),
                 (Field("members", "Members", 2, 6, 2),
                  Field("train_epochs", "Training epochs", 1, 20, 3),
                  Field("mode", "Combine by", 0, 0, "both"))),
    "retrain": ("Retraining with a “fooling” class",
                ("The paper's n+1 experiment: add the fooling images as an 11th class, "
                 "retrain, evolve again."),
                (Field("rounds", "Rounds", 1, 10, 1),
                 Field("epochs", "Training epochs", 1, 20, 1),
                 Field("max_fooling", "New fooling images / round", 10, 5000, 300),
                 Field("collect_above", "Join the class above", 0.5, 0.99999, 0.99))),
}
CHOICES = {"kind": ("gaussian", "median"), "mode": ("both", "mean", "min")}


class SettingsForm(QWidget):
    """Spin boxes (and a few choices) for one experiment's settings."""

    def __init__(self, fields, parent=None):
        super().__init__(parent)
        self.widgets: dict[str, QWidget] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for f in (*COMMON, *fields):
            if f.key in CHOICES:
                w = QComboBox()
                w.addItems(CHOICES[f.key])
                w.setCurrentText(str(f.default))
            elif isinstance(f.default, bool):
                w = QCheckBox()
                w.setChecked(f.default)
            elif isinstance(f.default, float):
                w = QDoubleSpinBox(minimum=f.low, maximum=f.high, decimals=5, singleStep=0.01,
                                   value=f.default)
            else:
                w = QSpinBox(minimum=int(f.low), maximum=int(f.high), value=int(f.default))
            w.setToolTip(f.tip)
            self.widgets[f.key] = w
            form.addRow(f.label, w)

    def values(self) -> dict:
        out = {}
        for key, w in self.widgets.items():
            if isinstance(w, QComboBox):
                out[key] = w.currentText()
            elif isinstance(w, QCheckBox):
                out[key] = w.isChecked()
            else:
                out[key] = w.value()
        return out

    def set_value(self, key: str, value) -> None:
        w = self.widgets[key]
        if isinstance(w, QComboBox):
            w.setCurrentText(str(value))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        else:
            w.setValue(value)


class DefencePane(QWidget):
    """Choose an experiment, run it in the worker thread, read its table and plot.

    Args:
        session: the worker-side session (tests may pass their own loader).

    Signals:
        status(str): a short message for the window's status bar.
    """

    status = Signal(str)

    def __init__(self, session: AttackSession | None = None, parent=None):
        super().__init__(parent)
        self.session = session or AttackSession()
        self.runner = JobRunner("defences", self)
        self.job: Job | None = None
        self.results: dict[str, dict] = {}
        self.errors: list[str] = []

        self.banner = MessageBanner()
        self.list = QListWidget()
        self.list.setMaximumHeight(150)
        self.about = QLabel(objectName="muted")
        self.about.setWordWrap(True)
        self.forms = QStackedWidget()
        self.views = QStackedWidget()
        self.forms_by_name: dict[str, SettingsForm] = {}
        self.views_by_name: dict[str, QWidget] = {}
        for name, (title, _about, fields) in EXPERIMENTS.items():
            self.list.addItem(title)
            form = SettingsForm(fields)
            self.forms.addWidget(form)
            self.forms_by_name[name] = form
            view = VIEWS[name]()
            self.views.addWidget(view)
            self.views_by_name[name] = view
        self.run_button = QPushButton("Run", objectName="primary")
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar(minimum=0, maximum=1000, textVisible=False,
                                     maximumHeight=8)
        self.progress_label = QLabel("", objectName="muted")
        self.progress_label.setWordWrap(True)

        settings_box = QGroupBox("Settings")
        box = QVBoxLayout(settings_box)
        box.addWidget(self.forms)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.run_button)
        left = QVBoxLayout()
        left.addWidget(QLabel("Experiment", objectName="muted"))
        left.addWidget(self.list)
        left.addWidget(self.about)
        left.addWidget(settings_box)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.progress_label)
        left.addStretch(1)
        side = QWidget()
        side.setFixedWidth(340)
        side.setLayout(left)
        body = QHBoxLayout()
        body.addWidget(side)
        body.addWidget(self.views, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        intro = QLabel("Defences help only partly. Each experiment evolves fooling images "
                       "against LeNet on MNIST, then measures one defence. Small settings "
                       "run in seconds; raise them for numbers closer to the paper's.",
                       objectName="muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(body, 1)

        self.list.currentRowChanged.connect(self._chosen)
        self.run_button.clicked.connect(lambda: self.run())
        self.cancel_button.clicked.connect(self.cancel)
        self.list.setCurrentRow(0)
        self._refresh()

    # -- choosing ------------------------------------------------------------------
    @property
    def experiment(self) -> str:
        return list(EXPERIMENTS)[max(self.list.currentRow(), 0)]

    def choose(self, name: str) -> None:
        self.list.setCurrentRow(list(EXPERIMENTS).index(name))

    def form(self, name: str | None = None) -> SettingsForm:
        return self.forms_by_name[name or self.experiment]

    def view(self, name: str | None = None):
        return self.views_by_name[name or self.experiment]

    def _chosen(self, row: int) -> None:
        name = list(EXPERIMENTS)[row]
        self.about.setText(EXPERIMENTS[name][1])
        self.forms.setCurrentIndex(row)
        self.views.setCurrentIndex(row)

    # -- running -------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None and not self.job.is_finished

    def run(self, name: str | None = None, **overrides) -> Job | None:
        """Run the chosen (or named) experiment with the form's settings and
        ``overrides``; one experiment at a time."""
        if self.running:
            return None
        name = name or self.experiment
        if name != self.experiment:
            self.choose(name)
        settings = {**self.form(name).values(), **overrides}
        job = self.runner.submit(run_experiment_job, self.session, MODEL_KEY, name, settings,
                                 name=f"experiment {name}", interval_s=0.1)
        self.job = job
        self.progress.setValue(0)
        self.progress_label.setText(f"Starting {EXPERIMENTS[name][0].lower()}…")
        job.yielded.connect(lambda p, j=job: j is self.job and self._progress(p))
        job.returned.connect(lambda r, j=job, n=name: j is self.job and self._finished(n, r))
        job.failed.connect(lambda message, j=job: j is self.job and self.show_error(message))
        job.stopped.connect(lambda j=job: j is self.job and self.progress_label.setText(
            "Cancelled."))
        job.finished.connect(self._refresh)
        self._refresh()
        return job

    def cancel(self) -> None:
        if self.running:
            self.job.stop()
            self.progress_label.setText("Cancelling…")

    def _progress(self, p: ExperimentProgress) -> None:
        self.progress.setValue(int(1000 * p.fraction))
        text = f"{p.generations:,} of {p.planned:,} generations · {p.message}"
        if p.train_total:
            text = f"training step {p.train_step:,} of {p.train_total:,} · {p.message}"
        self.progress_label.setText(text)

    def _finished(self, name: str, result: dict) -> None:
        self.results[name] = result
        self.view(name).show_result(result)
        self.progress.setValue(1000)
        message = f"{EXPERIMENTS[name][0]}: done in {result['wall_seconds']:.0f} s."
        self.progress_label.setText(message)
        self.status.emit(message)

    def _refresh(self) -> None:
        running = self.running
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.list.setEnabled(not running)
        self.forms.setEnabled(not running)

    # -- messages and shutdown -----------------------------------------------------
    def show_error(self, message: str) -> None:
        log.warning("%s", message)
        self.errors.append(message)
        self.banner.show_message(message)
        self.progress_label.setText("Failed.")
        self.status.emit(message)

    def shutdown(self) -> None:
        """Cancel the experiment and join the worker thread (the window calls this)."""
        self.job = None
        self.runner.shutdown(10000)
