"""The memory estimate is checked against what real runs take, so a refusal is honest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import fooling_gui
from fooling_gui.core.memory_guard import format_bytes, parse_bytes

MEASURE = textwrap.dedent("""
    import json, sys
    import torch
    from fooling_gui.core.evolution import EvolutionRun, RunConfig
    from fooling_gui.core.memory_guard import run_memory
    from fooling_gui.core.models import load_model
    model, encoding, batch, eval_batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    random_init = model != "lenet"
    classifier = load_model(model, random_init=random_init)
    config = RunConfig(model=model, encoding=encoding, batch=batch, generations=1,
                       random_init=random_init,
                       eval_batch=None if eval_batch == "none" else int(eval_batch))
    estimate = run_memory(classifier, config).total

    def status(key):
        for line in open("/proc/self/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024

    # The peak so far is reset to now (ru_maxrss would include the parent's: a child
    # started by a large pytest process keeps its maximum across exec).
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    before = status("VmRSS")
    EvolutionRun(config, classifier=classifier).run()
    print(json.dumps({"estimate": estimate, "used": status("VmHWM") - before}))
""")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux memory figures")
@pytest.mark.parametrize("model, encoding, batch, eval_batch", [
    ("lenet", "direct", 4000, "none"),    # the network's activations dominate
    ("alexnet", "cppn", 200, "64"),       # the archive of 1000 classes and the crops
])
def test_the_estimate_covers_a_real_run_without_crying_wolf(model, encoding, batch, eval_batch):
    env = dict(os.environ, PYTHONPATH=str(Path(fooling_gui.__file__).parents[1]),
               OMP_NUM_THREADS="2")
    proc = subprocess.run([sys.executable, "-c", MEASURE, model, encoding, str(batch),
                           eval_batch], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    m = json.loads(proc.stdout.strip().splitlines()[-1])
    assert m["used"] > 50 << 20  # the run did allocate something worth measuring
    # Never below what the run took; within a few times it (a direct-encoding archive
    # full of distinct genomes, counted in, only builds up over a long run).
    assert m["used"] <= m["estimate"] <= 4 * m["used"], (format_bytes(m["estimate"]),
                                                       format_bytes(m["used"]))


@pytest.mark.parametrize("text, value", [("4G", 4 << 30), ("512M", 512 << 20),
                                         ("2.5GB", int(2.5 * (1 << 30))), ("1000", 1000),
                                         ("1GiB", 1 << 30)])
def test_memory_limits_read_as_people_write_them(text, value):
    assert parse_bytes(text) == value


@pytest.mark.parametrize("text", ["", "lots", "-1G", "0", "nanG", "infM"])
def test_nonsense_limits_are_not_sizes(text):
    assert parse_bytes(text) is None


def test_a_nonsense_limit_is_one_sentence(tmp_path, capsys, monkeypatch):
    from fooling_gui.cli import main

    monkeypatch.setenv("FOOLING_GUI_MEMORY_LIMIT", "lots")
    assert main(["evolve", "--generations", "0", "--batch", "4", "--quiet",
                 "--out", str(tmp_path / "g")]) == 2
    err = capsys.readouterr().err
    assert "FOOLING_GUI_MEMORY_LIMIT='lots' is not an amount of memory" in err
    assert len(err.strip().splitlines()) == 1
