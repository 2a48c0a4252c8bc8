"""A menu entry and icon for a pip install: ``fooling-gui --install-desktop-entry``.

Distribution packages and the PyInstaller bundle use the files in ``packaging/``;
a pip install has no such step, so this writes the same launcher (with ``Exec``
pointing at this installation's ``fooling-gui``) and the icons into the user's
freedesktop data folder: ``$XDG_DATA_HOME`` (default ``~/.local/share``)
``/applications`` and ``/icons/hicolor``. No Qt is imported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .core.errors import FoolingError
from .core.files import write_bytes
from .core.resources import resource_path

APP_ID = "fooling-gui"  # desktop file and icon name
DESKTOP_FILE = f"{APP_ID}.desktop"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def desktop_entry(exec_args: list[str] | None = None) -> str:
    """The launcher's text; ``packaging/fooling-gui.desktop`` is this with the default
    ``["fooling-gui"]``. ``exec_args``: the program and its arguments, unquoted."""
    args = exec_args or [APP_ID]
    try_exec = f"TryExec={args[0]}\n" if len(args) == 1 else ""
    return f"""[Desktop Entry]
Type=Application
Name=fooling-gui
GenericName=Neural network fooling explorer
Comment=Evolve images a neural network is sure about although no person recognises them
Exec={" ".join(exec_quote(a) for a in args)}
{try_exec}Icon={APP_ID}
Terminal=false
Categories=Education;ArtificialIntelligence;
Keywords=neural network;deep learning;adversarial;evolution;MNIST;ImageNet;
StartupNotify=true
StartupWMClass={APP_ID}
"""


def exec_quote(arg: str) -> str:
    """One ``Exec`` argument as the Desktop Entry spec quotes it (double quotes, with
    ``"`` `` ` `` ``$`` and ``\\`` escaped); plain words stay bare."""
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`%='):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg).replace("%", "%%")
    return f'"{escaped}"'


def data_home(env: dict[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute."""
    env = os.environ if env is None else env
    value = env.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def launcher_command() -> list[str]:
    """How the menu should start this installation: its ``fooling-gui`` script, else
    this Python running the package."""
    script = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if script is not None and script.name == APP_ID and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which(APP_ID)
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "fooling_gui"]


def install(env: dict[str, str] | None = None) -> list[Path]:
    """Write the launcher and icons; returns the files written.

    Raises:
        FoolingError: a folder cannot be written.
    """
    base = data_home(env)
    written = []
    try:
        apps = base / "applications"
        apps.mkdir(parents=True, exist_ok=True)
        desktop = apps / DESKTOP_FILE
        write_bytes(desktop, desktop_entry(launcher_command()).encode("utf-8"))
        written.append(desktop)
        icons = base / "icons" / "hicolor"
        svg = icons / "scalable" / "apps" / f"{APP_ID}.svg"
        svg.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(svg, resource_path("icons", f"{APP_ID}.svg").read_bytes())
        written.append(svg)
        for size in ICON_SIZES:
            png = icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
            png.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(png, resource_path("icons", f"{APP_ID}-{size}.png").read_bytes())
            written.append(png)
    except OSError as exc:
        raise FoolingError(f"Could not install the menu entry in {base}: "
                           f"{exc.strerror or exc}.") from None
    _refresh_caches(base)
    return written


def uninstall(env: dict[str, str] | None = None) -> list[Path]:
    """Remove what :func:`install` wrote; returns the files removed."""
    base = data_home(env)
    paths = [base / "applications" / DESKTOP_FILE,
             base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"]
    paths += [base / "icons" / "hicolor" / f"{s}x{s}" / "apps" / f"{APP_ID}.png"
              for s in ICON_SIZES]
    removed = []
    for path in paths:
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise FoolingError(f"Could not remove {path}: {exc.strerror or exc}.") from None
    _refresh_caches(base)
    return removed


def _refresh_caches(base: Path) -> None:
    """Tell menus about the change where the usual tools exist (best effort)."""
    for command in (["update-desktop-database", "-q", str(base / "applications")],
                    ["gtk-update-icon-cache", "-q", "-t", str(base / "icons" / "hicolor")]):
        if shutil.which(command[0]):
            try:
                subprocess.run(command, capture_output=True, timeout=30, check=False)
            except (OSError, subprocess.SubprocessError):
                pass
