"""Options of the bare ``fooling-gui`` command, which opens the window or the kiosk."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import positive_float, seed_int


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("window (when no COMMAND is given)")
    g.add_argument("--model", dest="window_model", metavar="M",
                   help="model to open with (default: the last one used, else lenet)")
    g.add_argument("--encoding", dest="window_encoding", choices=("direct", "cppn"),
                   help="encoding to open with")
    g.add_argument("--seed", dest="window_seed", type=seed_int, metavar="S", help="random seed")
    g.add_argument("--screenshot", type=Path, metavar="PNG",
                   help="start evolution, run for --run-for seconds, save a picture of the window, quit")
    g.add_argument("--run-for", type=positive_float, metavar="SECONDS",
                   help="quit after this many seconds (with --screenshot or --kiosk)")
    g.add_argument("--stats", type=Path, metavar="JSON", help="write run statistics here on quit")
    g.add_argument("--kiosk", action="store_true", help="exhibit kiosk mode (fullscreen, unattended)")
    g.add_argument("--config", type=Path, metavar="TOML", help="kiosk configuration file")
    g.add_argument("--settings", type=Path, metavar="FILE",
                   help="keep the window's settings in this INI file (a separate profile; "
                   "default: ~/.config/fooling-gui/fooling-gui.ini; timed runs use defaults)")
    g.add_argument("--install-desktop-entry", action="store_true",
                   help="add fooling-gui to the desktop's application menu (a launcher and "
                   "icons in $XDG_DATA_HOME, default ~/.local/share), then exit")
    g.add_argument("--uninstall-desktop-entry", action="store_true",
                   help="remove what --install-desktop-entry added, then exit")
    g.add_argument("--reset-settings", action="store_true",
                   help="forget the window's saved settings (layout, model, seed…) and open "
                   "with the defaults")


def desktop_entry(uninstall: bool = False) -> int:
    from .. import desktop_entry as entry

    if uninstall:
        removed = entry.uninstall()
        print(f"Removed {len(removed)} file(s) of the menu entry." if removed
              else "There was no menu entry to remove.")
        return 0
    written = entry.install()
    print(f"Added fooling-gui to the application menu: {written[0]}")
    print(f"Icons: {written[1].parents[2]}")
    return 0


#: Set once the window or kiosk has run and closed (the entry point then exits at once).
gui_ended = False


def run(args: argparse.Namespace) -> int:
    global gui_ended
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        return desktop_entry(uninstall=args.uninstall_desktop_entry)
    if args.kiosk:
        if args.settings is not None or args.reset_settings:
            from ..core.errors import FoolingError

            raise FoolingError("--settings and --reset-settings are for the window; the "
                               "kiosk reads its settings from --config.")
        from ..ui.kiosk.app import run_kiosk

        timed_run = None
        if args.run_for is not None:  # the harness joins here, never inside the exhibit
            from ..ui.kiosk.timed import timed_run_factory

            timed_run = timed_run_factory(args)
        rc = run_kiosk(args, timed_run)
    else:
        from ..ui.app import run_app

        rc = run_app(args)
    gui_ended = True
    return rc
