"""Every command gets its model through the session layer's ModelCache, as the window's
tabs do, and builds its runs with the session layer's run builder."""

from __future__ import annotations

import json

import pytest

from fooling_gui.cli import main
from fooling_gui.core import models as core_models
from fooling_gui.core.models import registry
from fooling_gui.sessions import ModelCache


@pytest.fixture
def cache_loads(monkeypatch):
    """Models load only through ModelCache: the registry's ``load_model`` refuses every
    other caller. Returns the cache's loads as ``(name, random_init, allow_download)``."""
    real_load = registry.load_model
    loads = []

    def through_the_cache(self, name, random_init):
        loads.append((name, random_init, self.allow_download))
        return real_load(name, device=self.device, random_init=random_init,
                         allow_download=self.allow_download)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a command loaded a model around the session layer's cache")

    monkeypatch.setattr(ModelCache, "_load_from_registry", through_the_cache)
    monkeypatch.setattr(core_models, "load_model", refuse)
    monkeypatch.setattr(registry, "load_model", refuse)
    return loads


def commands(tmp):
    """Small runs of every command that loads a model (name, arguments, models)."""
    return [
        ("evolve", ["evolve", "--model", "lenet", "--encoding", "direct", "--generations", "1",
                    "--batch", "8", "--out", str(tmp / "g"), "--save-run", str(tmp / "r.run"),
                    "--quiet"]),
        ("evolve --resume", ["evolve", "--resume", str(tmp / "r.run"), "--generations", "2",
                             "--out", str(tmp / "g2"), "--quiet"]),
        ("bench", ["bench", "--model", "lenet", "--seconds", "0.2", "--batch", "8", "--quiet",
                   "--json"]),
        ("bench --compare", ["bench", "--model", "lenet", "--random-init", "--compare",
                             "lenet", "--seconds", "0.2", "--batch", "4", "--quiet", "--json"]),
        ("experiment imagenet", ["experiment", "imagenet", "--model", "efficientnet_lite0",
                                 "--generations", "0", "--batch", "2", "--classes", "1",
                                 "--out", str(tmp / "e"), "--quiet", "--json"]),
        ("experiment threshold", ["experiment", "threshold", "--generations", "0", "--runs",
                                  "1", "--batch", "8", "--noise", "2", "--thresholds", "0.5",
                                  "--quiet", "--json"]),
        ("visualize", ["visualize", "--model", "lenet", "--class", "3", "--steps", "2",
                       "--out", str(tmp / "v.png"), "--quiet", "--json"]),
        ("attack", ["attack", "--model", "lenet", "--digits", "2", "--steps", "1", "--json"]),
        ("classify", ["classify", "--model", "lenet", "--photos", "--json"]),
    ]


def test_every_command_loads_its_model_through_the_session_cache(cache_loads, tmp_path,
                                                                  capsys):
    expected = {"evolve": ("lenet", False), "evolve --resume": ("lenet", False),
                "bench": ("lenet", False), "bench --compare": ("lenet", True),
                "experiment imagenet": ("efficientnet_lite0", False),
                "experiment threshold": ("lenet", False), "visualize": ("lenet", False),
                "attack": ("lenet", False), "classify": ("lenet", False)}
    for name, argv in commands(tmp_path):
        cache_loads.clear()
        assert main(argv) == 0, (name, capsys.readouterr().err)
        capsys.readouterr()
        assert cache_loads, f"{name} loaded no model through the cache"
        model, random_init = expected[name]
        # The commands download missing weights as before (None: unless offline).
        assert cache_loads[0] == (model, random_init, None), name


def test_the_shared_runner_of_defence_experiments_gives_the_tabs_result(tmp_path, capsys):
    """`experiment` prints what the Defences tab's job returns for the same settings."""
    from fooling_gui.sessions import ModelKey
    from fooling_gui.sessions.attack_session import AttackSession, run_experiment_job
    from fooling_gui.sessions.job_control import JobControl

    settings = {"generations": 2, "batch": 8, "seed": 1, "runs": 1, "thresholds": [0.5, 0.9],
                "noise": 3}
    assert main(["experiment", "threshold", "--generations", "2", "--batch", "8", "--seed",
                 "1", "--runs", "1", "--thresholds", "0.5,0.9", "--noise", "3", "--quiet",
                 "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    tab = run_experiment_job(JobControl(interval_s=0.0), AttackSession(), ModelKey("lenet"),
                             "threshold", settings)
    assert untimed(printed) == untimed(json.loads(json.dumps(tab)))


def untimed(value):
    """``value`` without the wall times (every key ending in ``seconds``)."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if not k.endswith("seconds")}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value


def test_the_kiosks_example_pictures_load_their_model_through_the_session_cache(
        cache_loads, tmp_path):
    """`python -m fooling_gui.ui.kiosk.examples` draws a class's picture with the model
    the kiosk shows, loaded as the kiosk loads it (the cache, never downloading)."""
    from fooling_gui.ui.kiosk.examples import main as examples_main

    config = tmp_path / "kiosk.toml"
    config.write_text('models = ["efficientnet_lite0"]\n'
                      'classes = { efficientnet_lite0 = [1] }\n', encoding="utf-8")
    assert examples_main([str(config), "--out", str(tmp_path / "pictures"),
                          "--steps", "1"]) == 0
    assert cache_loads == [("efficientnet_lite0", False, False)]
    assert (tmp_path / "pictures" / "efficientnet_lite0" / "1.png").is_file()
