"""The one path of a model choice: from the model list to every tab.

The user picks a model in the Evolution tab's list (or it comes from the command line
or the settings). :class:`ModelSelection` makes that choice usable — a custom model's
file, or weights that are missing (downloaded, located, or random) — turns it into a
:class:`~fooling_gui.sessions.model_cache.ModelKey`, asks the evolution worker to load
it into the shared model cache, and announces the loaded model once with
:attr:`ModelSelection.chosen`. Every tab follows that one signal; the key in its
payload is what the other tabs load from the same cache (no second copy). A model that
fails to load falls back to LeNet, which always works.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ..core.errors import FoolingError
from ..sessions.model_cache import ModelKey
from .model_catalogue import ModelEntry, custom_label, model_entries
from .widgets.run_controls import CUSTOM

FALLBACK = "lenet"


class ModelSelection(QObject):
    """The chosen model: its key, and its :class:`LoadedModel` once the worker has it.

    Args:
        worker: the evolution worker; it loads the model into the shared cache.
        controls: the run controls, whose list shows the choice.
        inspector: the inspector, whose "score on" list offers the same models.
        settings: remembers the last model that loaded.
        ask_weights: ``ask_weights(name) -> (usable, random_init)``: the weights dialog.
        parent: the widget dialogs open over.

    Signals:
        chosen(LoadedModel): the chosen model is loaded; every tab follows it.
        loading(str): the label of the model now loading.
        failed(str): a choice could not be used (one sentence).
        load_failed(ModelKey): the chosen model did not load; LeNet is chosen instead.
    """

    chosen = Signal(object)
    loading = Signal(str)
    failed = Signal(str)
    load_failed = Signal(object)

    def __init__(self, worker, controls, inspector, settings,
                 ask_weights: Callable[[str], tuple[bool, bool]], parent: QWidget):
        super().__init__(parent)
        self._worker = worker
        self._controls = controls
        self._inspector = inspector
        self._settings = settings
        self._ask_weights = ask_weights
        self._parent = parent
        self.entries: list[ModelEntry] = []
        self.key: ModelKey | None = None  # the choice, once made
        self.loaded = None  # its LoadedModel, once the worker has loaded it

    # -- the list ------------------------------------------------------------------
    def fill(self) -> None:
        """Read the models on offer and fill both lists."""
        self.entries = model_entries()
        self._controls.set_models([(e.name, e.label, e.description) for e in self.entries])
        self._inspector.set_models([(e.name, e.label) for e in self.entries])
        for e in self.entries:
            self._controls.model.set_short_label(e.name, e.short_label())
            self._inspector.score_model.set_short_label(e.name, e.short_label())

    def entry(self, name: str) -> ModelEntry | None:
        return next((e for e in self.entries if e.name == name), None)

    def _refill(self) -> None:
        """After weights arrived: the lists again, still showing the current choice."""
        current = self._controls.model_name()
        self.fill()
        if current and current != CUSTOM:
            self._controls.select_model(current)
            self._show_random_weights(current, self.key is not None and self.key.name == current
                                      and self.key.random_init)

    def _show_random_weights(self, name: str, random_init: bool) -> None:
        entry = self.entry(name)
        if entry is not None:
            self._controls.model.set_short_label(name, entry.short_label(random_init))

    # -- choosing ------------------------------------------------------------------
    def start_up(self, model: str | None, interactive: bool) -> None:
        """The starting model: ``model`` (command line), else the remembered one, else
        LeNet. Never opens on a dialog for a remembered model.

        Raises:
            FoolingError: not ``interactive`` and ``model`` cannot be used.
        """
        if model is not None:
            entry = self.entry(model.lower())
            model = entry.name if entry is not None else model
            if not interactive:
                if entry is None and not Path(model).exists():
                    raise FoolingError(f"There is no model called {model!r}; see "
                                       "`fooling-gui models`.")
                if entry is not None and entry.weights_missing:
                    raise FoolingError(f"The {model} weights are not on this computer; open the "
                                       "window without --run-for to download or locate them.")
            if self.select(model, ask=interactive):
                return
        remembered = self._settings.get("run/model")
        entry = self.entry(remembered)
        usable = (not entry.weights_missing) if entry is not None else Path(remembered).exists()
        if not (usable and self.select(remembered, ask=False)):
            self.select(FALLBACK, ask=False)

    def choose(self, name: str) -> bool:
        """The user picked ``name`` in the list (or ``CUSTOM``). False when abandoned;
        the list then shows the current model again."""
        if name == CUSTOM:
            path, _ = QFileDialog.getOpenFileName(
                self._parent, "Open a custom model", str(Path.home()),
                "torch.export program or state_dict (*.pt2 *.pt *.pth);;All files (*)")
            name = path
        if not name or not self.select(name):
            self._controls.select_model(self.key.name if self.key else FALLBACK)
            return False
        return True

    def select(self, name: str, ask: bool = True) -> bool:
        """Make ``name`` the model, asking for missing weights when ``ask``. False when
        abandoned (no weights, no such model)."""
        key = self.usable_key(name, ask)
        if key is None:
            return False
        entry = self.entry(name)
        label = entry.label if entry is not None else custom_label(name)
        if self._controls.model_name() != name:  # chosen elsewhere: start-up, fallback
            self._controls.select_model(name, label)
        self._show_random_weights(name, key.random_init)
        self.key, self.loaded = key, None
        self.loading.emit(label)
        job = self._worker.load_model(key)
        job.returned.connect(self._ready)
        job.failed.connect(lambda _message, k=key: self._load_failed(k))
        return True

    def usable_key(self, name: str, ask: bool = True) -> ModelKey | None:
        """``name`` as a key whose weights are here (asking for them when ``ask``), or
        None when the user gave up or there is no such model."""
        entry = self.entry(name)
        random_init = False
        if entry is not None and entry.weights_missing:
            if not ask:
                return None
            ok, random_init = self._ask_weights(name)
            if not ok:
                return None
            self._refill()
        if entry is None and not Path(name).exists():
            self.failed.emit(f"There is no model called {name!r}.")
            return None
        return ModelKey(name, random_init)

    def _ready(self, loaded) -> None:
        if loaded.key != self.key:
            return  # an answer for a model the user has since moved away from
        self.loaded = loaded
        self._settings.set("run/model", loaded.key.name)
        self.chosen.emit(loaded)

    def _load_failed(self, key: ModelKey) -> None:
        if key == self.key and key.name != FALLBACK:
            self.load_failed.emit(key)
            self.select(FALLBACK, ask=False)  # the model that always works
