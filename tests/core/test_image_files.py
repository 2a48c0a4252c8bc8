"""Image files from users: decompression bombs refused, 16-bit images scaled, not clipped."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from fooling_gui.cli import main
from fooling_gui.core.errors import FoolingError
from fooling_gui.core.images import load_image


def png(path, width: int, height: int, bit_depth: int, colour: int, rows: bytes) -> None:
    """A PNG written by hand, so its header can claim anything."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [10_000, 100_000])
def test_a_decompression_bomb_is_refused_before_decoding(tmp_path, side):
    bomb = tmp_path / "bomb.png"
    row = b"\x00" + bytes(side)
    png(bomb, side, side, 8, 0, row * 64)  # a few kB claiming 10^8–10^10 pixels
    assert bomb.stat().st_size < 200_000
    with pytest.raises(FoolingError, match="megapixels") as err:
        load_image(bomb, 1)
    assert "\n" not in str(err.value)


def test_classify_refuses_a_bomb_in_one_sentence(tmp_path, capsys):
    bomb = tmp_path / "bomb.png"
    png(bomb, 100_000, 100_000, 8, 0, b"\x00" * 1000)
    assert main(["classify", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_16_bit_grey_png_is_scaled_not_clipped(tmp_path):
    ramp = np.linspace(0, 65535, 64 * 64).reshape(64, 64).astype(np.uint16)
    Image.fromarray(ramp).save(tmp_path / "grey16.png")
    loaded = load_image(tmp_path / "grey16.png", 1)[:, :, 0]
    assert (loaded == 255).mean() < 0.01  # PIL's own convert("L") gives 99.6 % at 255
    assert np.abs(loaded.astype(int) - np.round(ramp / 257.0)).max() <= 1


def test_a_16_bit_rgb_png_keeps_its_colours(tmp_path):
    ramp = np.linspace(0, 65535, 32 * 32).reshape(32, 32).astype(np.uint16)
    rgb = np.stack([ramp, ramp // 2, 65535 - ramp], -1)
    rows = b"".join(b"\x00" + rgb[y].astype(">u2").tobytes() for y in range(32))
    png(tmp_path / "rgb16.png", 32, 32, 16, 2, rows)
    loaded = load_image(tmp_path / "rgb16.png", 3).astype(int)
    expected = np.round(rgb / 257.0)
    assert np.abs(loaded - expected).max() <= 1
