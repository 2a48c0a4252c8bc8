"""The JSON file that describes a custom model: its classes, input and output.

Example::

    {"class_names": ["cat", "dog"], "input_size": [224, 224], "channels": 3,
     "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
     "value_range": [0, 1], "output": "logits", "image_size": [256, 256], "name": "pets"}

For a state_dict of a built-in architecture, ``{"architecture": "lenet"}`` (or a
torchvision name) is enough; the other keys then override the architecture's defaults.
Keys not listed here (``test_accuracy``, ``trained``, …) are kept as information.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..errors import FoolingError
from .spec import OUTPUT_KINDS

REQUIRED_WITHOUT_ARCHITECTURE = ("class_names", "input_size", "channels", "output")
#: Largest image side a sidecar may ask for: ImageNet models use 224–600, and one
#: 4096×4096 RGB image is already 200 MB as floats.
MAX_SIDE = 4096
MAX_SIDECAR_BYTES = 64 << 20  # 100,000 long class names take about 5 MB


def sidecar_path_for(model_path: str | Path) -> Path:
    """``model.pt2`` → ``model.json``."""
    return Path(model_path).with_suffix(".json")


def read_sidecar(path: str | Path) -> dict[str, Any]:
    """Read and check a sidecar; values come back as tuples/ints/floats ready for a ModelSpec.

    Raises:
        FoolingError: missing file, bad JSON, a missing key or a value of the wrong kind.
    """
    path = Path(path)
    if not path.is_file():
        raise FoolingError(f"No sidecar {path}: a custom model needs a JSON file beside it "
                           "naming its classes, input size, channels and output.")
    try:
        if path.stat().st_size > MAX_SIDECAR_BYTES:
            raise FoolingError(f"{path} is {path.stat().st_size >> 20} MB; a sidecar is a small "
                               "JSON file (at most 64 MB).")
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FoolingError(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FoolingError(f"Cannot read {path} ({exc}).") from None
    except (ValueError, RecursionError):  # a number of thousands of digits, deep nesting
        raise FoolingError(f"{path} is not a sidecar fooling-gui can read (it holds "
                           "numbers or nesting far beyond any real sidecar).") from None
    if not isinstance(data, dict):
        raise FoolingError(f"{path} must hold a JSON object ({{...}}), "
                           f"not a {type(data).__name__}.")
    return validate_sidecar(data, path.name)


def validate_sidecar(data: dict[str, Any], where: str = "the sidecar") -> dict[str, Any]:
    """Check the keys of a sidecar dictionary (see the module docstring)."""
    out = dict(data)
    arch = data.get("architecture")
    if arch is not None and (not isinstance(arch, str) or not arch):
        raise FoolingError(f'"architecture" in {where} must be a model name such as "lenet".')
    if arch is None:
        for key in REQUIRED_WITHOUT_ARCHITECTURE:
            if key not in data:
                raise FoolingError(f'{where} lacks "{key}" (needed unless "architecture" names '
                                   "a built-in model).")
    if "class_names" in data:
        names = data["class_names"]
        if (not isinstance(names, list) or not names
                or not all(isinstance(n, str) for n in names)):
            raise FoolingError(f'"class_names" in {where} must be a non-empty list of strings.')
        out["class_names"] = tuple(names)
    if "channels" in data and (data["channels"] not in (1, 3)
                               or isinstance(data["channels"], bool)):
        raise FoolingError(f'"channels" in {where} must be 1 (grey) or 3 (RGB).')
    channels = data.get("channels")
    for key in ("input_size", "image_size"):
        if key in data:
            out[key] = _size(data[key], key, where)
    if ("input_size" in out and "image_size" in out
            and any(i > s for i, s in zip(out["input_size"], out["image_size"]))):
        raise FoolingError(f'"image_size" in {where} must be at least "input_size".')
    for key in ("mean", "std"):
        if key in data:
            out[key] = _numbers(data[key], key, where, channels)
    if "std" in out and any(s <= 0 for s in out["std"]):
        raise FoolingError(f'"std" in {where} must be positive.')
    if "value_range" in data:
        vr = _numbers(data["value_range"], "value_range", where, 2, broadcast=False)
        if not vr[0] < vr[1]:
            raise FoolingError(f'"value_range" in {where} must be [low, high] with low < high.')
        out["value_range"] = vr
    if "output" in data and data["output"] not in OUTPUT_KINDS:
        raise FoolingError(f'"output" in {where} must be one of {", ".join(OUTPUT_KINDS)}.')
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise FoolingError(f'"{key}" in {where} must be a string.')
    return out


def _size(value: Any, key: str, where: str) -> tuple[int, int]:
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
        if max(value) > MAX_SIDE:
            raise FoolingError(f'"{key}" in {where} is too large: at most {MAX_SIDE} pixels '
                               "per side are supported.")
        return int(value[0]), int(value[1])
    raise FoolingError(f'"{key}" in {where} must be [height, width] in whole pixels.')


def _numbers(value: Any, key: str, where: str, length: int | None,
             broadcast: bool = True) -> tuple[float, ...]:
    """A list of ``length`` finite numbers (or one, meaning the same for every channel)."""
    ok = (isinstance(value, list) and value
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                  for v in value))
    if not ok:
        raise FoolingError(f'"{key}" in {where} must be a list of numbers.')
    if length is not None and len(value) not in ((length, 1) if broadcast else (length,)):
        raise FoolingError(f'"{key}" in {where} must have {length} numbers, not {len(value)}.')
    return tuple(float(v) for v in value)
