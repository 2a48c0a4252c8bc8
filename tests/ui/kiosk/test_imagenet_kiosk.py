"""The kiosk on the shipped ImageNet network: plain names, photos where they ship, the
network's own picture (said so on screen) where they do not."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
from PIL import Image

from fooling_gui.core.models.efficientnet_lite0 import imagenet_class_names
from fooling_gui.core.photos import photo
from fooling_gui.ui.kiosk.config import load_config
from fooling_gui.ui.kiosk.examples import example_for, picture_path, shipped_folder
from fooling_gui.ui.kiosk.result_panel import ResultPanel
from fooling_gui.ui.kiosk.texts import Texts

from .conftest import TIMEOUT, quick_config

SHIPPED = Path(__file__).resolve().parents[3] / "packaging" / "kiosk-imagenet.toml"
INFO = SimpleNamespace(class_names=imagenet_class_names(), channels=3, image_size=(256, 256))


def test_the_shipped_imagenet_configuration_is_clean_and_names_classes_plainly():
    config, problems = load_config(SHIPPED)
    assert problems == []
    assert config.models == ("efficientnet_lite0",) and config.encoding == "cppn"
    shown = config.classes_for("efficientnet_lite0", 1000)
    assert len(shown) == 12 and 145 in shown
    names = [config.plain_name(INFO.class_names[k]) for k in shown]
    assert "penguin" in names and "cat" in names and "king penguin" not in names


def test_every_class_of_the_shipped_configuration_has_a_picture():
    config, _ = load_config(SHIPPED)
    for k in config.classes_for("efficientnet_lite0", 1000):
        example = example_for(INFO, "efficientnet_lite0", k, 0)
        assert example is not None, INFO.class_names[k]
        assert example.image.ndim == 3 and example.image.shape[2] == 3
        if INFO.class_names[k] in ("tabby", "espresso"):
            assert example.kind == "photo" and "CC0" in example.credit
        else:
            assert example.kind == "visualisation"
            assert picture_path(shipped_folder(), "efficientnet_lite0", k).is_file()


def test_a_photo_wins_then_the_configured_folder_then_nothing(tmp_path):
    espresso = example_for(INFO, "efficientnet_lite0", 967, 0, tmp_path)
    assert espresso.kind == "photo" and espresso.image.shape == (256, 256, 3)
    np.testing.assert_array_equal(espresso.image[128, 128],
                                  _fitted(photo("coffee").load())[128, 128])
    picture = picture_path(tmp_path, "efficientnet_lite0", 2)
    picture.parent.mkdir(parents=True)
    Image.fromarray(np.full((64, 64, 3), 200, np.uint8)).save(picture)
    shark = example_for(INFO, "efficientnet_lite0", 2, 0, tmp_path)
    assert shark.kind == "visualisation" and shark.image.shape == (64, 64, 3)
    assert example_for(INFO, "efficientnet_lite0", 3, 0, tmp_path) is None


def _fitted(image):
    from fooling_gui.core.images import fit_image

    return fit_image(image, (256, 256))


def test_the_screen_says_when_the_example_is_the_networks_own_picture(qtbot, tmp_path):
    picture = picture_path(tmp_path, "efficientnet_lite0", 145)
    picture.parent.mkdir(parents=True)
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(picture)
    panel = ResultPanel(Texts("en"))
    qtbot.addWidget(panel)
    panel.begin("penguin", example_for(INFO, "efficientnet_lite0", 145, 0, tmp_path))
    assert panel.example.caption.text() == "What the computer thinks a penguin looks like"
    assert "Not a photo" in panel.example.footer.text()
    panel.begin("cat", example_for(INFO, "efficientnet_lite0", 281, 0, tmp_path))
    assert panel.example.caption.text() == "A real cat"
    assert "Stefan van der Walt" in panel.example.footer.text()
    german = ResultPanel(Texts("de"))
    qtbot.addWidget(german)
    german.begin("Pinguin", example_for(INFO, "efficientnet_lite0", 145, 0, tmp_path))
    assert "Kein Foto" in german.example.footer.text()


def test_the_kiosk_runs_lite0_with_plain_names_and_pictures(qtbot, make_kiosk):
    config = quick_config(models=("efficientnet_lite0",), classes=(967, 145), batch=6,
                          max_generations=2, target_confidence=0.99,
                          names={"king penguin": "penguin", "espresso": "cup of espresso"})
    kiosk = make_kiosk(config)
    page = kiosk.window.attract
    seen = {}

    def both_classes_shown():
        r = page.result
        if kiosk.controller.attract_phase == "holding" and r.label:
            seen[r.label] = (r.example.caption.text(), r.example.footer.text(),
                             r.evolved.shown.shape)
        return len(seen) >= 2

    qtbot.waitUntil(both_classes_shown, timeout=4 * TIMEOUT)
    assert seen["cup of espresso"][0] == "A real cup of espresso"
    assert seen["penguin"][0] == "What the computer thinks a penguin looks like"
    assert seen["penguin"][2] == (256, 256, 3)
    assert kiosk.controller.error_count == 0
