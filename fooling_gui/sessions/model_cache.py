"""One copy of each model in memory, shared by every worker thread that uses it.

The window's Evolution, Feature visualisation, Adversarial and Defences tabs (and the
kiosk) each have their own worker thread; they all ask one :class:`ModelCache` for
their classifiers, so a model the user chose is loaded once, by whichever thread asks
first, and the others wait for that load instead of loading a second copy. The
commands get their models from a cache of their own, the same way (see
:func:`fooling_gui.cli.common.command_models`).

Keeping a model: every user (a tab's session, a run) says which model it holds with
:meth:`ModelCache.use`; a model is kept while any user holds it, and of the models
nobody holds, the most recently released ``spare`` are kept too (switching back to the
previous model is instant), the rest are dropped. The module itself is shared: users
only run forward and backward passes through it (parameters never require gradients),
and the activation hooks of feature visualisation act only in the thread that set them
(see :func:`fooling_gui.core.vis.layers.capture_activations`).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

#: Unused models kept by default: the one chosen before the current one.
DEFAULT_SPARE = 1


class ModelKey(NamedTuple):
    """What the user chose: a registry name or model file, and random weights or not.

    A plain tuple underneath, so ``ModelKey("lenet", False) == ("lenet", False)``.
    """

    name: str
    random_init: bool = False

    @classmethod
    def of(cls, key: ModelKey | tuple | str) -> ModelKey:
        """A key from a key, a ``(name, random_init)`` pair or a bare name."""
        if isinstance(key, str):
            return cls(key, False)
        name, random_init = key
        return cls(str(name), bool(random_init))


class _Entry:
    """One model's slot: its load lock, the classifier once loaded, its crop views."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # held while the model loads
        self.classifier: Any = None
        self.views: dict[bool, Any] = {}  # ten_crop → the same network, another view


class ModelCache:
    """Loaded classifiers by :class:`ModelKey`; thread-safe.

    Args:
        load: ``load(name, random_init) -> Classifier``; the model registry by default.
        device: torch device for the models.
        spare: models nobody holds that are still kept, most recently released first.
        allow_download: the registry's downloads of missing ImageNet weights: False
            (the window's: it fetches weights in a dialog before a model is chosen);
            None (the commands'): download unless ``FOOLING_GUI_OFFLINE`` is set.
    """

    def __init__(self, load: Callable[[str, bool], Any] | None = None, device: str = "cpu",
                 spare: int = DEFAULT_SPARE, allow_download: bool | None = False):
        self.device = device
        self.spare = spare
        self.allow_download = allow_download
        self.loads = 0  # models actually loaded (not found in the cache)
        self._load = load or self._load_from_registry
        self._lock = threading.Lock()  # guards the dictionaries below, never held to load
        self._entries: dict[ModelKey, _Entry] = {}
        self._holders: dict[Hashable, ModelKey] = {}
        self._unused: OrderedDict[ModelKey, None] = OrderedDict()  # oldest first

    def _load_from_registry(self, name: str, random_init: bool):
        from ..core.models import load_model

        return load_model(name, device=self.device, random_init=random_init,
                          allow_download=self.allow_download)

    # -- getting models ------------------------------------------------------------
    def get(self, key: ModelKey | tuple | str):
        """The classifier for ``key``, loaded on first use (by one thread; others wait).

        A model got without :meth:`use` counts as unused: it stays only as a spare.

        Raises:
            FoolingError: the model cannot be loaded (nothing is cached then).
        """
        key = ModelKey.of(key)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry()
                if key not in self._holders.values():
                    self._unused[key] = None
        with entry.lock:
            if entry.classifier is None:
                try:
                    classifier = self._load(key.name, key.random_init)
                except BaseException:
                    with self._lock:
                        if self._entries.get(key) is entry:
                            del self._entries[key]
                            self._unused.pop(key, None)
                    raise
                entry.classifier = classifier
                with self._lock:
                    self.loads += 1
                    self._evict()
            return entry.classifier

    def use(self, holder: Hashable, key: ModelKey | tuple | str):
        """``holder`` (a tab, a run) now holds ``key``'s model; returns it. The model it
        held before is released (and dropped unless it is kept as a spare)."""
        key = ModelKey.of(key)
        with self._lock:
            previous = self._holders.get(holder)
            self._holders[holder] = key
            self._unused.pop(key, None)
            if previous is not None and previous != key:
                self._released(previous)
        return self.get(key)

    def release(self, holder: Hashable) -> None:
        """``holder`` no longer needs its model."""
        with self._lock:
            previous = self._holders.pop(holder, None)
            if previous is not None:
                self._released(previous)

    def view(self, key: ModelKey | tuple | str, ten_crop: bool):
        """The model scoring ten crops or the centre crop: the same network (no second
        copy), another :class:`~fooling_gui.core.models.ModelSpec`. Models whose images
        are their input size have no crops; they come back as they are."""
        key = ModelKey.of(key)
        base = self.get(key)
        spec = base.spec
        want = bool(ten_crop) and tuple(spec.image_size) != tuple(spec.input_size)
        if bool(getattr(spec, "ten_crop", False)) == want or not hasattr(base, "module"):
            return base
        with self._lock:
            entry = self._entries.get(key)
            found = entry.views.get(want) if entry is not None else None
        if found is not None:
            return found
        from ..core.models import Classifier

        made = Classifier(base.module, dataclasses.replace(spec, ten_crop=want), base.device)
        with self._lock:
            if entry is not None:
                made = entry.views.setdefault(want, made)
        return made

    def forget(self, name: str) -> None:
        """Drop every cached model called ``name`` (its weights file changed)."""
        with self._lock:
            for key in [k for k in self._entries if k.name == name]:
                del self._entries[key]
                self._unused.pop(key, None)

    def cached(self) -> list[ModelKey]:
        """The keys of the models in memory now."""
        with self._lock:
            return [k for k, e in self._entries.items() if e.classifier is not None]

    # -- eviction (call with self._lock held) --------------------------------------
    def _released(self, key: ModelKey) -> None:
        if key in self._holders.values():
            return
        self._unused.pop(key, None)
        self._unused[key] = None  # the most recently released
        self._evict()

    def _evict(self) -> None:
        excess = len(self._unused) - self.spare
        for key in list(self._unused):  # oldest first
            if excess <= 0:
                return
            entry = self._entries.get(key)
            if entry is not None and entry.classifier is None:
                continue  # still loading: its loader evicts again when done
            self._entries.pop(key, None)
            del self._unused[key]
            excess -= 1


class TabSession:
    """A tab's session: one model at a time, taken from the cache shared with the
    window's other tabs (or a command's cache).

    Args:
        load: ``load(name, random_init) -> Classifier`` for a cache of this session's
            own (tests); ignored when ``models`` is given.
        device: torch device.
        models: the model cache shared with the window's other tabs.
        ten_crop: ImageNet-sized models score ten crops (``--ten-crop``), not the centre
            crop (the window's tabs).
    """

    def __init__(self, load: Callable[[str, bool], Any] | None = None, device: str = "cpu",
                 models: ModelCache | None = None, ten_crop: bool = False):
        self.device = device
        self.models = models or ModelCache(load, device)
        self.ten_crop = bool(ten_crop)

    def classifier(self, key: ModelKey):
        """The model for ``key``, held for this tab until it uses another; scoring ten
        crops or the centre as this session does (the same network either way)."""
        base = self.models.use((id(self), "model"), key)
        return self.models.view(key, self.ten_crop) if self.ten_crop else base
