"""A visitor's picture, saved: reported on its own typed signal."""

from __future__ import annotations

from fooling_gui.sessions.paced_session import SavedImage

from .conftest import TIMEOUT, quick_config


def test_the_kiosk_reports_a_saved_picture_on_its_own_signal(qtbot, make_kiosk, tmp_path):
    kiosk = make_kiosk(quick_config(gallery_folder=tmp_path / "gallery"))
    c = kiosk.controller
    qtbot.waitUntil(lambda: c.attract_phase == "evolving", timeout=TIMEOUT)
    c.begin_visit()
    qtbot.waitUntil(lambda: bool(kiosk.window.chooser.buttons), timeout=TIMEOUT)
    with qtbot.waitSignal(c.worker.image_saved, timeout=TIMEOUT) as saved:
        c.choose(3)
    picture = saved.args[0]
    assert isinstance(picture, SavedImage) and picture.problem == ""
    assert (picture.folder / "manifest.json").is_file() and c.saved_images == 1
