"""One picture with every elite, its class and its confidence."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..errors import FoolingError
from ..evolution.archive import Elite
from ..formatting import format_confidence
from ..images import pil_image


CONTACT_SHEET_NAME = "contact_sheet.png"
#: PNG text chunk marking a contact sheet, so tools can tell it from the single images.
CONTACT_SHEET_TEXT = {"kind": "contact sheet"}


def is_contact_sheet(path: str | Path) -> bool:
    """True for a gallery's contact sheet: marked so in its PNG text, or (galleries
    written before the mark) named ``contact_sheet.png`` beside a ``manifest.json``."""
    from .png_meta import read_png_text

    path = Path(path)
    if path.suffix.lower() != ".png":
        return False
    if path.name == CONTACT_SHEET_NAME and (path.parent / "manifest.json").is_file():
        return True
    try:
        return read_png_text(path).get("kind") == CONTACT_SHEET_TEXT["kind"]
    except FoolingError:
        return False  # not a readable PNG: loading it says so in its own words


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has no sized default font
        return ImageFont.load_default()


def contact_sheet(elites: Sequence[Elite], title: str = "", tile: int = 112,
                  columns: int | None = None) -> Image.Image:
    """A grid of tiles (image scaled without blur, class name, confidence)."""
    n = max(len(elites), 1)
    columns = columns or min(10, n)
    rows = math.ceil(n / columns)
    pad, label_h = 8, 34
    title_h = 30 if title else 0
    width = columns * (tile + pad) + pad
    height = title_h + rows * (tile + label_h + pad) + pad
    sheet = Image.new("RGB", (width, height), (24, 24, 28))
    draw = ImageDraw.Draw(sheet)
    small, big = _font(12), _font(16)
    if title:
        draw.text((pad, 7), title, fill=(235, 235, 235), font=big)
    for i, e in enumerate(elites):
        r, c = divmod(i, columns)
        x = pad + c * (tile + pad)
        y = title_h + pad + r * (tile + label_h + pad)
        img = pil_image(np.ascontiguousarray(e.image)).convert("RGB")
        img = img.resize((tile, tile), Image.NEAREST if img.width < tile else Image.LANCZOS)
        sheet.paste(img, (x, y))
        name = e.class_name if len(e.class_name) <= 18 else e.class_name[:17] + "…"
        draw.text((x, y + tile + 2), name, fill=(220, 220, 220), font=small)
        draw.text((x, y + tile + 17), format_confidence(e.confidence), fill=(120, 200, 255), font=small)
    return sheet
