"""What the next evolution run will be: the run controls' settings as a RunConfig.

:class:`RunSetup` reads the controls (encoding, batch, seed, preset, crops, encoding
settings) and the classes picked in the class dialog as
:class:`~fooling_gui.sessions.run_builder.RunChoices`, which add the chosen model's
per-model defaults as they do for the commands and the kiosk, and remembers the
settings between sessions.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..core.evolution import RunConfig, run_defaults
from ..sessions.model_cache import ModelKey
from ..sessions.run_builder import RunChoices
from .widgets.class_picker import ClassPicker

OPEN_ENDED = 10**9  # GUI runs go on until stopped


class RunSetup(QObject):
    """The settings of the next run.

    Args:
        controls: the run controls the settings are read from.
        settings: where encoding, seed and batch are remembered.
        parent: the widget the class dialog opens over.

    Signals:
        changed(): the user edited the settings or the classes (a running run restarts
            with them).
    """

    changed = Signal()

    def __init__(self, controls, settings, parent: QWidget):
        super().__init__(parent)
        self._controls = controls
        self._settings = settings
        self._parent = parent
        self.classes: tuple[int, ...] | None = None  # None: every class
        self._kind: str | None = None  # "mnist" or "imagenet" of the last model
        self._batch_chosen = False  # the offspring count came from the user's settings
        controls.settings_edited.connect(self._edited)

    def restore(self, encoding: str | None = None, seed: int | None = None) -> None:
        """Show the remembered settings (``encoding``, ``seed``: from the command line)."""
        s = self._settings
        self._controls.set_encoding(encoding or s.get("run/encoding"))
        self._controls.set_seed(s.get("run/seed") if seed is None else seed)
        self._controls.set_batch(s.get("run/batch"))
        # Nothing remembered: the first model's own default (400 for ImageNet CPPNs).
        self._batch_chosen = s.stored("run/batch")

    def model_loading(self) -> None:
        self.classes = None  # another model's classes

    def model_ready(self, info) -> None:
        """A model (LoadedModel) was chosen: its classes, and its batch when the kind of
        model changed (ImageNet's default differs from MNIST's) or, for the first model,
        when the settings remember none."""
        kind = "mnist" if info.channels == 1 else "imagenet"
        if kind != self._kind and (self._kind is not None or not self._batch_chosen):
            encoding = self._controls.encoding_name()
            self._controls.set_batch(run_defaults(info, encoding, False, info.device)[0])
        self._kind = kind
        self._controls.set_classes_text(None, len(info.class_names))

    def choose_classes(self, info) -> None:
        """The class dialog for the model ``info`` describes."""
        if info is None:
            return
        picker = ClassPicker(info.class_names, self.classes, self._parent)
        if picker.exec() == ClassPicker.DialogCode.Accepted:
            self.classes = picker.selection()
            total = len(info.class_names)
            self._controls.set_classes_text(
                None if self.classes is None else len(self.classes), total)
            self.changed.emit()

    def config(self, key, info) -> RunConfig:
        """The next run on the model ``key`` names (``info``: its LoadedModel, or None
        while it loads)."""
        c = self._controls
        preset, ten_crop, params = c.run_settings()
        choices = RunChoices(key or ModelKey(""), c.encoding_name(), generations=OPEN_ENDED,
                             seed=c.seed.value(), batch=c.batch.value(), classes=self.classes,
                             device=info.device if info is not None else "cpu",
                             preset=preset, ten_crop=ten_crop, encoding_params=params)
        return choices.config(info)

    def remember(self) -> None:
        s = self._settings
        s.set("run/encoding", self._controls.encoding_name())
        s.set("run/seed", self._controls.seed.value())
        s.set("run/batch", self._controls.batch.value())

    def _edited(self) -> None:
        self.remember()
        self.changed.emit()
