"""Can Qt open a window here? Find what is missing before Qt aborts.

On a minimal Linux (a server image, a container, WSL, a fresh kiosk PC) Qt's X11
platform plugin ``libqxcb.so`` often cannot load because a few small system
libraries are absent, and Qt then aborts the process with a long message that names
the wrong one. This module asks the dynamic loader (``ldd``) which libraries the
plugin cannot find, *before* any QApplication exists, and turns the answer into one
sentence with the command that installs them. It imports no Qt, so it works even
when PySide6's own libraries cannot load.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

APT, DNF, PACMAN = "apt", "dnf", "pacman"

#: Shared library → package that provides it, per distribution family. Covers every
#: library PySide6's X11 and Wayland plugins link against that a minimal system may lack.
PACKAGES: dict[str, dict[str, str]] = {
    "libxcb-icccm.so.4": {APT: "libxcb-icccm4", DNF: "xcb-util-wm", PACMAN: "xcb-util-wm"},
    "libxcb-keysyms.so.1": {APT: "libxcb-keysyms1", DNF: "xcb-util-keysyms",
                            PACMAN: "xcb-util-keysyms"},
    "libxcb-image.so.0": {APT: "libxcb-image0", DNF: "xcb-util-image", PACMAN: "xcb-util-image"},
    "libxcb-render-util.so.0": {APT: "libxcb-render-util0", DNF: "xcb-util-renderutil",
                                PACMAN: "xcb-util-renderutil"},
    "libxcb-cursor.so.0": {APT: "libxcb-cursor0", DNF: "xcb-util-cursor",
                           PACMAN: "xcb-util-cursor"},
    "libxcb-util.so.1": {APT: "libxcb-util1", DNF: "xcb-util", PACMAN: "xcb-util"},
    "libxcb.so.1": {APT: "libxcb1", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-xkb.so.1": {APT: "libxcb-xkb1", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-shape.so.0": {APT: "libxcb-shape0", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-randr.so.0": {APT: "libxcb-randr0", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-xfixes.so.0": {APT: "libxcb-xfixes0", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-sync.so.1": {APT: "libxcb-sync1", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-shm.so.0": {APT: "libxcb-shm0", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-render.so.0": {APT: "libxcb-render0", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-xinerama.so.0": {APT: "libxcb-xinerama0", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-xinput.so.0": {APT: "libxcb-xinput0", DNF: "libxcb", PACMAN: "libxcb"},
    "libxcb-glx.so.0": {APT: "libxcb-glx0", DNF: "libxcb", PACMAN: "libxcb"},
    "libxkbcommon-x11.so.0": {APT: "libxkbcommon-x11-0", DNF: "libxkbcommon-x11",
                              PACMAN: "libxkbcommon-x11"},
    "libxkbcommon.so.0": {APT: "libxkbcommon0", DNF: "libxkbcommon", PACMAN: "libxkbcommon"},
    "libX11-xcb.so.1": {APT: "libx11-xcb1", DNF: "libX11-xcb", PACMAN: "libx11"},
    "libX11.so.6": {APT: "libx11-6", DNF: "libX11", PACMAN: "libx11"},
    "libSM.so.6": {APT: "libsm6", DNF: "libSM", PACMAN: "libsm"},
    "libICE.so.6": {APT: "libice6", DNF: "libICE", PACMAN: "libice"},
    "libfontconfig.so.1": {APT: "libfontconfig1", DNF: "fontconfig", PACMAN: "fontconfig"},
    "libfreetype.so.6": {APT: "libfreetype6", DNF: "freetype", PACMAN: "freetype2"},
    "libEGL.so.1": {APT: "libegl1", DNF: "libglvnd-egl", PACMAN: "libglvnd"},
    "libGL.so.1": {APT: "libgl1", DNF: "libglvnd-glx", PACMAN: "libglvnd"},
    "libGLX.so.0": {APT: "libglx0", DNF: "libglvnd-glx", PACMAN: "libglvnd"},
    "libOpenGL.so.0": {APT: "libopengl0", DNF: "libglvnd-opengl", PACMAN: "libglvnd"},
    "libdbus-1.so.3": {APT: "libdbus-1-3", DNF: "dbus-libs", PACMAN: "dbus"},
    "libglib-2.0.so.0": {APT: "libglib2.0-0", DNF: "glib2", PACMAN: "glib2"},
    "libgthread-2.0.so.0": {APT: "libglib2.0-0", DNF: "glib2", PACMAN: "glib2"},
    "libwayland-client.so.0": {APT: "libwayland-client0", DNF: "libwayland-client",
                               PACMAN: "wayland"},
    "libwayland-cursor.so.0": {APT: "libwayland-cursor0", DNF: "libwayland-cursor",
                               PACMAN: "wayland"},
}

INSTALL = {APT: "sudo apt-get install", DNF: "sudo dnf install", PACMAN: "sudo pacman -S"}
FAMILY_NAMES = {APT: "Debian/Ubuntu", DNF: "Fedora/RHEL", PACMAN: "Arch"}

# Qt ≥ 6.5 opens this one itself at run time (it is no link dependency), then refuses xcb.
XCB_CURSOR = "libxcb-cursor.so.0"

_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)


def distribution_family(os_release: str | Path = "/etc/os-release") -> str | None:
    """``apt``, ``dnf`` or ``pacman`` from ``/etc/os-release`` (``ID`` and ``ID_LIKE``)."""
    try:
        text = Path(os_release).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    ids: list[str] = []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("ID", "ID_LIKE"):
            ids += value.strip().strip("\"'").lower().split()
    for family, names in ((APT, ("debian", "ubuntu")),
                          (DNF, ("fedora", "rhel", "centos")),
                          (PACMAN, ("arch", "archlinux"))):
        if any(i in names for i in ids):
            return family
    return None


def missing_from_ldd(output: str) -> list[str]:
    """Library names ``ldd`` reported as ``not found`` (each once, in its order)."""
    seen: list[str] = []
    for name in _NOT_FOUND.findall(output):
        if name not in seen:
            seen.append(name)
    return seen


def run_ldd(path: Path) -> str | None:
    """``ldd``'s output for ``path``; None where ``ldd`` is not available."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        done = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def platform_plugin(name: str) -> Path | None:
    """PySide6's ``libq<name>.so`` (found without importing PySide6)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for sub in ("Qt/plugins/platforms", "plugins/platforms"):
            candidate = Path(folder) / sub / f"libq{name}.so"
            if candidate.is_file():
                return candidate
    return None


def missing_libraries(plugin: Path, ldd: Callable[[Path], str | None] = run_ldd,
                      find_library: Callable[[str], str | None] = ctypes.util.find_library,
                      ) -> list[str]:
    """System libraries the platform ``plugin`` needs and the loader cannot find.

    Args:
        plugin: a Qt platform plugin (``libqxcb.so``).
        ldd: returns ``ldd``'s output for a file (tests pass canned output).
        find_library: ctypes' library lookup, for the libraries Qt opens by itself.
    """
    output = ldd(plugin)
    missing = missing_from_ldd(output) if output else []
    if plugin.name == "libqxcb.so" and XCB_CURSOR not in missing and not find_library("xcb-cursor"):
        missing.append(XCB_CURSOR)
    return missing


def install_hint(libraries: list[str], family: str | None) -> str:
    """``sudo apt-get install libxcb-icccm4 …`` for the libraries we know; may be ""."""
    family_used = family or APT
    packages: list[str] = []
    for lib in libraries:
        package = PACKAGES.get(lib, {}).get(family_used)
        if package and package not in packages:
            packages.append(package)
    if not packages:
        return ""
    hint = f"{INSTALL[family_used]} {' '.join(packages)}"
    return hint if family else f"{hint} (Debian/Ubuntu names)"


def requested_platforms(env: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt will try, in order (``QT_QPA_PLATFORM`` or Qt's default)."""
    value = env.get("QT_QPA_PLATFORM", "").strip()
    if value:
        return [p.split(":", 1)[0].strip().lower() for p in value.split(";") if p.strip()]
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return ["wayland", "xcb"]
    return ["xcb"]


def startup_problem(env: Mapping[str, str] | None = None,
                    ldd: Callable[[Path], str | None] = run_ldd,
                    find_library: Callable[[str], str | None] = ctypes.util.find_library,
                    os_release: str | Path = "/etc/os-release",
                    plugin_finder: Callable[[str], Path | None] = platform_plugin) -> str | None:
    """One sentence saying why Qt would abort instead of opening a window, or None.

    Only X11 and Wayland are checked (``offscreen``, ``vnc``, … need nothing extra);
    when in doubt it returns None and lets Qt try.
    """
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return None
    platforms = requested_platforms(env)
    if not platforms or platforms[0] not in ("xcb", "wayland"):
        return None
    for name in platforms:
        if name == "wayland" and env.get("WAYLAND_DISPLAY"):
            plugin = plugin_finder("wayland")
            if plugin is not None and not missing_libraries(plugin, ldd, find_library):
                return None  # Qt will use Wayland
        elif name == "xcb":
            if not env.get("DISPLAY"):
                return ("There is no display to open a window on (DISPLAY is not set): start "
                        "fooling-gui from a desktop session, or for a picture without a screen "
                        "run it with QT_QPA_PLATFORM=offscreen and --screenshot.")
            plugin = plugin_finder("xcb")
            if plugin is None:
                return None
            missing = missing_libraries(plugin, ldd, find_library)
            if not missing:
                return None
            hint = install_hint(missing, distribution_family(os_release))
            return ("Qt cannot open a window because its X11 plugin needs system libraries that "
                    f"are missing ({', '.join(missing)})"
                    + (f"; install them with: {hint}" if hint else "") + ".")
    return None


def readme_table() -> str:
    """The README's table of packages per distribution family (kept in sync by a test)."""
    rows = ["| family | command |", "|---|---|"]
    for family in (APT, DNF, PACMAN):
        packages: list[str] = []
        for lib in README_LIBRARIES:
            p = PACKAGES[lib][family]
            if p not in packages:
                packages.append(p)
        rows.append(f"| {FAMILY_NAMES[family]} | `{INSTALL[family]} {' '.join(packages)}` |")
    return "\n".join(rows)


#: What the README tells people to install: everything PySide6's X11 plugin needs that
#: minimal installs commonly lack (the rest comes with any X11 system).
README_LIBRARIES = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                    "libxcb-image.so.0", "libxcb-render-util.so.0", "libxcb-util.so.1", "libxcb-xkb.so.1",
                    "libxkbcommon-x11.so.0", "libxcb-shape.so.0", "libxcb-randr.so.0",
                    "libEGL.so.1", "libGL.so.1", "libfontconfig.so.1", "libdbus-1.so.3")
