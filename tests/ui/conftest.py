"""GUI test fixtures: no QThread may outlive its test, and settings go to tmp_path."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QThread


@pytest.fixture(autouse=True)
def _dangling_qthreads(monkeypatch, qapp):
    """Fail a test that leaves a QThread running (napari's ``_dangling_qthreads`` idea).

    Every ``QThread.start`` during the test is recorded; threads still running at the
    end fail the test and are then stopped so later tests are not affected.
    """
    started: list[QThread] = []
    original = QThread.start

    def recording_start(self, *args, **kwargs):
        started.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QThread, "start", recording_start)
    yield
    monkeypatch.setattr(QThread, "start", original)
    dangling = []
    for thread in started:
        try:
            running = thread.isRunning()
        except RuntimeError:  # the C++ object is gone: it was cleaned up
            continue
        if running:
            dangling.append(thread.objectName() or repr(thread))
            thread.quit()
            thread.wait(5000)
    if dangling:
        pytest.fail(f"the test left QThreads running: {', '.join(dangling)}")


@pytest.fixture
def settings_path(tmp_path):
    """An INI file for :class:`fooling_gui.ui.settings.Settings` inside ``tmp_path``."""
    return tmp_path / "settings.ini"


@pytest.fixture
def window(qtbot, settings_path):
    """The main window, shown at 1400×900 (offscreen) with fresh settings; closed after."""
    from fooling_gui.ui.main_window import MainWindow
    from fooling_gui.ui.settings import Settings

    w = MainWindow(Settings(settings_path))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    yield w
    w.close()
