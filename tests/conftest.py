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


@pytest.fixture(scope="session")
def ray_local():
    """One local Ray instance (2 CPUs) for every test that needs Ray: starting Ray costs
    seconds. Skipped, saying why, only when the cluster extra is not installed."""
    try:
        import ray
    except ImportError:
        pytest.skip("Ray is not installed (pip install 'fooling-gui[cluster]'); .ci/run "
                    "installs it")
    import logging

    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level=logging.WARNING)
    yield ray
    ray.shutdown()
