"""Persistent settings: one table of defaults, read and written through QSettings.

As in MNELAB, every key and its default live in :data:`DEFAULTS`; the storage file
can be chosen (tests pass a path in ``tmp_path``), otherwise Qt's per-user location
is used. Values are converted back to the type of their default when read, because
QSettings' INI backend returns strings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

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
        path: an INI file to use instead of the user's settings (tests, portable use).
    """

    def __init__(self, path: str | Path | None = None):
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                 ORGANISATION, APPLICATION)
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def path(self) -> str:
        return self._qs.fileName()

    def get(self, key: str) -> Any:
        default = DEFAULTS[key]
        value = self._qs.value(key, default)
        return _coerce(value, default)

    def set(self, key: str, value: Any) -> None:
        if key not in DEFAULTS:
            raise KeyError(f"unknown setting {key!r}")
        self._qs.setValue(key, value)

    def sync(self) -> None:
        self._qs.sync()

    def clear(self) -> None:
        self._qs.clear()


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
