"""Test-wide set-up: offscreen Qt, deterministic small torch, no network."""

import os

import atexit
import shutil
import tempfile

# Must be set before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FOOLING_GUI_OFFLINE", "1")

# Nothing a test starts (in process or as a subprocess) may read or change the user's
# own settings or kiosk configuration: both live under this session's scratch folder.
_SCRATCH = tempfile.mkdtemp(prefix="fooling-gui-tests-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_SCRATCH, "config")
os.environ["FOOLING_GUI_SETTINGS"] = os.path.join(_SCRATCH, "settings.ini")
atexit.register(shutil.rmtree, _SCRATCH, True)

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Any attempt to open a socket in a test is a bug: tests run offline."""
    import socket

    def guard(*args, **kwargs):
        raise RuntimeError("tests must not use the network")

    monkeypatch.setattr(socket.socket, "connect", guard)
