"""Start the application: ``fooling-gui`` with no command ends up in :func:`run_app`."""

from __future__ import annotations

import argparse
import logging
import os
import sys

log = logging.getLogger("fooling_gui")

SETTINGS_ENV = "FOOLING_GUI_SETTINGS"  # an INI file to use instead of the user's settings
SHARED_SETTINGS = ("Another fooling-gui window is using {path}, so this one will not save "
                   "its settings; start it with --settings FILE for a profile of its own.")


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
    from .application import make_application

    app = make_application()

    from .main_window import MainWindow
    from .responsiveness import freeze_startup_objects

    settings = open_settings(args)
    window = MainWindow(settings)
    if settings.read_only:
        window.show_status(SHARED_SETTINGS.format(path=settings.path))
    probe = None
    if args.run_for is not None:  # timed runs (docs, checks) use a reproducible size
        from .latency_probe import LatencyProbe

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
    timed = None
    if probe is not None:
        from .timed_run import TimedRun

        probe.start()
        timed = TimedRun(window, args.run_for, args.screenshot, args.stats, probe)
        timed.begin()
    rc = app.exec()
    window.close()  # idempotent: make sure every worker thread has ended
    return rc if timed is None else timed.exit_code
