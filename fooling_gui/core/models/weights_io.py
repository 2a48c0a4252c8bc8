"""Reading weight files safely (no arbitrary unpickling) and saving them whole."""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from ..errors import FoolingError
from ..files import save_torch


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def load_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """A ``state_dict`` from ``path`` on the CPU, whatever device it was saved from.

    Uses ``weights_only=True``, so a file cannot run code while it loads. Checkpoints
    that wrap the weights as ``{"state_dict": {...}}`` are unwrapped.

    Raises:
        FoolingError: missing, unreadable or not a dictionary of tensors.
    """
    path = Path(path)
    if not path.is_file():
        raise FoolingError(f"No weights file at {path}.")
    obj = load_tensors_only(path, "a weights file")
    if isinstance(obj, Mapping) and isinstance(obj.get("state_dict"), Mapping):
        obj = obj["state_dict"]
    if not (isinstance(obj, Mapping) and obj
            and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items())):
        raise FoolingError(f"{path} does not hold a state_dict (a dictionary of named tensors).")
    return dict(obj)


def load_tensors_only(path: Path, what: str) -> Any:
    """``torch.load(path, weights_only=True, map_location="cpu")`` with our own sentences.

    torch's refusal of a pickled object advises reloading with ``weights_only=False``,
    the one thing never to do with a file from someone else, so it is not repeated.

    Args:
        path: the file.
        what: what it should be, for messages ("a weights file", "a fooling-gui run file").
    """
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(exc))
        if found is None and not _is_pickle(path):
            raise FoolingError(f"{path} is not {what} that can be loaded safely (it is not "
                               "a file of tensors saved by torch).") from None
        named = f" ({found.group(1)})" if found else ""
        raise FoolingError(f"{path} is not {what} that can be loaded safely: it holds "
                           f"Python objects besides tensors{named}, and loading those could "
                           "run code.") from None
    except (RuntimeError, ValueError, EOFError, OSError, AttributeError, TypeError,
            KeyError, IndexError, MemoryError, UnicodeDecodeError) as exc:
        first = _first_line(exc).split(". ")[0]
        raise FoolingError(f"{path} is not {what} that can be loaded safely ({first}).") \
            from None


def _is_pickle(path: Path) -> bool:
    """A bare pickle stream (protocol 2 or later starts with the PROTO opcode)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
    except OSError:
        return False
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def load_into(module: torch.nn.Module, state: Mapping[str, torch.Tensor], source: str | Path,
              ignore_unexpected: tuple[str, ...] = ()) -> None:
    """``module.load_state_dict(state)`` with a one-sentence error when they do not fit.

    Args:
        ignore_unexpected: key prefixes that may be in ``state`` but not in ``module``
            (auxiliary classifiers that are only used in training).
    """
    try:
        missing, unexpected = module.load_state_dict(state, strict=False)
    except RuntimeError as exc:  # shape mismatch
        raise FoolingError(f"The weights in {source} do not fit the architecture "
                           f"({_first_line(exc).strip()}).") from None
    unexpected = [k for k in unexpected if not k.startswith(ignore_unexpected)]
    if missing or unexpected:
        keys = (missing or unexpected)[:3]
        what = "lack" if missing else "have extra"
        raise FoolingError(f"The weights in {source} do not fit the architecture "
                           f"(they {what} {', '.join(keys)}).")


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text.rstrip(".")


def save_state_dict_atomic(state: Mapping[str, torch.Tensor], path: str | Path) -> None:
    """Save CPU copies of ``state`` to ``path`` (see :func:`fooling_gui.core.files.save_torch`)."""
    save_torch(path, {k: v.detach().cpu().contiguous() for k, v in state.items()})
