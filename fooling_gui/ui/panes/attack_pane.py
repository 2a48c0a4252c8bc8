"""The "Adversarial" pane: an invisible push that changes a real image's label.

Pick a shipped handwritten digit (MNIST models), a shipped photograph (ImageNet
models) or open / drop any image file, choose
FGSM or targeted PGD and drag ε: the attack re-runs in the pane's own worker thread
(latest request wins, after a short debounce) and the original, the amplified change
and the result are drawn side by side with the confidences before and after.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...sessions.attack_session import (
    AttackInput,
    AttackModel,
    AttackProgress,
    AttackRequest,
    AttackSession,
)
from ...sessions.model_cache import ModelKey
from ..job_thread import Job, JobRunner
from ..widgets.class_chooser import ClassChooser
from ..widgets.message_banner import MessageBanner
from ..widgets.pixel_view import PixelView
from ..widgets.probability_bars import ProbabilityBars
from .file_drop import IMAGE_FILES, ImageDropMixin

log = logging.getLogger(__name__)

DEBOUNCE_MS = 120  # slider moves closer together than this become one attack
EPS_STEPS = 255  # the slider moves in whole 8-bit levels: ε = value / 255
DEFAULT_EPS = 51  # 0.20
METHODS = (("FGSM — one step, every pixel ±ε", "fgsm"),
           ("PGD towards a class — many small steps", "pgd"))


def _plain(method):
    return lambda control, *args: method(*args)


class AttackPane(ImageDropMixin, QWidget):
    """FGSM and targeted PGD on one real image, redrawn as ε changes.

    Args:
        settings: for the folder images are opened from (optional).
        session: the worker-side session (tests may pass their own loader).
        seed: seeds the "Random digit" button.

    Signals:
        status(str): a short message for the window's status bar.
    """

    status = Signal(str)

    def __init__(self, settings=None, session: AttackSession | None = None, seed: int = 0,
                 parent=None):
        super().__init__(parent)
        self.settings = settings
        self.session = session or AttackSession()
        self.runner = JobRunner("adversarial", self)
        self.rng = np.random.default_rng(seed)
        self.model: AttackModel | None = None
        self.model_key: ModelKey | None = None
        self.item: AttackInput | None = None
        self.view = None  # the AttackView drawn last
        self.errors: list[str] = []
        self._load_job: Job | None = None
        self._input_job: Job | None = None
        self._attack_job: Job | None = None
        self.attacks_drawn = 0

        self.banner = MessageBanner()
        self.model_label = QLabel("Model: —", objectName="muted")
        self._build_controls()
        self.original = PixelView("Choose a digit or open an image", "original")
        self.change = PixelView("", "the change, stretched")
        self.result = PixelView("", "what the network sees")
        self.bars_before = ProbabilityBars()
        self.bars_after = ProbabilityBars()
        self.before_title = QLabel("Before", objectName="muted")
        self.after_title = QLabel("After", objectName="muted")
        self.caption = QLabel("", objectName="heading")
        self.caption.setWordWrap(True)
        self.legend = QLabel("Middle picture: <span style='color:#4f8fe6'>blue</span> = made "
                             "darker, black = unchanged, <span style='color:#f5a524'>orange"
                             "</span> = made brighter; the full colour range is ±ε.",
                             objectName="muted")
        self.legend.setWordWrap(True)

        pictures = QGridLayout()
        for col, view in enumerate((self.original, self.change, self.result)):
            pictures.addWidget(view, 0, col)
            pictures.setColumnStretch(col, 1)
        bars = QGridLayout()
        bars.addWidget(self.before_title, 0, 0)
        bars.addWidget(self.after_title, 0, 1)
        bars.addWidget(self.bars_before, 1, 0, Qt.AlignmentFlag.AlignTop)
        bars.addWidget(self.bars_after, 1, 1, Qt.AlignmentFlag.AlignTop)
        right = QVBoxLayout()
        right.addLayout(pictures, 3)
        right.addWidget(self.caption)
        right.addWidget(self.legend)
        right.addLayout(bars)
        right.addStretch(0)
        body = QHBoxLayout()
        body.addWidget(self.controls)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        layout.addWidget(self.model_label)
        layout.addLayout(body, 1)
        self.setAcceptDrops(True)

        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_attack)
        self._refresh()

    def _build_controls(self) -> None:
        self.digit = QSpinBox(minimum=0, maximum=9, value=7)
        self.sample = QSpinBox(minimum=0, maximum=99, value=0)
        self.sample.setToolTip("Which of the 100 shipped examples of this digit")
        self.digit_button = QPushButton("Use this digit")
        self.random_button = QPushButton("Random digit")
        from ...core.photos import PHOTOS

        self.photo = QComboBox()
        self.photo.setMinimumContentsLength(12)  # long subjects must not squeeze the label
        self.photo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for shown in PHOTOS:
            self.photo.addItem(shown.subject, shown.key)
            self.photo.setItemData(self.photo.count() - 1, shown.credit,
                                   Qt.ItemDataRole.ToolTipRole)
        self.photo_button = QPushButton("Use this photo")
        self.open_button = QPushButton("Open image…")
        self.open_button.setToolTip("Any image file; it is resized to the model's input. "
                                    "You can also drop a file on this pane.")
        self.source_label = QLabel("No image", objectName="muted")
        self.source_label.setWordWrap(True)
        image_box = QGroupBox("Image")
        form = QFormLayout(image_box)
        row = QHBoxLayout()
        row.addWidget(self.digit)
        row.addWidget(QLabel("sample"))
        row.addWidget(self.sample)
        form.addRow("Digit", row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.digit_button)
        buttons.addWidget(self.random_button)
        form.addRow(buttons)
        form.addRow("Photo", self.photo)
        form.addRow(self.photo_button)
        form.addRow(self.open_button)
        form.addRow(self.source_label)

        self.method = QComboBox()
        for text, key in METHODS:
            self.method.addItem(text, key)
        self.target = ClassChooser()
        self.steps = QSpinBox(minimum=1, maximum=500, value=20)
        self.steps.setToolTip("PGD steps; each moves every pixel a little and stays within ε")
        self.epsilon = QSlider(Qt.Orientation.Horizontal, minimum=1, maximum=EPS_STEPS // 2,
                               value=DEFAULT_EPS)
        self.epsilon.setToolTip("The largest change allowed per pixel")
        self.eps_label = QLabel(objectName="readout")
        self.eps_levels = QLabel(objectName="muted")
        self.attack_button = QPushButton("Attack", objectName="primary")
        self.progress = QProgressBar(textVisible=False, maximumHeight=6)
        self.progress.hide()
        attack_box = QGroupBox("Attack")
        form = QFormLayout(attack_box)
        form.addRow(self.method)
        form.addRow("Target", self.target)
        form.addRow("Steps", self.steps)
        eps_row = QHBoxLayout()
        eps_row.addWidget(self.eps_label)
        eps_row.addWidget(self.eps_levels, 1)
        form.addRow("ε", eps_row)
        form.addRow(self.epsilon)
        form.addRow(self.attack_button)
        form.addRow(self.progress)
        explain = QLabel(
            "The network is trained only on real images. Nudging every pixel a tiny "
            "amount in the direction that helps the wrong answer adds up over hundreds "
            "of pixels — see the “Small pushes add up” pane.", objectName="muted")
        explain.setWordWrap(True)
        self.controls = QWidget()
        self.controls.setFixedWidth(330)
        column = QVBoxLayout(self.controls)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(image_box)
        column.addWidget(attack_box)
        column.addWidget(explain)
        column.addStretch(1)

        self.digit_button.clicked.connect(lambda: self.use_digit(self.digit.value(),
                                                                 self.sample.value()))
        self.random_button.clicked.connect(self.random_digit)
        self.photo_button.clicked.connect(lambda: self.use_photo(self.photo.currentData()))
        self.photo.activated.connect(lambda _i: self.use_photo(self.photo.currentData()))
        self.open_button.clicked.connect(lambda: self.open_image())
        self.attack_button.clicked.connect(self.run_attack)
        self.epsilon.valueChanged.connect(self._epsilon_moved)
        self.method.currentIndexChanged.connect(self._method_changed)
        self.target.currentIndexChanged.connect(lambda _i: self.schedule_attack())
        self._show_epsilon()

    # -- the model -----------------------------------------------------------------
    def set_model(self, key: ModelKey | str) -> None:
        """Use the model ``key`` names (the Evolution pane's choice); loaded from the
        shared cache in the worker when the pane is shown."""
        key = ModelKey.of(key)
        name = key.name
        if key == self.model_key:
            return
        self.model_key = key
        self.model = None
        self.item = None
        self._load_job = None
        self._stop_attack()
        self.model_label.setText(f"Model: {Path(name).name} (not loaded yet)")
        self._refresh()
        if self.isVisible():
            self._load_model()

    def _load_model(self) -> Job | None:
        if self.model_key is None:
            self.model_key = ModelKey("lenet")
        if self.model is not None or self._load_job is not None:
            return self._load_job
        self.model_label.setText(f"Model: loading {self.model_key[0]}…")
        job = self.runner.submit(_plain(self.session.load), self.model_key, name="load model")
        self._load_job = job
        job.returned.connect(lambda model, j=job: self._model_loaded(j, model))
        job.failed.connect(lambda message, j=job: self._model_failed(j, message))
        return job

    def _model_loaded(self, job: Job, model: AttackModel) -> None:
        if job is not self._load_job or model.key != self.model_key:
            return
        self._load_job = None
        self.model = model
        spec = model.spec
        w, h = spec.image_size[1], spec.image_size[0]
        self.model_label.setText(f"Model: <b>{model.label}</b> · {spec.n_classes:,} classes · "
                                 f"{w}×{h} {'grey' if spec.channels == 1 else 'colour'} images")
        self.target.set_classes(spec.class_names)
        self.target.set_class_index(3 if spec.n_classes > 3 else 0)
        self._refresh()
        if model.digits:
            self.use_digit(self.digit.value(), self.sample.value())
        elif model.photos:
            self.use_photo(self.photo.currentData())
        else:
            self.source_label.setText("Open an image file (or drop one here) to attack.")

    def _model_failed(self, job: Job, message: str) -> None:
        if job is self._load_job:
            self._load_job = None
            self.model_label.setText("Model: could not be loaded")
            self.show_error(message)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.model is None:
            self._load_model()

    # -- inputs --------------------------------------------------------------------
    def use_digit(self, digit: int, sample: int = 0) -> Job | None:
        """Attack a shipped handwritten digit."""
        return self._input(self.session.digit, int(digit), int(sample))

    def use_photo(self, key: str) -> Job | None:
        """Attack one of the shipped photographs (``"cat"``, ``"coffee"``, …)."""
        return self._input(self.session.photo, str(key))

    def random_digit(self) -> Job | None:
        digit, sample = int(self.rng.integers(10)), int(self.rng.integers(100))
        self.digit.setValue(digit)
        self.sample.setValue(sample)
        return self.use_digit(digit, sample)

    def open_image(self, path: str | Path | None = None) -> Job | None:
        """Attack an image file (a file dialog when ``path`` is None)."""
        if path is None:
            folder = self.settings.get("export/last_folder") if self.settings else str(Path.home())
            path, _ = QFileDialog.getOpenFileName(self, "Open an image", folder, IMAGE_FILES)
            if not path:
                return None
        return self._input(self.session.file, str(path))

    def _input(self, method, *args) -> Job | None:
        if self.model is None:
            return None
        job = self.runner.submit(_plain(method), self.model.key, *args, name="read image")
        self._input_job = job
        job.returned.connect(lambda item, j=job: self._input_ready(j, item))
        job.failed.connect(lambda message, j=job: j is self._input_job and self.show_error(message))
        return job

    def _input_ready(self, job: Job, item: AttackInput) -> None:
        if job is not self._input_job:
            return
        self.item = item
        self.source_label.setText(f"Attacking: {item.source}")
        self.original.set_image(item.image)
        self.change.set_image(None)
        self.result.set_image(None)
        self._refresh()
        self.run_attack()

    # -- the attack ----------------------------------------------------------------
    @property
    def epsilon_value(self) -> float:
        return self.epsilon.value() / EPS_STEPS

    def request(self) -> AttackRequest:
        method = self.method.currentData()
        target = self.target.class_index() if method == "pgd" else None
        return AttackRequest(method, self.epsilon_value,
                             None if target is None or target < 0 else target, self.steps.value())

    def _show_epsilon(self) -> None:
        self.eps_label.setText(f"{self.epsilon_value:.3f}")
        self.eps_levels.setText(f"= {self.epsilon.value()} of 255 levels")

    def _epsilon_moved(self, _value: int) -> None:
        self._show_epsilon()
        self.schedule_attack()

    def _method_changed(self, _index: int) -> None:
        self._refresh()
        self.schedule_attack()

    def schedule_attack(self) -> None:
        """Re-run the attack shortly (slider drags become one request)."""
        if self.item is not None:
            self._debounce.start()

    def run_attack(self) -> Job | None:
        """Attack the current image now; an attack still running is stopped."""
        self._debounce.stop()
        if self.model is None or self.item is None:
            return None
        self._stop_attack()
        request = self.request()
        job = self.runner.submit(self.session.attack, self.model.key, self.item, request,
                                 name="attack")
        self._attack_job = job
        self.progress.setRange(0, 0)
        self.progress.show()
        job.yielded.connect(lambda p, j=job: j is self._attack_job and self._progress(p))
        job.returned.connect(lambda view, j=job: self._attacked(j, view))
        job.failed.connect(lambda message, j=job: j is self._attack_job and self.show_error(message))
        job.finished.connect(lambda j=job: j is self._attack_job and self.progress.hide())
        return job

    def _progress(self, p: AttackProgress) -> None:
        self.progress.setRange(0, p.total)
        self.progress.setValue(p.done)

    def _attacked(self, job: Job, view) -> None:
        if job is not self._attack_job or self.model is None:
            return  # replaced, or the model changed while it ran
        self.view = view
        self.attacks_drawn += 1
        names = self.model.spec.class_names
        self.original.set_image(view.original)
        self.original.set_caption(f"original: {names[view.label]}")
        self.change.set_image(view.perturbation)
        self.change.set_caption(f"the change (±{view.request.epsilon:.3f}, stretched)")
        self.result.set_image(view.adversarial)
        self.result.set_caption(f"result: {names[view.predicted]}")
        self.bars_before.set_rows(view.before, emphasis=view.label)
        self.bars_after.set_rows(view.after, emphasis=view.predicted)
        self.caption.setText(view.caption)
        colour = "#5cc98a" if view.success else "#f2b84b"
        self.caption.setStyleSheet(f"color: {colour};")
        self.status.emit(view.caption)

    def _stop_attack(self) -> None:
        if self._attack_job is not None and not self._attack_job.is_finished:
            self._attack_job.stop()

    @property
    def busy(self) -> bool:
        return self.runner.busy or self._debounce.isActive()

    def _refresh(self) -> None:
        ready = self.model is not None
        digits = ready and self.model.digits
        for w in (self.digit, self.sample, self.digit_button, self.random_button):
            w.setEnabled(digits)
        photos = ready and self.model.photos
        for w in (self.photo, self.photo_button):
            w.setEnabled(photos)
        self.open_button.setEnabled(ready)
        self.attack_button.setEnabled(ready and self.item is not None)
        pgd = self.method.currentData() == "pgd"
        self.target.setEnabled(pgd)
        self.steps.setEnabled(pgd)

    # -- messages and shutdown -----------------------------------------------------
    def show_error(self, message: str) -> None:
        log.warning("%s", message)
        self.errors.append(message)
        self.banner.show_message(message)
        self.status.emit(message)

    def shutdown(self) -> None:
        """Stop the attack and join the worker thread (the window calls this)."""
        self._debounce.stop()
        self._attack_job = None
        self.runner.shutdown(5000)
