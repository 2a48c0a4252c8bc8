"""Files shipped with the app (weights, sample digits, captions) under ``resources/``.

``resources/`` sits at the repository root, beside the ``fooling_gui`` package; a wheel
carries it inside the package as ``fooling_gui/_resources`` (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

from .errors import FoolingError


def resources_root() -> Path:
    """The ``resources/`` folder (it may be missing in a broken install)."""
    beside = Path(__file__).resolve().parents[2] / "resources"
    if beside.is_dir():  # a checkout, or the editable install the README uses
        return beside
    inside = Path(__file__).resolve().parents[1] / "_resources"  # an installed wheel
    return inside if inside.is_dir() else beside


def resource_path(*parts: str) -> Path:
    """Path of a shipped file, e.g. ``resource_path("weights", "lenet_mnist.pt")``.

    Raises:
        FoolingError: the file is not there (a broken or partial install).
    """
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise FoolingError(f"The shipped file {path} is missing; reinstall fooling-gui.")
    return path
