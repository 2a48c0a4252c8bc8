"""`fooling-gui experiment imagenet`: one line that runs the paper's ImageNet experiment."""

import json

from PIL import Image

from fooling_gui.cli import main
from fooling_gui.core.gallery import read_png_text

CLASSES = "king penguin,school bus,espresso"


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_tiny_run_writes_the_curve_the_summary_and_a_gallery(capsys, tmp_path):
    out = tmp_path / "run"
    code, stdout, err = run_cli(capsys, "experiment", "imagenet", "--classes", CLASSES,
                                "--generations", "3", "--batch", "6", "--out", str(out), "--json")
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    printed = json.loads(stdout)
    assert printed["median"] == summary["median"] and "history" not in printed
    assert summary["model"] == "efficientnet_lite0" and not summary["random_init"]
    assert summary["classes"] == 3 and summary["generations"] == 3
    assert summary["stopped_by"] == "generations" and summary["evaluations"] == 4 * 6
    assert [row["generation"] for row in summary["history"]] == [0, 1, 2, 3]
    medians = [row["median"] for row in summary["history"]]
    assert medians == sorted(medians)  # elites are only ever replaced by better ones
    assert summary["machine"]["cpu_cores"] >= 1 and summary["machine"]["torch"]
    assert summary["paper"]["median"] == 0.881
    assert Image.open(out / "curve.png").size == (1000, 560)
    manifest = json.loads((out / "gallery" / "manifest.json").read_text())
    assert {e["class_name"] for e in manifest["elites"]} == set(CLASSES.split(","))
    first = out / "gallery" / manifest["elites"][0]["file"]
    assert read_png_text(first)["model"] == "efficientnet_lite0"
    assert "generation 0/3" in err and "ETA" in err  # progress: generation, median, ETA
    assert "median" in err


def test_a_time_budget_ends_the_run_and_says_so(capsys, tmp_path):
    code, stdout, _ = run_cli(capsys, "experiment", "imagenet", "--classes", "goldfish",
                              "--batch", "4", "--minutes", "0.0001", "--out",
                              str(tmp_path / "t"), "--quiet", "--encoding", "direct")
    assert code == 0 and "reached --minutes" in stdout
    summary = json.loads((tmp_path / "t" / "summary.json").read_text())
    assert summary["stopped_by"] == "time" and summary["generations"] < 5000
    assert summary["paper"]["median"] == 0.216  # direct encoding's figure


def test_mistakes_are_one_sentence_before_any_work(capsys, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep me")
    code, _, err = run_cli(capsys, "experiment", "imagenet", "--out", str(tmp_path / "full"))
    assert code == 2 and "already exists" in err
    assert (tmp_path / "full" / "x").read_text() == "keep me"
    code, _, err = run_cli(capsys, "experiment", "imagenet", "--model", "lenet",
                           "--out", str(tmp_path / "new"))
    assert code == 2 and "needs an ImageNet model" in err and not (tmp_path / "new").exists()
