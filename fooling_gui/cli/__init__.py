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


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (argparse prints the whole usage
    first); subcommands inherit it."""

    def error(self, message: str):
        text = one_line(message)  # user input may hold line breaks
        self.exit(2, f"{self.prog}: {text} (see {self.prog} --help).\n")


def command_modules() -> list[str]:
    """Names of the ``*_cmd`` modules in this package, in a stable order."""
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name.endswith("_cmd")]
    return sorted(names)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
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
    except (FoolingError, MemoryError, RuntimeError) as exc:
        message = user_error(exc)
        if message is None:
            raise  # a bug: keep its traceback
        print(f"fooling-gui: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fooling-gui: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


OUT_OF_MEMORY = ("Ran out of memory; use a smaller --batch, fewer --classes or a smaller "
                 "model.")


def user_error(exc: BaseException) -> str | None:
    """The one-line message for an error a user can cause or fix, else None."""
    from ..core.errors import FoolingError

    if isinstance(exc, FoolingError):
        return one_line(str(exc))
    if isinstance(exc, MemoryError) or (isinstance(exc, RuntimeError)
                                        and is_out_of_memory(exc)):
        return OUT_OF_MEMORY
    return None


def is_out_of_memory(exc: BaseException) -> bool:
    """A torch allocation failure (CPU or GPU)."""
    import torch

    text = str(exc)
    return (isinstance(exc, getattr(torch, "OutOfMemoryError", ())) or "can't allocate memory"
            in text or "out of memory" in text.lower())


def one_line(text: str) -> str:
    """A message on one line, whatever the user's input put in it."""
    return " ".join(text.splitlines())
