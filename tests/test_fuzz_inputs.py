"""Property-based fuzzing of what users type and write: CLI options, sidecars, kiosk TOML.

Whatever hypothesis generates, fooling-gui must answer with exit code 0 or 2, at most
one line on stderr, never a traceback, and leave nothing beside a destination (no
temporary file or folder) and nothing of the user's changed. The examples are
derandomised, so a run is repeatable, and sized to take a few tens of seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fooling_gui.cli import main
from fooling_gui.core.models.lenet import seeded_lenet

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])
LEFTOVER_SUFFIXES = (".fgtmp", ".fgnew", ".fgold")

# Explicit alphabets: hypothesis's full-Unicode text needs a 10 s table built first.
ALPHABET = "ab0159 ,.-_/\\\"'{}[]=:²٣🙂é\n\t\x00"
hostile_text = st.sampled_from(["", "x", "²", "٣", "1e3", "nan", "-inf", "0x10", " 2", "1_0",
                                "-0", "\n", "3\n4", "../", "\x00", "🙂", "9" * 40])


def small_ints(lo: int, hi: int):
    return st.integers(lo, hi).map(str)


def mostly(valid, hostile, odds: int = 8):
    """``hostile`` once in ``odds`` draws, else ``valid``: with a dozen options, most
    examples then get far enough to evolve, save and export."""
    # Not n == 1 or n == odds: hypothesis draws the ends of a range far more often.
    return st.integers(1, odds).flatmap(lambda n: hostile if n == odds // 2 + 1 else valid)


def run_cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's refusals
            code = exc.code
    return code, err.getvalue()


def assert_well_behaved(code, err: str, folder: Path) -> None:
    # --hypothesis-show-statistics lists how often each outcome came up.
    event(f"exit {code}: " + " ".join(re.sub(r"\S*/\S*", "PATH", err).split()[1:5]))
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) <= 1, err
    left = [p.name for p in folder.rglob("*") if p.name.endswith(LEFTOVER_SUFFIXES)]
    assert left == [], left


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-run")
    assert main(["evolve", "--generations", "1", "--batch", "6", "--quiet", "--out",
                 str(folder / "g"), "--save-run", str(folder / "run.pt")]) == 0
    return folder


# -- command line ------------------------------------------------------------------------


def _place(kind: str | None, root: Path, saved_run: Path) -> Path | None:
    """Make the situation ``kind`` in ``root``; returns the path to pass."""
    if kind is None:
        return None
    if kind in ("new", "missing"):
        return root / "new-thing"
    if kind == "gallery":
        shutil.copytree(saved_run / "g", root / "gallery")
        return root / "gallery"
    if kind == "not-a-gallery":
        (root / "mine").mkdir()
        (root / "mine" / "thesis.tex").write_text("years of work")
        return root / "mine"
    if kind in ("empty", "folder"):
        (root / "empty").mkdir(exist_ok=True)
        return root / "empty"
    if kind in ("file", "under-file"):
        (root / "a-file").write_text("x")
        return root / "a-file" if kind == "file" else root / "a-file" / "below"
    if kind == "dot":
        return Path(".")
    if kind == "inside-out":
        return root / "out" / "run.pt"
    if kind == "valid":
        shutil.copy(saved_run / "run.pt", root / "run.pt")
        return root / "run.pt"
    if kind == "damaged":
        state = torch.load(saved_run / "run.pt", weights_only=True)
        state["images"] = torch.zeros(2, 3, 3, 1, dtype=torch.uint8)
        torch.save(state, root / "bad.pt")
        return root / "bad.pt"
    raise AssertionError(kind)


@settings(FUZZ, max_examples=100)
@given(
    generations=mostly(small_ints(0, 2), st.one_of(small_ints(-2, -1), hostile_text)),
    batch=mostly(st.one_of(st.none(), small_ints(1, 12)),
                 st.one_of(small_ints(-1, 0), hostile_text, st.just("99999999999"))),
    seed=mostly(st.one_of(st.none(), st.integers(0, 2**63 - 1).map(str)),
                st.one_of(st.integers(-5, -1).map(str), st.just(str(2**64)), hostile_text)),
    classes=mostly(st.sampled_from([None, "all", "3", "0,9", "7,3", "3,3", "1, 2"]),
                   st.one_of(st.text("0123456789,-² al", max_size=8), hostile_text)),
    device=mostly(st.sampled_from([None, "cpu", "CPU", "cpu:0"]),
                  st.sampled_from(["cuda", "cuda:9", "meta", "xla", "mps", "", "\x00"])),
    encoding=mostly(st.sampled_from([None, "direct", "cppn"]), st.just("pixels")),
    model=mostly(st.sampled_from([None, "lenet", "LeNet"]),
                 st.sampled_from(["no-such-net", "folder", "not-a-model"])),
    out=mostly(st.sampled_from(["new", "gallery", "empty"]),
               st.sampled_from(["not-a-gallery", "file", "under-file", "dot"]), odds=3),
    force=st.booleans(),
    save=mostly(st.sampled_from([None, "new"]), st.sampled_from(["folder", "under-file",
                                                                 "inside-out"]), odds=4),
    resume=mostly(st.sampled_from([None, None, "valid"]),
                  st.sampled_from(["damaged", "missing", "folder"]), odds=4),
)
def test_evolve_options(saved_run, monkeypatch, generations, batch, seed, classes, device,
                        encoding, model, out, force, save, resume):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        monkeypatch.chdir(root)
        out_path = _place(out, root, saved_run) if out != "dot" else Path(".")
        argv = ["evolve", "--quiet", "--generations", generations, "--out", str(out_path)]
        for flag, value in (("--batch", batch), ("--seed", seed), ("--classes", classes),
                            ("--device", device), ("--encoding", encoding)):
            if value is not None:
                argv += [flag, value]
        if model is not None:
            target = {"folder": str(root), "not-a-model": str(_place("file", root, saved_run))}
            argv += ["--model", target.get(model, model)]
        if force:
            argv.append("--force")
        save_path = _place(save, root, saved_run)
        if save == "inside-out":
            save_path = out_path / "run.pt"
        if save_path is not None:
            argv += ["--save-run", str(save_path)]
        resume_path = _place(resume, root, saved_run)
        if resume_path is not None:
            argv += ["--resume", str(resume_path)]
        code, err = run_cli(argv)
        assert_well_behaved(code, err, root)
        if out == "not-a-gallery":
            assert (root / "mine" / "thesis.tex").read_text() == "years of work"
        if out in ("gallery", "new") and (root / "gallery" if out == "gallery" else out_path
                                          ).exists():
            folder = root / "gallery" if out == "gallery" else out_path
            assert json.loads((folder / "manifest.json").read_text())["format"].startswith(
                "fooling-gui-gallery/")
        if code == 2 and out == "new":
            assert not out_path.exists()


# -- sidecars ----------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.text(ALPHABET, max_size=5)
    | st.floats(allow_nan=True, allow_infinity=True),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(ALPHABET, max_size=3), inner, max_size=3),
    max_leaves=6)
hostile_sizes = st.one_of(
    st.lists(st.sampled_from([0, -3, 1, 1e30, 10**30, 5000, 2.5, "28", None]), max_size=3),
    json_values)
# Each key: a value a real sidecar could hold, or (one time in eight) anything at all.
SIDECAR_KEYS = {
    "class_names": mostly(st.just([str(i) for i in range(10)]),
                          st.one_of(st.lists(st.text(ALPHABET, max_size=4), max_size=12),
                                    json_values)),
    "channels": mostly(st.just(1), st.one_of(st.sampled_from([3, 0, 2, True, "1"]),
                                             json_values)),
    "input_size": mostly(st.just([28, 28]), hostile_sizes),
    "image_size": mostly(st.sampled_from([[28, 28], [32, 32], [40, 36]]), hostile_sizes),
    "mean": mostly(st.lists(st.floats(0, 1), min_size=1, max_size=1),
                   st.one_of(st.lists(st.floats(allow_nan=True), max_size=4), json_values)),
    "std": mostly(st.lists(st.floats(0.1, 2), min_size=1, max_size=1),
                  st.one_of(st.lists(st.floats(-1, 2), max_size=4), json_values)),
    "value_range": mostly(st.sampled_from([[0, 1], [0, 255], [-1, 1]]),
                          st.one_of(st.lists(st.floats(allow_nan=True), max_size=3),
                                    json_values)),
    "output": mostly(st.sampled_from(["logits", "log_probs", "probs"]),
                     st.one_of(st.just("softmax"), json_values)),
    "name": mostly(st.text(ALPHABET, max_size=8), json_values),
    "architecture": mostly(st.just("lenet"), st.sampled_from(["LeNet", "resnet", 7, ""])),
}


@pytest.fixture(scope="module")
def lenet_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-sidecar")
    torch.save(seeded_lenet(0).state_dict(), folder / "net.pt")
    from PIL import Image

    Image.fromarray(np.zeros((28, 28), np.uint8)).save(folder / "digit.png")
    return folder / "net.pt"


@settings(FUZZ, max_examples=60)
@given(sidecar=mostly(st.fixed_dictionaries({"architecture": st.just("lenet")},
                                            optional={k: v for k, v in SIDECAR_KEYS.items()
                                                      if k != "architecture"}),
                      st.one_of(st.fixed_dictionaries({}, optional=SIDECAR_KEYS), json_values,
                                st.text(ALPHABET, max_size=30).map(lambda t: {"raw": t})),
                      odds=4))
def test_sidecar_contents(lenet_file, sidecar):
    text = sidecar["raw"] if isinstance(sidecar, dict) and set(sidecar) == {"raw"} else \
        json.dumps(sidecar)
    lenet_file.with_suffix(".json").write_text(text)
    code, err = run_cli(["classify", str(lenet_file.with_name("digit.png")), "--model",
                         str(lenet_file), "--json"])
    assert_well_behaved(code, err, lenet_file.parent)


# -- kiosk configuration -----------------------------------------------------------------

def toml_value(value) -> str:
    """A Python value as TOML (hypothesis makes only what TOML can hold)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") \
            if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # TOML basic strings take JSON's escapes
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


toml_values = st.recursive(
    st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats() | st.text(ALPHABET, max_size=8)
    | hostile_text | st.sampled_from(["{label:>10000000}", "{label}", "{nope}", "cuda",
                                      "lenet", "alexnet", "meta", "Ctrl+Alt+Q", "/proc/x"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(ALPHABET, max_size=4), inner, max_size=3),
    max_leaves=6)
TOP_KEYS = ["language", "models", "classes", "encoding", "batch", "seed", "device",
            "captions", "unknown"]
TABLE_KEYS = {"pacing": ["generations_per_second", "max_generations", "target_confidence",
                         "hold_seconds", "time_scale"],
              "timeouts": ["idle_seconds", "warning_seconds", "cursor_hide_seconds",
                           "stall_seconds"],
              "exit": ["chord", "pin"], "monitoring": ["heartbeat_seconds"],
              "gallery": ["folder"]}


@st.composite
def kiosk_files(draw) -> str:
    if draw(st.integers(0, 9)) == 0:  # sometimes not TOML at all
        return draw(st.text(ALPHABET, max_size=60))
    lines = [f"{k} = {toml_value(draw(toml_values))}"
             for k in draw(st.lists(st.sampled_from(TOP_KEYS), unique=True, max_size=5))]
    for table in draw(st.lists(st.sampled_from(sorted(TABLE_KEYS)), unique=True, max_size=3)):
        lines.append(f"[{table}]")
        for k in draw(st.lists(st.sampled_from(TABLE_KEYS[table]), unique=True, max_size=3)):
            lines.append(f"{k} = {toml_value(draw(toml_values))}")
    return "\n".join(lines) + "\n"


@settings(FUZZ, max_examples=120)
@given(text=kiosk_files())
def test_kiosk_configuration_values(tmp_path, text):
    from fooling_gui.ui.kiosk.config import describe, load_config
    from fooling_gui.ui.kiosk.config import main as check_main
    from fooling_gui.ui.kiosk.config_checks import check_environment
    from fooling_gui.ui.kiosk.texts import CAPTIONS, MAX_TEXT_CHARS, Texts

    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    config, problems = load_config(path)
    config, fallbacks = check_environment(config, path.name)
    for problem in problems + fallbacks:
        assert "\n" not in problem and problem.endswith("."), problem
    texts = Texts(config.language, config.captions, config.cards)
    for key in CAPTIONS["en"]:
        assert len(texts.caption(key)) <= MAX_TEXT_CHARS
    for title, body in texts.cards(texts.values("7", 0.99, pixels=784, n_classes=10)):
        assert len(title) <= MAX_TEXT_CHARS and len(body) <= MAX_TEXT_CHARS
    json.dumps(describe(config))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert check_main([str(path)]) in (0, 1)
