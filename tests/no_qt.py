"""Run a script in a fresh interpreter where Qt cannot be imported (servers, notebooks,
CI images): the core and the session layer must work there."""

import subprocess
import sys
import textwrap

_BLOCK_QT = """
import sys
class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"):
            raise ImportError("Qt is not installed here")
sys.meta_path.insert(0, NoQt())
"""


def run_without_qt(script: str) -> None:
    """Run ``script`` with Qt blocked; it must exit cleanly after printing ``ok`` and
    without having imported Qt or pyqtgraph."""
    check = ('\nassert not any(k.startswith(("PySide6", "pyqtgraph")) for k in sys.modules)'
             '\nprint("ok")\n')
    result = subprocess.run([sys.executable, "-c", _BLOCK_QT + textwrap.dedent(script) + check],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
