"""The QApplication every front end uses (window, kiosk, screenshot tools): created once,
themed, and only after checking that Qt can start here, so a missing system library or
display is one sentence rather than an abort."""

from __future__ import annotations

import logging
import re
import sys

# Harmless notices some Qt platform plugins print; anything else goes to the log.
_QUIET_QT = ("propagateSizeHints", "This plugin does not support")


def _qt_message_handler(mode, context, message) -> None:
    from PySide6.QtCore import QtMsgType

    if any(q in message for q in _QUIET_QT):
        return
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING}.get(mode, logging.ERROR)
    logging.getLogger("qt").log(level, "%s", message)


def check_qt_can_start() -> None:
    """Raise one clear sentence where Qt would abort (missing system libraries, no
    display) — before any Qt library that could fail to load is imported."""
    from ..core.errors import FoolingError
    from .qt_libraries import startup_problem

    problem = startup_problem()
    if problem is not None:
        raise FoolingError(problem)
    try:
        import PySide6.QtGui
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
    return app
