"""A kiosk configuration this computer cannot honour still gives a working exhibit.

A GPU that is not there, an unknown or undownloaded model, a read-only gallery folder:
each falls back to what works (the CPU, LeNet, no gallery), is one sentence, is counted
in the heartbeat, and is reported by the configuration checker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

from fooling_gui.ui.kiosk.config import KioskConfig, load_config, main
from fooling_gui.ui.kiosk.config_checks import check_environment
from fooling_gui.ui.kiosk.controller import RESULT
from fooling_gui.ui.kiosk.texts import MAX_TEXT_CHARS, Texts

from .conftest import TIMEOUT, quick_config

NO_GPU = pytest.mark.skipif(torch.cuda.is_available(), reason="this computer has a GPU")


def write(tmp_path, text: str):
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    return path


@pytest.fixture
def empty_hub(tmp_path, monkeypatch):
    """No ImageNet weights downloaded (the tests' machines have none anyway)."""
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))


@NO_GPU
@pytest.mark.parametrize("device", ["cuda", "cuda:3", "meta", "xla", "tpu", ""])
def test_an_unusable_device_falls_back_to_the_cpu(device):
    config, problems = check_environment(KioskConfig(device=device, heartbeat_file=None))
    assert config.device == "cpu"
    assert len(problems) == 1 and "runs on the CPU" in problems[0]
    assert problems[0].endswith(".") and "\n" not in problems[0]


def test_unknown_and_undownloaded_models_are_left_out(empty_hub, tmp_path):
    config, problems = check_environment(KioskConfig(
        models=("no-such-net", "alexnet", "lenet", str(tmp_path / "gone.pt2")),
        heartbeat_file=None))
    assert config.models == ("lenet",)
    assert len(problems) == 3
    assert "knows no model of that name" in problems[0]
    assert "weights are not on this computer" in problems[1]
    assert "no model file" in problems[2]


def test_when_no_model_can_be_shown_lenet_is(empty_hub):
    config, problems = check_environment(KioskConfig(models=("alexnet", "nope"),
                                                     heartbeat_file=None))
    assert config.models == ("lenet",) and "lenet is shown instead" in problems[-1]


def test_an_unwritable_gallery_folder_is_flagged(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for folder in (blocker, blocker / "gallery"):
        config, problems = check_environment(KioskConfig(gallery_folder=folder,
                                                         heartbeat_file=None))
        assert config.gallery_folder is None
        assert len(problems) == 1 and "pictures are not saved" in problems[0]


def test_the_checker_reports_what_the_kiosk_would_reject(tmp_path, capsys, empty_hub):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    path = write(tmp_path, f'models = ["lenet", "alexnet"]\ndevice = "meta"\n'
                           f'[gallery]\nfolder = "{blocker}"\n')
    assert main([str(path)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert any("alexnet" in ln for ln in lines) and any("meta" in ln for ln in lines)
    assert any("gallery.folder" in ln for ln in lines)


def test_a_good_file_still_checks_clean(tmp_path, capsys):
    path = write(tmp_path, f'models = ["lenet"]\n[gallery]\nfolder = "{tmp_path / "g"}"\n'
                           f'[monitoring]\nheartbeat_file = "{tmp_path / "hb.json"}"\n')
    assert main([str(path)]) == 0
    assert list(tmp_path.iterdir()) == [path]  # checking created nothing


# -- what the file itself may hold ------------------------------------------------------

@pytest.mark.parametrize("caption", ["{label:>10000000}", "{label:>" + "9" * 5000 + "}",
                                     "{label:>{generation}}", "{label.__class__}",
                                     "{label}" * 300])
def test_captions_that_would_freeze_the_screen_are_refused(tmp_path, caption):
    config, problems = load_config(write(tmp_path, f"[captions]\nattract_title = {caption!r}\n"
                                         .replace("'", '"')))
    assert len(problems) == 1 and "captions.attract_title" in problems[0]
    assert "attract_title" not in config.captions


def test_a_long_class_name_cannot_blow_up_a_caption():
    texts = Texts("en", {"attract_done": "{label}{label}{label}"})
    assert len(texts.caption("attract_done", label="x" * 5000)) == MAX_TEXT_CHARS


@pytest.mark.parametrize("text", ["a = " + "[" * 50_000 + "]" * 50_000,
                                  "a = " + "{b=" * 5000 + "1" + "}" * 5000])
def test_deeply_nested_toml_gives_the_defaults_and_one_sentence(tmp_path, text):
    config, problems = load_config(write(tmp_path, text))
    assert config == KioskConfig() and len(problems) == 1
    assert "nests lists or tables far too deeply" in problems[0]


def test_a_huge_file_is_not_read(tmp_path):
    config, problems = load_config(write(tmp_path, "# " + "x" * (2 << 20)))
    assert config == KioskConfig() and "larger than 1 MB" in problems[0]


# -- the running kiosk -------------------------------------------------------------------

def test_a_picture_that_cannot_be_saved_is_counted(qtbot, make_kiosk, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")  # the folder became unusable after the kiosk started
    kiosk = make_kiosk(quick_config(gallery_folder=blocker / "gallery"))
    c = kiosk.controller
    qtbot.waitUntil(lambda: c.attract_phase == "evolving", timeout=TIMEOUT)
    c.begin_visit()
    qtbot.waitUntil(lambda: bool(kiosk.window.chooser.buttons), timeout=TIMEOUT)
    c.choose(3)
    qtbot.waitUntil(lambda: c.state == RESULT, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: c.error_count == 1, timeout=TIMEOUT)
    assert "could not be saved" in c.status()["last_error"] and c.saved_images == 0


@NO_GPU
@pytest.mark.slow
def test_the_kiosk_shows_and_counts_what_it_fell_back_from(tmp_path):
    beat = tmp_path / "heartbeat.json"
    config = write(tmp_path, f"""
models = ["no-such-net", "lenet"]
device = "cuda"
encoding = "cppn"
batch = 40
classes = [0]
[pacing]
time_scale = 10
[monitoring]
heartbeat_file = "{beat}"
heartbeat_seconds = 1
""")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "fooling_gui", "--kiosk", "--config",
                           str(config), "--run-for", "4", "--stats", str(tmp_path / "st.json")],
                          env=env, capture_output=True, text=True, timeout=240, check=False)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1  # it ran, and says something was wrong
    heartbeat = json.loads(beat.read_text())
    assert heartbeat["error_count"] == 2 and heartbeat["model"] == "lenet"
    stats = json.loads((tmp_path / "st.json").read_text())
    assert stats["config"]["device"] == "cpu" and stats["config"]["models"] == ["lenet"]
    assert stats["attract_cycles"] + stats["generations_shown"] > 0  # the show went on
    assert any("no-such-net" in e for e in stats["errors"])
    assert any("'cuda'" in e for e in stats["errors"])
