"""What the command line does with mistakes, hostile input and failing disks.

Every case: exit code 2, one sentence on stderr, no traceback, nothing lost, nothing
half-written or left beside a destination.
"""

from __future__ import annotations

import json
import os

import pytest
import torch

from fooling_gui.cli import main
from fooling_gui.core.evolution import EvolutionRun
from fooling_gui.core.evolution import checkpoint as checkpoint_mod

TINY = ["--generations", "1", "--batch", "8", "--quiet"]


def run_cli(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_sentence(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def no_evolving(monkeypatch):
    """Fail the test if a generation is evolved: the refusal must come first."""
    def step(self):
        raise AssertionError("evolved before checking the destinations")

    monkeypatch.setattr(EvolutionRun, "step", step)


@pytest.fixture
def run_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    path = folder / "run.pt"
    assert main(["evolve", *TINY, "--seed", "3", "--out", str(folder / "g"),
                 "--save-run", str(path)]) == 0
    return path


# -- destinations ----------------------------------------------------------------------

def test_force_refuses_a_folder_that_is_not_a_gallery(tmp_path, capsys, no_evolving):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("years of work")
    code, _, err = run_cli(capsys, "evolve", *TINY, "--out", thesis, "--force")
    assert code == 2 and "is not a fooling-gui gallery" in one_sentence(err)
    assert (thesis / "chapter1.tex").read_text() == "years of work"


@pytest.mark.parametrize("where", ["out", "save-run"])
def test_an_unwritable_destination_is_refused_before_evolving(tmp_path, capsys, no_evolving,
                                                              where):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out, save = tmp_path / "g", tmp_path / "run.pt"
    if where == "out":
        out = blocker / "g"
    else:
        save = blocker / "run.pt"
    code, _, err = run_cli(capsys, "evolve", *TINY, "--out", out, "--save-run", save)
    assert code == 2 and "is a file, not a folder" in one_sentence(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize("save", ["folder", "inside-gallery"])
def test_a_run_file_that_would_be_lost_is_refused_before_evolving(tmp_path, capsys,
                                                                  no_evolving, save):
    target = tmp_path if save == "folder" else tmp_path / "g" / "run.pt"
    code, _, err = run_cli(capsys, "evolve", *TINY, "--out", tmp_path / "g",
                           "--save-run", target)
    assert code == 2
    assert ("is a folder" if save == "folder" else "inside the gallery folder") in \
        one_sentence(err)


def test_the_gallery_is_written_when_the_run_file_cannot_be(tmp_path, capsys, monkeypatch):
    from fooling_gui.core.errors import FoolingError

    def full_disk(run, path):
        raise FoolingError(f"Could not write {path} (No space left on device).")

    monkeypatch.setattr("fooling_gui.core.evolution.save_run", full_disk)
    code, out, err = run_cli(capsys, "evolve", *TINY, "--out", tmp_path / "g",
                             "--save-run", tmp_path / "run.pt")
    assert code == 2
    line = one_sentence(err)
    assert "No space left on device" in line and "the gallery was written" in line
    assert (tmp_path / "g" / "manifest.json").is_file() and "Gallery:" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g"]


def test_the_run_file_is_written_when_the_gallery_cannot_be(tmp_path, capsys, monkeypatch):
    from fooling_gui.core.errors import FoolingError

    def full_disk(*args, **kwargs):
        raise FoolingError("Could not write the gallery (No space left on device).")

    monkeypatch.setattr("fooling_gui.core.gallery.export_gallery", full_disk)
    code, _, err = run_cli(capsys, "evolve", *TINY, "--out", tmp_path / "g",
                           "--save-run", tmp_path / "run.pt")
    assert code == 2 and "the run was saved to" in one_sentence(err)
    assert (tmp_path / "run.pt").is_file()
    monkeypatch.undo()  # the disk has room again: the saved run gives the gallery
    assert main(["evolve", "--resume", str(tmp_path / "run.pt"), "--generations", "1",
                 "--quiet", "--out", str(tmp_path / "g")]) == 0


# -- small tracebacks of old --------------------------------------------------------------

@pytest.mark.parametrize("argv, fragment", [
    (["evolve", *TINY, "--seed", "-1"], "between 0 and 2**63 - 1"),
    (["bench", "--seed", "-1"], "between 0 and 2**63 - 1"),
    (["evolve", *TINY, "--classes", "²"], "no class named '²'"),
    (["visualize", "--class", "²", "--steps", "1"], "no class named '²'"),
    (["attack", "--target", "²", "--digits", "1"], "no class named '²'"),
    (["evolve", *TINY, "--device", "meta"], "cpu, cuda (or cuda:N) or mps"),
    (["evolve", *TINY, "--device", "xla"], "cpu, cuda (or cuda:N) or mps"),
    (["evolve", *TINY, "--device", "cuda:99"], "cannot be used"),
    (["evolve", *TINY, "--batch", "x"], "is not a whole number"),
    (["evolve", *TINY, "--encoding", "pixels"], "invalid choice"),
])
def test_old_tracebacks_are_one_sentence(tmp_path, capsys, argv, fragment):
    if argv[0] in ("evolve", "visualize"):
        argv = [*argv, "--out", str(tmp_path / ("g" if argv[0] == "evolve" else "v.png"))]
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and fragment in one_sentence(err)
    assert list(tmp_path.iterdir()) == []


def test_out_dot_force_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("mine")
    code, _, err = run_cli(capsys, "evolve", *TINY, "--out", ".", "--force")
    assert code == 2 and "current folder" in one_sentence(err)
    assert (tmp_path / "keep.txt").read_text() == "mine"


# -- run files ---------------------------------------------------------------------------

@pytest.mark.parametrize("flag, value", [("--batch", "50"), ("--model", "alexnet"),
                                         ("--encoding", "cppn"), ("--seed", "4"),
                                         ("--classes", "3"), ("--random-init", None)])
def test_resume_with_a_conflicting_flag_is_an_error(tmp_path, capsys, run_file, flag, value):
    extra = [flag] if value is None else [flag, value]
    code, _, err = run_cli(capsys, "evolve", "--resume", run_file, "--generations", "2",
                           "--quiet", "--out", tmp_path / "g", *extra)
    assert code == 2 and flag in one_sentence(err) and "--resume" in err
    assert not (tmp_path / "g").exists()


def test_resume_with_the_saved_values_repeated_is_fine(tmp_path, capsys, run_file):
    code, _, err = run_cli(capsys, "evolve", "--resume", run_file, "--generations", "2",
                           "--quiet", "--out", tmp_path / "g", "--batch", "8", "--seed", "3",
                           "--model", "LeNet", "--encoding", "direct", "--classes", "all")
    assert code == 0, err


def test_a_run_saved_on_a_gpu_resumes_on_the_cpu_with_a_note(tmp_path, capsys, run_file):
    if torch.cuda.is_available():
        pytest.skip("this computer has a GPU")
    state = torch.load(run_file, weights_only=True)
    config = json.loads(state["config"])
    config["device"] = "cuda"
    state["config"] = json.dumps(config)
    gpu_file = tmp_path / "gpu-run.pt"
    torch.save(state, gpu_file)
    code, _, err = run_cli(capsys, "evolve", "--resume", gpu_file, "--generations", "2",
                           "--quiet", "--out", tmp_path / "g")
    assert code == 0
    assert "continues on the CPU" in one_sentence(err)
    manifest = json.loads((tmp_path / "g" / "manifest.json").read_text())
    assert manifest["generations"] == 2


def _damage(state: dict, how: str) -> dict:
    config = json.loads(state["config"])
    if how == "missing key":
        del state["images"]
    elif how == "wrong kind":
        state["generation"] = "seven"
    elif how == "bad settings json":
        state["config"] = "{not json"
    elif how == "batch as text":
        state["config"] = json.dumps(config | {"batch": "many"})
    elif how == "negative seed":
        state["config"] = json.dumps(config | {"seed": -1})
    elif how == "unknown model":
        state["config"] = json.dumps(config | {"model": "no-such-net"})
    elif how == "wrong image shape":
        state["images"] = torch.zeros(3, 5, 5, 1, dtype=torch.uint8)
    elif how == "cells out of range":
        state["filled"] = [0, 99]
    elif how == "broken rng":
        state["rng"] = json.dumps({"bit_generator": "nonsense"})
    elif how == "broken genomes":
        state["genomes"] = torch.zeros(2, 7)
    elif how == "broken history":
        state["history"] = [{"generation": 0}]
    elif how == "pickled object":
        state["history"] = [os.system]  # torch.save pickles it; loading must refuse it
    return state


@pytest.mark.parametrize("how", ["missing key", "wrong kind", "bad settings json",
                                 "batch as text", "negative seed", "unknown model",
                                 "wrong image shape", "cells out of range", "broken rng",
                                 "broken genomes", "broken history", "pickled object"])
def test_a_hand_edited_run_file_is_one_sentence(tmp_path, capsys, run_file, how):
    state = torch.load(run_file, weights_only=True)
    bad = tmp_path / "edited.pt"
    torch.save(_damage(state, how), bad)
    code, _, err = run_cli(capsys, "evolve", "--resume", bad, "--generations", "2",
                           "--quiet", "--out", tmp_path / "g")
    assert code == 2, err
    line = one_sentence(err)
    assert str(bad) in line or "no-such-net" in line
    assert "weights_only=False" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edited.pt"]


def test_reading_a_run_file_never_unpickles_objects(tmp_path, run_file):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    state = torch.load(run_file, weights_only=True)
    state["history"] = [Payload()]
    bad = tmp_path / "evil.pt"
    torch.save(state, bad)
    from fooling_gui.core.errors import FoolingError

    with pytest.raises(FoolingError, match="Python objects besides tensors"):
        checkpoint_mod.read_run_file(bad)
    assert not marker.exists()


# -- memory ----------------------------------------------------------------------------

def test_a_run_too_large_for_memory_is_refused_before_allocating(tmp_path, capsys,
                                                                 monkeypatch, no_evolving):
    monkeypatch.setenv("FOOLING_GUI_MEMORY_LIMIT", "1G")
    code, _, err = run_cli(capsys, "evolve", "--generations", "1", "--quiet",
                           "--batch", "50000", "--out", tmp_path / "g")
    line = one_sentence(err)
    assert code == 2
    assert "FOOLING_GUI_MEMORY_LIMIT is 1.0 GB" in line and "smaller --batch" in line


def test_the_memory_refusal_names_a_batch_that_fits(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FOOLING_GUI_MEMORY_LIMIT", "1G")
    _, _, err = run_cli(capsys, "evolve", "--generations", "1", "--quiet",
                        "--batch", "50000", "--out", tmp_path / "g")
    fits = int(err.split("at most about ")[1].split(" fits")[0].replace(",", ""))
    assert 1000 < fits < 50000
    code, _, err = run_cli(capsys, "evolve", "--generations", "0", "--quiet",
                           "--batch", str(fits), "--out", tmp_path / "g")
    assert code == 0, err


def test_alexnet_with_4000_offspring_is_refused_under_a_2_gb_limit(tmp_path, capsys,
                                                                    monkeypatch, no_evolving):
    monkeypatch.setenv("FOOLING_GUI_MEMORY_LIMIT", "2G")
    code, _, err = run_cli(capsys, "evolve", "--model", "alexnet", "--random-init",
                           "--encoding", "cppn", "--batch", "4000", "--generations", "1",
                           "--quiet", "--out", tmp_path / "g")
    line = one_sentence(err)
    assert code == 2 and "1,000 classes" in line and "GB of memory" in line
    assert "at most about" in line and not (tmp_path / "g").exists()


@pytest.mark.parametrize("error", [
    MemoryError(),
    RuntimeError("[enforce fail at alloc_cpu.cpp:117] . DefaultCPUAllocator: can't allocate "
                 "memory: you tried to allocate 96000000000 bytes."),
    torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB"),
])
def test_an_allocation_that_fails_anyway_is_one_sentence(tmp_path, capsys, monkeypatch, error):
    def step(self):
        raise error

    monkeypatch.setattr(EvolutionRun, "step", step)
    code, _, err = run_cli(capsys, "evolve", *TINY, "--out", tmp_path / "g")
    assert code == 2 and "Ran out of memory" in one_sentence(err)


def test_other_runtime_errors_keep_their_traceback(tmp_path, monkeypatch):
    def step(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(EvolutionRun, "step", step)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["evolve", *TINY, "--out", str(tmp_path / "g")])


def test_memory_running_out_mid_run_keeps_what_was_found(tmp_path, capsys, monkeypatch):
    real_step = EvolutionRun.step

    def step(self):
        if self.generation >= 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return real_step(self)

    monkeypatch.setattr(EvolutionRun, "step", step)
    code, _, err = run_cli(capsys, "evolve", "--generations", "5", "--batch", "8", "--quiet",
                           "--out", tmp_path / "g", "--save-run", tmp_path / "run.pt")
    line = one_sentence(err)
    assert code == 2 and "Ran out of memory" in line and "generations 0 to 1" in line
    manifest = json.loads((tmp_path / "g" / "manifest.json").read_text())
    assert manifest["generations"] == 1 and (tmp_path / "run.pt").is_file()
