"""Start the application: ``fooling-gui`` with no command ends up in :func:`run_app`."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys

log = logging.getLogger("fooling_gui")

SETTINGS_ENV = "FOOLING_GUI_SETTINGS"  # an INI file to use instead of the user's settings
SHARED_SETTINGS = ("Another fooling-gui window is using {path}, so this one will not save "
                   "its settings; start it with --settings FILE for a profile of its own.")

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


def check_qt_can_start() -> None:
    """Raise one clear sentence where Qt would abort (missing system libraries, no
    display) — before any Qt library that could fail to load is imported."""
    from ..core.errors import FoolingError
    from .qt_libraries import startup_problem

    problem = startup_problem()
    if problem is not None:
        raise FoolingError(problem)
    try:
        import PySide6.QtGui  # noqa: F401  (loads libEGL, libfontconfig, …)
        import PySide6.QtWidgets  # noqa: F401
    except ImportError as exc:
        from .qt_libraries import distribution_family, install_hint

        missing = re.findall(r"(lib[\w.+-]+\.so[\w.]*): cannot open shared object", str(exc))
        if not missing:
            raise
        hint = install_hint(missing, distribution_family())
        raise FoolingError(f"Qt cannot start because a system library is missing ({missing[0]})"
                           + (f"; install it with: {hint}" if hint else "") + ".") from None


def app_icon():
    """The application icon, at every shipped size (an empty icon if none is shipped)."""
    from PySide6.QtGui import QIcon

    from ..core.resources import resources_root

    icon = QIcon()
    folder = resources_root() / "icons"
    for png in sorted(folder.glob("fooling-gui-*.png")):
        icon.addFile(str(png))
    return icon


def make_application(argv: list[str] | None = None):
    """The QApplication (created once), themed.

    Raises:
        FoolingError: Qt could not start here (see :func:`check_qt_can_start`).
    """
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None or widgets.QApplication.instance() is None:
        check_qt_can_start()
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
        app.setDesktopFileName("fooling-gui")  # Wayland: the launcher's icon and name
        app.setWindowIcon(app_icon())
        apply_theme(app)
    install_guard(app)  # PySide6 6.12.0 on Python 3.11 would abort within minutes
    return app


def open_settings(args: argparse.Namespace):
    """The window's settings: ``--settings FILE``, else ``$FOOLING_GUI_SETTINGS``, else the
    user's own; a timed run (``--run-for``) given neither starts from the defaults and
    writes nothing, so screenshots and checks neither depend on nor change the user's
    settings. ``--reset-settings`` empties the chosen file first."""
    from .settings import Settings

    path = getattr(args, "settings", None) or os.environ.get(SETTINGS_ENV) or None
    if path is None and args.run_for is not None:
        settings = Settings.temporary()
    else:
        settings = Settings(path)
    reset = getattr(args, "reset_settings", False)
    if not settings.claim():
        print(f"fooling-gui: {SHARED_SETTINGS.format(path=settings.path)}"
              + (" Nothing was reset." if reset else ""), file=sys.stderr)
    elif reset:
        settings.clear()
        print(f"fooling-gui: settings reset to the defaults ({settings.path}).", file=sys.stderr)
    return settings


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

    settings = open_settings(args)
    window = MainWindow(settings)
    if settings.read_only:
        window.show_status(SHARED_SETTINGS.format(path=settings.path))
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
