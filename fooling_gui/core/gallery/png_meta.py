"""PNG files that carry their own provenance in text chunks."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from ..errors import FoolingError
from ..images import pil_image


def write_png(path: str | Path, image: np.ndarray | Image.Image, text: dict[str, str] | None = None) -> Path:
    """Write ``image`` ((H, W, C) uint8 or PIL) with ``text`` chunks, atomically."""
    path = Path(path)
    pil = image if isinstance(image, Image.Image) else pil_image(image)
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        # iTXt keeps any Unicode (class names, genome JSON) intact.
        info.add_itxt(key, str(value))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".png", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            pil.save(fh, format="PNG", pnginfo=info)
        os.replace(tmp, path)
    except OSError as exc:
        raise FoolingError(f"Could not write {path}: {exc.strerror or exc}.") from None
    return path


def read_png_text(path: str | Path) -> dict[str, str]:
    """The text chunks of a PNG (empty when it has none)."""
    try:
        with Image.open(path) as im:
            return {str(k): str(v) for k, v in getattr(im, "text", {}).items()}
    except (OSError, ValueError) as exc:
        raise FoolingError(f"{path} is not a readable PNG ({exc}).") from None
