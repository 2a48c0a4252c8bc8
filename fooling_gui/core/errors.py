"""Errors a user can cause and fix.

The CLI prints ``str(error)`` as one sentence and exits with code 2; the GUI shows it
in a dialog. Anything else escaping the core is a bug and keeps its traceback.
"""


class FoolingError(Exception):
    """A user-facing error whose message is one plain sentence."""
