"""Start the application: ``fooling-gui`` with no command ends up in :func:`run_app`."""

from __future__ import annotations

import argparse
import logging
import os
import sys

log = logging.getLogger("fooling_gui")

SETTINGS_ENV = "FOOLING_GUI_SETTINGS"  # an INI file to use instead of the user's settings

# Harmless notices some Qt platform plugins print; anything else goes to the log.
_QUIET_QT = ("propagateSizeHints", "This plugin does not support")


def _qt_message_handler(mode, context, message) -> None:
    from PySide6.QtCore import QtMsgType

    if any(q in message for q in _QUIET_QT):
        return
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING}.get(mode, logging.ERROR)
    logging.getLogger("qt").log(level, "%s", message)


def _timed_window_size() -> tuple[int, int]:
    """``FOOLING_GUI_WINDOW_SIZE=1920x1080`` overrides the default 1400×900."""
    from .main_window import DEFAULT_SIZE

    text = os.environ.get("FOOLING_GUI_WINDOW_SIZE", "")
    try:
        w, h = (int(v) for v in text.lower().split("x"))
        if w >= 640 and h >= 480:
            return w, h
    except ValueError:
        pass
    return DEFAULT_SIZE


def make_application(argv: list[str] | None = None):
    """The QApplication (created once), themed."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from .pyside_refcount_guard import install_guard
    from .theme import apply_theme

    app = QApplication.instance()
    if app is None:
        qInstallMessageHandler(_qt_message_handler)
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName("fooling-gui")
        app.setOrganizationName("fooling-gui")
        apply_theme(app)
    install_guard(app)  # PySide6 6.12.0 on Python 3.11 would abort within minutes
    return app


def run_app(args: argparse.Namespace) -> int:
    """Open the main window; with ``--run-for``/``--screenshot`` run timed, then quit."""
    logging.basicConfig(level=logging.WARNING, format="fooling-gui: %(levelname)s: %(message)s")
    if (args.screenshot is not None or args.stats is not None) and args.run_for is None:
        from ..core.errors import FoolingError

        raise FoolingError("--screenshot and --stats need --run-for SECONDS.")
    app = make_application()

    from .latency_probe import LatencyProbe
    from .main_window import MainWindow
    from .responsiveness import freeze_startup_objects
    from .settings import Settings

    settings = Settings(os.environ.get(SETTINGS_ENV) or None)
    window = MainWindow(settings)
    if args.run_for is not None:  # timed runs (docs, checks) use a reproducible size
        window.resize(*_timed_window_size())
    probe = LatencyProbe(10, window)
    window.show()
    try:
        window.evolution.load_initial(model=args.window_model, encoding=args.window_encoding,
                                      seed=args.window_seed, interactive=args.run_for is None)
    except BaseException:
        window.close()  # stop the worker threads before the error reaches the CLI
        raise
    freeze_startup_objects()  # a full GC of torch's heap would freeze the GUI ~150 ms
    probe.start()
    timed = None
    if args.run_for is not None:
        from .timed_run import TimedRun

        timed = TimedRun(window, args.run_for, args.screenshot, args.stats, probe)
        timed.begin()
    rc = app.exec()
    window.close()  # idempotent: make sure every worker thread has ended
    return rc if timed is None else timed.exit_code
