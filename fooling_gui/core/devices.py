"""Which torch devices fooling-gui runs on, checked before anything is put on one.

torch accepts many device names (``meta``, ``xla``, ``hpu``, …) that either hold no
data at all or need a backend that is not installed; a model moved there fails later
with a traceback. Only ``cpu``, ``cuda[:N]`` and ``mps`` are offered, each when this
computer has it.
"""

from __future__ import annotations

import torch

from .errors import FoolingError

SUPPORTED = ("cpu", "cuda", "mps")


def check_device(name: object, flag: str = "the device") -> str:
    """``name`` as a torch device string (``"cpu"``, ``"cuda:1"``), if usable here.

    Args:
        name: what the user wrote.
        flag: how messages name the setting (``"--device"``, ``"device"``).

    Raises:
        FoolingError: one sentence: not a device, an unsupported kind, or absent here.
    """
    text = str(name).strip().lower() if isinstance(name, str) else None
    try:
        device = torch.device(text) if text else None
    except (RuntimeError, ValueError):
        device = None
    if device is None or device.type not in SUPPORTED:
        raise FoolingError(f"{flag} {name!r} is not a device fooling-gui runs on; use cpu, "
                           "cuda (or cuda:N) or mps.")
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise FoolingError(f"{flag} {text} was asked for but this computer has no CUDA "
                               "GPU that torch can use; use cpu.")
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            raise FoolingError(f"{flag} {text} does not exist: this computer has {count} "
                               f"CUDA GPU{'s' if count != 1 else ''} (cuda:0 to "
                               f"cuda:{count - 1}).")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise FoolingError(f"{flag} mps was asked for but is not available here; use cpu.")
    return str(device)


def usable_device(name: object) -> tuple[str, str | None]:
    """``(device, problem)``: ``name`` when usable, else ``"cpu"`` and why not."""
    try:
        return check_device(name), None
    except FoolingError as exc:
        return "cpu", str(exc)
