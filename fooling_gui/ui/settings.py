"""Persistent settings: one table of defaults, read and written through QSettings.

As in MNELAB, every key and its default live in :data:`DEFAULTS`; the storage file
can be chosen (``--settings FILE``, ``$FOOLING_GUI_SETTINGS``; tests pass a path in
``tmp_path``), otherwise Qt's per-user location is used
(``$XDG_CONFIG_HOME/fooling-gui/fooling-gui.ini`` on Linux). Values are converted back to the type of their default when read, because
QSettings' INI backend returns strings.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QLockFile, QSettings

from ..core.errors import FoolingError

ORGANISATION = "fooling-gui"
APPLICATION = "fooling-gui"

DEFAULTS: dict[str, Any] = {
    "window/geometry": QByteArray(),
    "window/state": QByteArray(),
    "window/evolution_splitter": QByteArray(),
    "window/view_splitter": QByteArray(),
    "run/model": "lenet",
    "run/encoding": "cppn",
    "run/seed": 0,
    "run/batch": 200,
    "export/last_folder": str(Path.home()),
    "inspector/render_size": 1024,
}


class Settings:
    """Typed access to :data:`DEFAULTS` stored in QSettings.

    Args:
        path: an INI file to use instead of the user's settings (``--settings``, tests).

    Raises:
        FoolingError: ``path`` is a folder, or its folder does not exist.
    """

    def __init__(self, path: str | Path | None = None):
        self._scratch: tempfile.TemporaryDirectory | None = None
        self._lock: QLockFile | None = None
        # Values set while another window owns the file: kept here, never written.
        self._unsaved: dict[str, Any] | None = None
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                 ORGANISATION, APPLICATION)
        else:
            path = Path(path).expanduser()
            if path.is_dir():
                raise FoolingError(f"The settings file {path} is a folder; name a file.")
            if not path.parent.is_dir():
                raise FoolingError(f"Cannot keep settings in {path}: the folder "
                                   f"{path.parent} does not exist.")
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @classmethod
    def temporary(cls) -> Settings:
        """Defaults in a scratch file that goes with the object: for timed runs
        (``--run-for``), which must neither depend on nor change the user's settings."""
        scratch = tempfile.TemporaryDirectory(prefix="fooling-gui-settings-")
        settings = cls(Path(scratch.name) / "settings.ini")
        settings._scratch = scratch
        return settings

    @property
    def path(self) -> str:
        return self._qs.fileName()

    @property
    def read_only(self) -> bool:
        """True when another window owns the file (see :meth:`claim`)."""
        return self._unsaved is not None

    def claim(self) -> bool:
        """Become the one window that writes this file; False (and read-only from now
        on) when another running fooling-gui holds it. A crashed owner's lock is stale
        and taken over."""
        # Not "<file>.lock": QSettings locks that one itself while it writes.
        self._lock = QLockFile(self.path + ".window-lock")
        self._lock.setStaleLockTime(0)  # only a live owner counts (its process id is checked)
        try:  # the user's config folder may not exist yet on a first launch
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        if self._lock.tryLock(0) or self._lock.error() != QLockFile.LockError.LockFailedError:
            return True  # ours; or no lock can be made there, and then nothing can be saved
        self._unsaved = {}
        return False

    def release(self) -> None:
        """Let another window own the file (the window calls this as it closes)."""
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def get(self, key: str) -> Any:
        default = DEFAULTS[key]
        if self._unsaved is not None and key in self._unsaved:
            return self._unsaved[key]
        value = self._qs.value(key, default)
        return _coerce(value, default)

    def stored(self, key: str) -> bool:
        """Whether ``key`` holds a value of its own (not just its default)."""
        if self._unsaved is not None and key in self._unsaved:
            return True
        return self._qs.contains(key)

    def set(self, key: str, value: Any) -> None:
        if key not in DEFAULTS:
            raise KeyError(f"unknown setting {key!r}")
        if self._unsaved is not None:
            self._unsaved[key] = value
            return
        self._qs.setValue(key, value)

    def sync(self) -> None:
        if self._unsaved is None:
            self._qs.sync()

    def clear(self) -> None:
        """Forget every stored value (``--reset-settings``); defaults apply again."""
        self._qs.clear()
        self._qs.sync()


def _coerce(value: Any, default: Any) -> Any:
    """Convert what QSettings returns to the default's type; bad values fall back."""
    if value is None:
        return default
    try:
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, QByteArray):
            return value if isinstance(value, QByteArray) else QByteArray(value)
        if isinstance(default, str):
            return str(value)
    except (TypeError, ValueError):
        return default
    return value
