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
        flag: how the message names the setting (``"--device"``).

    Raises:
        FoolingError: one sentence: not a device, an unsupported kind, or absent here.
    """
    device, problem = _check(name)
    if problem is not None:
        shown = name if isinstance(name, str) else repr(name)
        raise FoolingError(f"{flag} {shown} cannot be used: {problem}.")
    return device


def usable_device(name: object) -> tuple[str, str | None]:
    """``(device, problem)``: ``name`` when usable, else ``"cpu"`` and why not (a phrase
    such as "this computer has no CUDA GPU that torch can use")."""
    device, problem = _check(name)
    return (device, None) if problem is None else ("cpu", problem)


def _check(name: object) -> tuple[str, str | None]:
    text = name.strip().lower() if isinstance(name, str) else ""
    try:
        device = torch.device(text) if text else None
    except (RuntimeError, ValueError):
        device = None
    if device is None or device.type not in SUPPORTED:
        return "cpu", "fooling-gui runs on cpu, cuda (or cuda:N) or mps"
    if device.type == "cuda":
        if not torch.cuda.is_available():
            return "cpu", "this computer has no CUDA GPU that torch can use"
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            return "cpu", (f"this computer has {count} CUDA GPU{'s' if count != 1 else ''} "
                           f"(cuda:0 to cuda:{count - 1})")
    if device.type == "mps" and not torch.backends.mps.is_available():
        return "cpu", "MPS is not available on this computer"
    return str(device), None
