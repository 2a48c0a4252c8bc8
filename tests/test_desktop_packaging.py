"""The desktop application's files are valid: launcher, AppStream metadata, icons, the
PyInstaller spec, and what ``--install-desktop-entry`` writes. (The bundle itself is
built by hand: ``pyinstaller packaging/fooling-gui.spec``.)"""

from __future__ import annotations

import ast
import configparser
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fooling_gui import desktop_entry as entry
from fooling_gui.cli import main

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
METAINFO = PACKAGING / "org.fooling_gui.FoolingGui.metainfo.xml"
DESKTOP_FILES = [PACKAGING / "fooling-gui.desktop", PACKAGING / "fooling-gui-kiosk.desktop"]


def parse_desktop(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return dict(parser["Desktop Entry"])


@pytest.mark.parametrize("path", DESKTOP_FILES, ids=lambda p: p.name)
def test_desktop_files_are_valid(path):
    keys = parse_desktop(path)
    assert keys["Type"] == "Application" and keys["Name"] and keys["Exec"].startswith("fooling-gui")
    if "Categories" in keys:
        assert keys["Categories"].endswith(";")
    validator = shutil.which("desktop-file-validate")
    if validator:
        done = subprocess.run([validator, str(path)], capture_output=True, text=True)
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_the_launcher_is_the_one_install_writes():
    assert (PACKAGING / "fooling-gui.desktop").read_text(encoding="utf-8") == entry.desktop_entry()
    keys = parse_desktop(PACKAGING / "fooling-gui.desktop")
    assert keys["Icon"] == entry.APP_ID and keys["StartupWMClass"] == "fooling-gui"


def test_appstream_metainfo_is_valid():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    for tag in ("id", "name", "summary", "metadata_license", "project_license"):
        assert (root.findtext(tag) or "").strip(), tag
    assert root.find("description/p") is not None
    assert root.findtext("launchable") == "fooling-gui.desktop"
    assert METAINFO.name == f"{root.findtext('id')}.metainfo.xml"
    validator = shutil.which("appstreamcli")
    if validator:
        done = subprocess.run([validator, "validate", "--no-net", str(METAINFO)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_icons_come_as_svg_and_every_png_size_in_both_places():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icons", PACKAGING / "make_icons.py")
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    resources = ROOT / "resources" / "icons"
    theme = PACKAGING / "icons" / "hicolor"
    svg = (resources / "fooling-gui.svg").read_text(encoding="utf-8")
    assert svg == make_icons.svg()  # regenerated, not edited by hand
    assert ET.fromstring(svg.split("?>", 1)[1]).tag.endswith("svg")
    assert (theme / "scalable" / "apps" / "fooling-gui.svg").read_text(encoding="utf-8") == svg
    assert set(make_icons.SIZES) == set(entry.ICON_SIZES)
    for size in entry.ICON_SIZES:
        png = resources / f"fooling-gui-{size}.png"
        assert png_size(png) == (size, size)
        assert (theme / f"{size}x{size}" / "apps" / "fooling-gui.png").read_bytes() == png.read_bytes()


def test_the_pyinstaller_spec_is_python_and_names_files_that_exist():
    spec = PACKAGING / "fooling-gui.spec"
    tree = ast.parse(spec.read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= names
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
               and isinstance(n.value, str)}
    for name in ("bundle_main.py", "bundle_cpu_only.py"):
        assert name in strings and (PACKAGING / name).is_file()
    assert "_C_stable.so" in strings  # torchvision's operators, loaded by path
    for sub in ("weights", "mnist", "icons"):
        assert sub in strings and (ROOT / "resources" / sub).is_dir()
    ast.parse((PACKAGING / "bundle_main.py").read_text(encoding="utf-8"))


def test_install_desktop_entry_honours_xdg_data_home(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    assert main(["--install-desktop-entry"]) == 0
    desktop = data / "applications" / "fooling-gui.desktop"
    keys = parse_desktop(desktop)
    assert keys["Icon"] == "fooling-gui" and "fooling" in keys["Exec"]
    for size in entry.ICON_SIZES:
        assert png_size(data / "icons" / "hicolor" / f"{size}x{size}" / "apps"
                        / "fooling-gui.png") == (size, size)
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "fooling-gui.svg").is_file()
    assert str(desktop) in capsys.readouterr().out
    validator = shutil.which("desktop-file-validate")
    if validator:
        assert subprocess.run([validator, str(desktop)], capture_output=True).returncode == 0

    assert main(["--uninstall-desktop-entry"]) == 0
    assert not desktop.exists()
    assert not list((data / "icons").rglob("fooling-gui.*"))


def test_without_xdg_data_home_the_entry_goes_to_local_share(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert entry.data_home() == tmp_path / ".local" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # the spec says: ignore it
    assert entry.data_home() == tmp_path / ".local" / "share"


def test_exec_arguments_are_quoted_as_the_spec_says():
    assert entry.exec_quote("/usr/bin/fooling-gui") == "/usr/bin/fooling-gui"
    assert entry.exec_quote("/opt/my apps/fooling-gui") == '"/opt/my apps/fooling-gui"'
    assert entry.exec_quote('a"b$c') == '"a\\"b\\$c"'
    text = entry.desktop_entry(["/opt/my apps/python", "-m", "fooling_gui"])
    assert 'Exec="/opt/my apps/python" -m fooling_gui' in text and "TryExec" not in text


def test_an_unwritable_data_folder_is_one_sentence(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    assert main(["--install-desktop-entry"]) == 2
