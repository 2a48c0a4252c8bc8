"""``python -m fooling_gui`` and the ``fooling-gui`` entry point."""

import sys


def main() -> int:
    from .cli import main as cli_main
    from .cli import window_options

    rc = cli_main()
    if window_options.gui_ended:
        _exit_at_once(rc)
    return rc


def _exit_at_once(rc: int) -> None:
    """End the process as soon as the window has closed.

    By now every worker thread has been joined and every file written. What is left of
    a normal exit is the interpreter taking torch's and Qt's many modules apart object
    by object, about a second on a 2-core machine (measured), during which the terminal
    waits. Exit handlers still run; the operating system frees the rest.
    """
    import atexit
    import logging
    import os

    atexit._run_exitfuncs()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(rc)


if __name__ == "__main__":
    sys.exit(main())
