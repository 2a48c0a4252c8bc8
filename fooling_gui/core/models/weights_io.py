"""Reading and writing weight files safely: no arbitrary unpickling, no half-written files."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from ..errors import FoolingError


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
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, ValueError, EOFError, OSError,
            AttributeError, TypeError) as exc:
        raise FoolingError(f"{path} is not a weights file that can be loaded safely "
                           f"({_first_line(exc)}).") from None
    if isinstance(obj, Mapping) and isinstance(obj.get("state_dict"), Mapping):
        obj = obj["state_dict"]
    if not (isinstance(obj, Mapping) and obj
            and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items())):
        raise FoolingError(f"{path} does not hold a state_dict (a dictionary of named tensors).")
    return dict(obj)


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
    """Save CPU copies of ``state`` to ``path`` via a temporary file and a rename."""
    cpu_state = {k: v.detach().cpu().contiguous() for k, v in state.items()}
    atomic_write(Path(path), lambda fh: torch.save(cpu_state, fh))


def write_json_atomic(data: Any, path: str | Path) -> None:
    """Write ``data`` as indented JSON via a temporary file and a rename."""
    text = json.dumps(data, indent=2) + "\n"
    atomic_write(Path(path), lambda fh: fh.write(text.encode("utf-8")))


def copy_file_atomic(src: str | Path, dest: str | Path) -> None:
    """Copy ``src`` to ``dest`` so ``dest`` is never seen half-written."""
    def copy(fh):
        with open(src, "rb") as inp:
            while chunk := inp.read(1 << 20):
                fh.write(chunk)

    atomic_write(Path(dest), copy)


def atomic_write(path: Path, write) -> None:
    """Create ``path`` by calling ``write(binary_file)`` on a temporary file, then renaming.

    The file is made readable by all (0644) like a normal file, not ``mkstemp``'s 0600.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise FoolingError(f"Cannot write to {path.parent} ({exc.strerror or exc}).") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise FoolingError(f"Could not write {path} ({exc.strerror or exc}).") from None
    finally:
        tmp.unlink(missing_ok=True)

