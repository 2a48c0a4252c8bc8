"""What the commands write can be read by others exactly as the user's umask allows.

A gallery on a lab share or behind a web server showed broken images when its PNGs were
written 0600; every file goes through one writer now, and these check what a user sees:
``ls -l`` of a gallery, a run file and an attack's outputs.
"""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from PIL import Image

from fooling_gui.cli import main


@pytest.fixture
def umask():
    old = os.umask(0o022)

    def set_umask(value: int) -> None:
        os.umask(value)

    yield set_umask
    os.umask(old)


def modes(folder) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("mask, file_mode, folder_mode", [(0o022, 0o644, 0o755),
                                                           (0o027, 0o640, 0o750)],
                         ids=["umask-022", "umask-027"])
def test_a_gallery_and_its_run_file_follow_the_umask(tmp_path, capsys, umask, mask, file_mode,
                                                      folder_mode):
    umask(mask)
    out, run = tmp_path / "gallery", tmp_path / "runs" / "run.pt"
    assert main(["evolve", "--generations", "2", "--batch", "20", "--classes", "0,1",
                 "--quiet", "--out", str(out), "--save-run", str(run)]) == 0
    found = modes(out)
    assert sorted(found) == ["0000_0.png", "0001_1.png", "contact_sheet.png", "index.html",
                             "manifest.json"]
    assert set(found.values()) == {file_mode}
    assert stat.S_IMODE(out.stat().st_mode) == folder_mode
    assert modes(run.parent) == {"run.pt": file_mode}  # and no temporary beside it
    assert stat.S_IMODE(run.parent.stat().st_mode) == folder_mode


def test_an_attacks_images_and_report_are_readable_by_others(tmp_path, capsys, umask):
    img = tmp_path / "digit.png"
    Image.fromarray(np.zeros((28, 28), dtype=np.uint8)).save(img)
    out = tmp_path / "out"
    assert main(["attack", "--random-init", "--image", str(img), "--method", "fgsm",
                 "--epsilon", "0.05", "--out", str(out), "--json"]) == 0
    assert set(modes(out).values()) == {0o644} and len(modes(out)) == 4
