"""A wheel carries every package and the shipped weights and digits."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "fooling_gui").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml's packages: {sorted(found - listed)}"
    assert "fooling_gui._resources" in listed


def test_the_wheel_takes_every_shipped_file():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["fooling_gui._resources"]
    shipped = {p.relative_to(ROOT / "resources") for p in (ROOT / "resources").rglob("*")
               if p.is_file()}
    taken = {p.relative_to(ROOT / "resources") for pattern in patterns
             for p in (ROOT / "resources").glob(pattern) if p.is_file()}
    assert shipped == taken
