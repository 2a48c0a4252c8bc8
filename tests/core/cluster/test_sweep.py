"""Sweeps on a local Ray instance: galleries, summary, transfer matrix, resuming."""

import json
import shutil

import numpy as np
import pytest
import torch

from fooling_gui.core.cluster.sweep import run_sweep
from fooling_gui.core.cluster.sweep_folder import gallery_dir, marker_path, read_sweep
from fooling_gui.core.cluster.sweep_spec import SweepSpec
from fooling_gui.core.errors import FoolingError
from fooling_gui.core.models.lenet import seeded_lenet


@pytest.fixture(scope="module")
def other_lenet(tmp_path_factory):
    """A second MNIST model (LeNet with other weights), so the sweep has a transfer matrix."""
    path = tmp_path_factory.mktemp("model") / "other.pth"
    torch.save(seeded_lenet(1).state_dict(), path)
    path.with_suffix(".json").write_text(json.dumps({"architecture": "lenet"}))
    return path


def spec_of(other, batch=20) -> SweepSpec:
    return SweepSpec.from_text(f'models = ["lenet", "{other}"]\nencodings = ["direct"]\n'
                               f"seeds = [0]\ngenerations = [3]\nbatch = {batch}\n")


@pytest.fixture(scope="module")
def finished(ray_local, other_lenet, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "out"
    seen = []
    outcome = run_sweep(spec_of(other_lenet), out, on_progress=seen.append)
    return out, outcome, seen


def pngs(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.png"))}


def test_a_two_run_sweep_writes_galleries_a_summary_and_a_transfer_matrix(finished):
    out, outcome, seen = finished
    assert not outcome.failures
    ids = [r["run_id"] for r in outcome.rows]
    assert ids == ["lenet-direct-seed0-gen3-all-paper", "other-direct-seed0-gen3-all-paper"]
    for run_id in ids:
        manifest = json.loads((gallery_dir(out, run_id) / "manifest.json").read_text())
        assert len(manifest["elites"]) == 10 and manifest["generations"] == 3
        assert len(pngs(gallery_dir(out, run_id))) == 11  # 10 elites + the contact sheet
    csv_lines = (out / "summary.csv").read_text().splitlines()
    assert len(csv_lines) == 3 and csv_lines[1].startswith(ids[0] + ",done,lenet,direct,0,3")
    page = (out / "index.html").read_text()
    assert all(f"runs/{i}/index.html" in page for i in ids) and "Transfer" in page
    # Every run's elites on every model; on its own model a run's images score what
    # evolution recorded (fitness is measured on the saved 8-bit image).
    cells = {(c["run_id"], c["model"]): c for c in outcome.transfer["cells"]}
    assert len(cells) == 4
    for run_id, model in zip(ids, outcome.transfer["models"]):
        manifest = json.loads((gallery_dir(out, run_id) / "manifest.json").read_text())
        recorded = np.mean([e["confidence"] for e in manifest["elites"]])
        assert cells[(run_id, model)]["mean_confidence"] == pytest.approx(recorded, abs=1e-6)
    assert seen[-1].runs_done == 2 and seen[-1].images_done == seen[-1].images_total == 2 * 4 * 20
    browsed = read_sweep(out)
    assert browsed.runs_done == 2 and len(browsed.gallery(ids[1]).elites) == 10


def test_a_killed_sweep_continues_where_it_stopped(finished, other_lenet, tmp_path):
    out, outcome, _ = finished
    work = tmp_path / "sweep"
    shutil.copytree(out, work)
    first, second = (r["run_id"] for r in outcome.rows)
    before = pngs(gallery_dir(work, second))
    kept = marker_path(work, first).stat().st_mtime_ns
    # Killed while the second run's gallery was being written: its temporary folder and
    # a half-written marker are there, its gallery and marker are not.
    shutil.rmtree(gallery_dir(work, second))
    marker_path(work, second).unlink()
    half = work / "runs" / f".{second}.k1ll3d"
    half.mkdir()
    (half / "0003_3.png").write_bytes(b"\x89PNG half")
    (work / "runs" / f".{second}.done.json.x").write_text('{"run_id": ')
    seen = []
    again = run_sweep(spec_of(other_lenet), work, on_progress=seen.append)
    assert seen[0].runs_skipped == 1 and seen[-1].runs_done == 2
    assert marker_path(work, first).stat().st_mtime_ns == kept  # not run again
    assert pngs(gallery_dir(work, second)) == before  # run again, to the same bytes
    assert not list((work / "runs").glob(".*"))
    assert [r["status"] for r in again.rows] == ["done", "done"]


def test_a_finished_run_whose_settings_changed_is_not_overwritten(finished, other_lenet):
    out, _, _ = finished
    with pytest.raises(FoolingError, match="other settings than the sweep file asks for"):
        run_sweep(spec_of(other_lenet, batch=30), out)


def test_a_cuda_sweep_on_a_cluster_without_gpus_is_refused_before_running(ray_local, tmp_path):
    spec = SweepSpec.from_text('encodings = ["direct"]\ngenerations = [1]\ndevice = "cuda"\n')
    with pytest.raises(FoolingError, match="no Ray node has a free GPU"):
        run_sweep(spec, tmp_path / "out")
    assert not list((tmp_path / "out" / "runs").glob("*.done.json"))
