"""PNG files that carry their own provenance in text chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from ..errors import FoolingError
from ..files import write_atomic
from ..images import pil_image


def write_png(path: str | Path, image: np.ndarray | Image.Image,
              text: dict[str, str] | None = None, *, clean_stale: bool = True) -> Path:
    """Write ``image`` ((H, W, C) uint8 or PIL) with ``text`` chunks, atomically
    (see :func:`fooling_gui.core.files.write_atomic`)."""
    path = Path(path)
    pil = image if isinstance(image, Image.Image) else pil_image(image)
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        # iTXt keeps any Unicode (class names, genome JSON) intact.
        info.add_itxt(key, str(value))
    return write_atomic(path, lambda fh: pil.save(fh, format="PNG", pnginfo=info),
                        clean_stale=clean_stale)


def read_png_text(path: str | Path) -> dict[str, str]:
    """The text chunks of a PNG (empty when it has none)."""
    try:
        with Image.open(path) as im:
            return {str(k): str(v) for k, v in getattr(im, "text", {}).items()}
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise FoolingError(f"{path} is not a readable PNG ({exc}).") from None
