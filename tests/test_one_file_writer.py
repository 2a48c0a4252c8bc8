"""Every file fooling-gui writes goes through fooling_gui/core/files.py.

Five writers with five sets of guarantees (one left gallery PNGs 0600) is how the
project got here; this keeps a sixth from appearing.
"""

from __future__ import annotations

import re
from pathlib import Path

import fooling_gui

PACKAGE = Path(fooling_gui.__file__).parent
# Ways of writing or moving files other than the one writer.
OWN_WRITES = re.compile(
    r"mkstemp\(|mkdtemp\(|NamedTemporaryFile\(|os\.replace\(|os\.rename\(|shutil\.move\("
    r"|\.rename\(|\.replace\([^)]*\b(path|dest|target|tmp)\b"
    r"|open\([^)]*['\"](w|wb|a|ab|x|xb|w\+|r\+)['\"]")
ALLOWED = {
    "core/files.py": "the one file writer",
    "core/gallery/replace.py": "moves a finished gallery folder into place",
    "ui/kiosk/screenshots.py": "a private temporary screen layout for Qt, not a user's file",
}


def test_no_module_writes_files_its_own_way():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OWN_WRITES.search(line.split("#")[0]):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "write through fooling_gui.core.files instead:\n" + "\n".join(
        offenders)


def test_the_pattern_catches_the_old_writers():
    for line in ('fd, tmp = tempfile.mkstemp(prefix=".x")', "os.replace(tmp, path)",
                 'with open(path, "wb") as fh:', "work.rename(out_dir)"):
        assert OWN_WRITES.search(line), line
