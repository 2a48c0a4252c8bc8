"""A short, accelerated run of the real command: ``fooling-gui --kiosk --run-for S --stats``.

It checks what staff would notice — the exhibit runs unattended, cycles, reports and
keeps its heartbeat — for 25 s in a subprocess (a second QApplication cannot live in
the test process). How much memory grows is a measurement, not a test: the soak
before opening day is ``python docs/measurements/kiosk_soak.py --seconds 600``, which prints it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SOAK_TOOL = Path(__file__).parents[3] / "docs" / "measurements" / "kiosk_soak.py"


def soak_tool():
    spec = importlib.util.spec_from_file_location("kiosk_soak", SOAK_TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_kiosk_command_runs_unattended_and_reports(tmp_path):
    beat = tmp_path / "heartbeat.json"
    config = tmp_path / "kiosk.toml"
    config.write_text(f"""
encoding = "cppn"
batch = 60
classes = [0, 2, 3, 6, 8]
no_such_setting = 1
[pacing]
hold_seconds = 2
time_scale = 4
target_confidence = 0.999
[monitoring]
heartbeat_file = "{beat}"
heartbeat_seconds = 1
""")
    stats = tmp_path / "st.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, "-m", "fooling_gui", "--kiosk", "--config", str(config),
         "--run-for", "25", "--stats", str(stats), "--screenshot", str(tmp_path / "k.png")],
        env=env, capture_output=True, text=True, timeout=240, check=False)
    assert proc.returncode == 0, proc.stderr
    # The bad setting was one sentence and did not stop the kiosk.
    assert "the setting 'no_such_setting' is unknown and was ignored." in proc.stderr
    s = json.loads(stats.read_text())
    assert s["errors"] == [] and s["error_count"] == 0
    assert s["attract_cycles"] >= 3
    assert s["final_state"] == "attract"
    assert len(s["rss_mb"]) >= 5 and all(x["mb"] > 0 for x in s["rss_mb"])
    assert s["config_problems"] and s["config"]["time_scale"] == 4
    heartbeat = json.loads(beat.read_text())
    assert heartbeat["pid"] > 0 and heartbeat["error_count"] == 0
    assert (tmp_path / "k.png").stat().st_size > 10_000
    # The soak tool reads this very file: its summary names the figures staff look at.
    lines = soak_tool().summary_lines(s)
    assert "errors 0" in lines and any("resident memory" in line for line in lines)


def test_stats_need_run_for(capsys):
    from fooling_gui.cli import main

    assert main(["--kiosk", "--stats", "x.json"]) == 2
    assert "--stats and --screenshot need --run-for SECONDS." in capsys.readouterr().err
