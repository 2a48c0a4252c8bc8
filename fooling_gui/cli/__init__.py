"""Command line: ``fooling-gui <command>``; with no command it opens the window.

Each command lives in its own module ``fooling_gui/cli/<name>_cmd.py`` with
``add_parser(subparsers)`` (which sets ``func``); modules are found by that name,
so adding a command touches no shared list.
Heavy imports (torch, Qt) happen inside the commands, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from .. import __version__



def command_modules() -> list[str]:
    """Names of the ``*_cmd`` modules in this package, in a stable order."""
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name.endswith("_cmd")]
    return sorted(names)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fooling-gui",
        description="Evolve images that fool deep neural networks, and see why it works. "
        "With no command, opens the main window.",
    )
    parser.add_argument("--version", action="version", version=f"fooling-gui {__version__}")
    from . import window_options

    window_options.add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_modules():
        importlib.import_module(f"{__name__}.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..core.errors import FoolingError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from . import window_options

            return window_options.run(args)
        return int(args.func(args) or 0)
    except FoolingError as exc:
        print(f"fooling-gui: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fooling-gui: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
