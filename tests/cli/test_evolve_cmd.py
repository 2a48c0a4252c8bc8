"""`fooling-gui evolve`, `classify` and `bench` as a user runs them."""

import json

import pytest

from fooling_gui.cli import main


def _evolve(tmp_path, name, *extra):
    out = tmp_path / name
    code = main(["evolve", "--generations", "4", "--batch", "24", "--seed", "7", "--quiet",
                 "--out", str(out), *extra])
    assert code == 0
    return out, json.loads((out / "manifest.json").read_text())


@pytest.mark.parametrize("encoding", ["direct", "cppn"])
def test_evolve_writes_a_gallery_that_classify_reproduces(tmp_path, capsys, encoding):
    out, manifest = _evolve(tmp_path, "g", "--encoding", encoding)
    for key in ("model", "weights_sha256", "encoding", "seed", "generations", "evaluations",
                "wall_seconds", "elites"):
        assert key in manifest
    assert manifest["evaluations"] == 5 * 24 and manifest["generations"] == 4
    assert len(manifest["weights_sha256"]) == 64
    assert [e["class_index"] for e in manifest["elites"]] == list(range(10))
    capsys.readouterr()
    files = [str(out / e["file"]) for e in manifest["elites"]]
    assert main(["classify", *files, "--json", "--top", "10"]) == 0
    results = json.loads(capsys.readouterr().out)
    for e, r in zip(manifest["elites"], results):
        p = {t["class_index"]: t["confidence"] for t in r["top"]}[e["class_index"]]
        assert abs(p - e["confidence"]) <= 1e-4


def test_same_seed_gives_identical_png_bytes(tmp_path):
    a, ma = _evolve(tmp_path, "a", "--encoding", "cppn")
    b, mb = _evolve(tmp_path, "b", "--encoding", "cppn")
    assert [e["confidence"] for e in ma["elites"]] == [e["confidence"] for e in mb["elites"]]
    for e in ma["elites"]:
        assert (a / e["file"]).read_bytes() == (b / e["file"]).read_bytes()


def test_classes_subset_by_index(tmp_path):
    _, manifest = _evolve(tmp_path, "g", "--classes", "7,3")
    assert [e["class_index"] for e in manifest["elites"]] == [7, 3]


@pytest.mark.parametrize("args, message", [
    (["--classes", "3,12"], "Class 12 does not exist"),
    (["--classes", "giraffe"], "no class named 'giraffe'"),
    (["--model", "no-such-model"], "no-such-model"),
])
def test_user_errors_are_one_sentence_and_exit_2(tmp_path, capsys, args, message):
    code = main(["evolve", "--generations", "1", "--out", str(tmp_path / "g"), "--quiet", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "g").exists()


def test_existing_gallery_refused_before_evolving(tmp_path, capsys):
    out = tmp_path / "g"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["evolve", "--generations", "1", "--out", str(out), "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"


def test_nonsense_numbers_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["evolve", "--generations", "-3", "--out", str(tmp_path / "g")])
    assert exc.value.code == 2
    assert "must not be negative" in capsys.readouterr().err


def test_resume_continues_a_saved_run(tmp_path):
    run_file = tmp_path / "run.pt"
    _evolve(tmp_path, "first", "--save-run", str(run_file))
    out = tmp_path / "more"
    assert main(["evolve", "--resume", str(run_file), "--generations", "8", "--quiet",
                 "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["generations"] == 8 and manifest["evaluations"] == 9 * 24


def test_bench_reports_loop_and_forward_throughput(capsys):
    assert main(["bench", "--model", "lenet", "--encoding", "direct", "--seconds", "1",
                 "--batch", "50", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) >= {"model", "encoding", "device", "batch", "evals_per_s",
                           "forward_evals_per_s", "ratio"}
    assert result["batch"] == 50 and result["evals_per_s"] > 0
    assert result["ratio"] == pytest.approx(result["evals_per_s"] / result["forward_evals_per_s"],
                                            rel=1e-3)


def test_random_init_is_flagged_in_outputs(tmp_path):
    out = tmp_path / "g"
    assert main(["evolve", "--random-init", "--generations", "1", "--batch", "8", "--quiet",
                 "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["random_init"] is True
    assert "RANDOM WEIGHTS" in manifest["model_label"]
    assert "Random weights" in (out / "index.html").read_text()
