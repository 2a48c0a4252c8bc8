"""Entry point of the PyInstaller bundle (see fooling-gui.spec): the same ``fooling-gui``
command as a pip install, window and command line alike."""

import sys

from fooling_gui.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
