"""Start the exhibit: ``fooling-gui --kiosk [--config FILE.toml] [--run-for S] [--stats JSON]``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

log = logging.getLogger("fooling_gui.kiosk")

DEFAULT_CHORD = "Ctrl+Alt+Shift+Q"
STAFF_NOTE_MS = 60_000  # configuration problems stay on screen this long

#: Builds the harness of a timed run: (controller, config, problems, window) -> harness.
TimedRunFactory = Callable[[Any, Any, list, Any], Any]


def config_path(args: argparse.Namespace):
    """``--config``, else the exhibit's own settings file when there is one, else None."""
    from .config import default_config_file

    path = getattr(args, "config", None)
    if path is None and default_config_file().is_file():
        path = default_config_file()  # the exhibit's own settings, found without a flag
    return path


def settings_from_args(args: argparse.Namespace):
    """The configuration file's settings with the command line's overrides, and problems."""
    from .config import load_config

    config, problems = load_config(config_path(args))
    overrides = {}
    if getattr(args, "window_model", None):
        overrides["models"] = (args.window_model,)
    if getattr(args, "window_encoding", None):
        overrides["encoding"] = args.window_encoding
    if getattr(args, "window_seed", None) is not None:
        overrides["seed"] = args.window_seed
    return (replace(config, **overrides) if overrides else config), problems


def staff_note(problems: list[str]) -> str:
    more = len(problems) - 1
    return problems[0] + (f" (and {more} more problem{'s' if more > 1 else ''}; see the log)"
                          if more > 0 else "")


@dataclass
class Kiosk:
    """The running exhibit's parts, wired together (see :func:`build_kiosk`)."""

    window: object
    controller: object
    monitor: object
    chord: object
    staff_exit: object
    heartbeat: object | None

    def start(self) -> None:
        self.window.show_kiosk()
        self.monitor.install()
        self.chord.install()
        self.controller.start()
        if self.heartbeat is not None:
            self.heartbeat.start()

    def stop(self) -> None:
        """Stop watching input, the heartbeat and the worker; close the window."""
        self.monitor.uninstall()
        self.chord.uninstall()
        if self.heartbeat is not None:
            self.heartbeat.stop()
        self.controller.shutdown()
        self.window.allow_close()
        self.window.close()


def build_kiosk(config, app, worker_factory=None) -> Kiosk:
    """Window, controller, input watchers and heartbeat for ``config`` (not started).

    Args:
        config: the settings (its exit chord must be one Qt knows).
        app: the QApplication.
        worker_factory: passed to the controller (tests use failing or slow workers).
    """
    from .controller import KioskController
    from .heartbeat import Heartbeat
    from .lockdown import ActivityMonitor, ExitChord
    from .staff_exit import StaffExit
    from .texts import Texts
    from .window import KioskWindow

    texts = Texts(config.language, config.captions, config.cards)
    window = KioskWindow(texts, pin_length=len(config.exit_pin))
    controller = KioskController(config, texts, window, worker_factory)
    monitor = ActivityMonitor(config.scaled_ms(config.cursor_hide_seconds), app, parent=window)
    monitor.pressed.connect(controller.on_press)
    monitor.moved.connect(controller.on_move)
    staff_exit = StaffExit(config.exit_pin, window.pin, texts, parent=window)
    chord = ExitChord(config.exit_chord, app, parent=window)
    chord.triggered.connect(staff_exit.request)
    heartbeat = None
    if config.heartbeat_file is not None:
        heartbeat = Heartbeat(config.heartbeat_file, config.heartbeat_seconds,
                              controller.status, parent=window)
    return Kiosk(window, controller, monitor, chord, staff_exit, heartbeat)


def run_kiosk(args: argparse.Namespace, timed_run: TimedRunFactory | None = None) -> int:
    """Run the kiosk until the staff chord ends it; returns the exit code.

    Args:
        args: the command line (``--config`` and the kiosk options).
        timed_run: for ``--run-for``: called with the controller, the settings in use,
            the problems found in them and the window, it returns the harness that ends
            the run (its ``begin()`` is called, its ``exit_code`` returned). The command
            line passes it, so the exhibit itself never imports a test harness.
    """
    logging.basicConfig(level=logging.INFO if args.run_for is None else logging.WARNING,
                        format="fooling-gui: %(levelname)s: %(message)s")
    if (args.stats is not None or args.screenshot is not None) and args.run_for is None:
        from ...core.errors import FoolingError

        raise FoolingError("--stats and --screenshot need --run-for SECONDS.")
    from .config_checks import check_environment

    config, problems = settings_from_args(args)
    path = config_path(args)
    # What this computer cannot do (a missing GPU, model or folder) falls back to what
    # works; unlike a typo in the file, it changes what the exhibit shows: counted.
    config, fallbacks = check_environment(config, path.name if path else "the kiosk settings")
    problems += fallbacks
    for problem in problems:
        print(f"fooling-gui: {problem}", file=sys.stderr)

    from ..application import make_application

    app = make_application()  # first: says in one sentence when Qt cannot start here
    from PySide6.QtCore import QTimer

    from .lockdown import chord_combination

    if chord_combination(config.exit_chord) is None:
        problems.append(f"The exit chord {config.exit_chord!r} is not a key chord Qt knows; "
                        f"{DEFAULT_CHORD} is used.")
        print(f"fooling-gui: {problems[-1]}", file=sys.stderr)
        config = replace(config, exit_chord=DEFAULT_CHORD)
    kiosk = build_kiosk(config, app)
    for problem in fallbacks:
        kiosk.controller.record_error(problem)
    kiosk.staff_exit.confirmed.connect(kiosk.window.allow_close)
    kiosk.staff_exit.confirmed.connect(lambda: app.exit(0))
    kiosk.start()
    if problems:
        kiosk.window.staff_note.show_text(staff_note(problems))
        QTimer.singleShot(STAFF_NOTE_MS, kiosk.window.staff_note.hide)
    timed = None
    if timed_run is not None:
        timed = timed_run(kiosk.controller, config, problems, kiosk.window)
        timed.begin()
    try:
        rc = app.exec()
    finally:
        kiosk.stop()
    return timed.exit_code if timed is not None else rc
