"""``attack``, ``toy`` and ``experiment``: JSON a script can read, exit 2 on bad input.

Random-weight LeNets keep these fast; the numbers they produce are real but meaningless,
so only their shape and bounds are checked here (tests/core/attacks checks behaviour).
"""

import json

import numpy as np
import pytest
from PIL import Image

from fooling_gui.cli import main


def run_json(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_toy_json_has_the_worked_example_numbers(capsys):
    r = run_json(capsys, "toy", "--json")
    assert r["score"] == pytest.approx(0.047, abs=0.01)
    assert r["score_after_all"] == pytest.approx(0.88, abs=0.01)
    assert r["max_change"] == 0.5 and len(r["score_after_one_input"]) == 10


def test_toy_prints_a_table(capsys):
    assert main(["toy"]) == 0
    assert "0.881" in capsys.readouterr().out


def test_attack_json_on_shipped_digits(capsys):
    r = run_json(capsys, "attack", "--random-init", "--digits", "10", "--method", "pgd",
                 "--epsilon", "0.1", "--steps", "3", "--target", "next", "--json")
    assert {"success_rate", "max_linf", "epsilon", "images", "model"} <= set(r)
    assert r["epsilon"] == 0.1 and r["max_linf"] <= 0.1 and r["n_images"] == 10
    assert "RANDOM WEIGHTS" in r["model"]
    labels = [im["label"] for im in r["images"]]
    assert labels == list(range(10))  # one digit of each class
    assert [im["target"] for im in r["images"]] == [(k + 1) % 10 for k in labels]
    first = r["images"][0]
    assert {"before", "after", "success", "linf"} <= set(first)
    assert len(first["after"]) == 3 and first["linf"] <= 0.1


def test_attack_writes_pngs_and_json(tmp_path, capsys):
    img = tmp_path / "digit.png"
    Image.fromarray(np.zeros((40, 40), dtype=np.uint8)).save(img)  # resized to 28×28
    out = tmp_path / "out"
    r = run_json(capsys, "attack", "--random-init", "--image", str(img), "--method", "fgsm",
                 "--epsilon", "0.05", "--out", str(out), "--json")
    assert r["n_images"] == 1 and r["labels"] == "model's prediction"
    names = sorted(p.name for p in out.iterdir())
    assert names == ["000_adversarial.png", "000_original.png", "000_perturbation.png",
                     "attack.json"]
    adv = np.asarray(Image.open(out / "000_adversarial.png"))
    assert adv.shape == (28, 28) and adv.max() <= round(0.05 * 255)  # from black, within ε
    assert json.loads((out / "attack.json").read_text())["max_linf"] == r["max_linf"]


@pytest.mark.parametrize("argv", [
    ["attack", "--random-init", "--image", "no/such/file.png"],
    ["attack", "--random-init", "--epsilon", "2"],
    ["attack", "--random-init", "--epsilon", "0.001"],
    ["attack", "--random-init", "--target", "12"],
    ["attack", "--random-init", "--target", "cat"],
    ["attack", "--random-init", "--digits", "5000"],
    ["experiment", "threshold", "--random-init", "--out", "no/such/dir/x.json"],
    ["experiment", "retrain", "--model", "no-such-model", "--rounds", "1"],
])
def test_bad_input_is_one_sentence_and_exit_code_2(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("fooling-gui: ") and "Traceback" not in err


def test_experiments_refuse_models_that_do_not_read_digits():
    from fooling_gui.cli.experiment_runs import require_mnist
    from fooling_gui.core.errors import FoolingError
    from fooling_gui.core.models.spec import ModelSpec

    spec = ModelSpec(name="alexnet", class_names=tuple(map(str, range(1000))), channels=3,
                     input_size=(224, 224), image_size=(256, 256), mean=(0.5,) * 3,
                     std=(0.5,) * 3)
    with pytest.raises(FoolingError, match="MNIST"):
        require_mnist(spec)


@pytest.mark.parametrize("argv", [
    ["attack", "--epsilon", "-1"],
    ["attack", "--method", "cw"],
    ["experiment", "threshold", "--thresholds", "a,b"],
    ["experiment", "nonsense"],
])
def test_malformed_arguments_exit_2(argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_threshold_experiment_json(capsys, tmp_path):
    out = tmp_path / "t.json"
    r = run_json(capsys, "experiment", "threshold", "--random-init", "--generations", "1",
                 "--batch", "10", "--runs", "1", "--noise", "20",
                 "--thresholds", "0.2,0.9", "--out", str(out), "--quiet", "--json")
    assert r["experiment"] == "threshold" and r["fooling_images"] == 10
    assert [row["threshold"] for row in r["rows"]] == [0.2, 0.9]
    assert {"fooling_accepted", "real_rejected", "noise_accepted"} <= set(r["rows"][0])
    assert json.loads(out.read_text()) == r


def test_smoothing_experiment_json(capsys):
    r = run_json(capsys, "experiment", "smoothing", "--random-init", "--generations", "1",
                 "--batch", "10", "--runs", "1", "--settings", "0,1",
                 "--adaptive-generations", "1", "--quiet", "--json")
    assert [row["setting"] for row in r["rows"]] == [0.0, 1.0]
    assert r["rows"][1]["adaptive"]["evaluations"] == 20
    assert 0.0 <= r["rows"][0]["clean_accuracy"] <= 1.0


def test_ensemble_and_transfer_json(capsys):
    # One member / no extra models: nothing to train, so this stays fast.
    r = run_json(capsys, "experiment", "ensemble", "--random-init", "--members", "1",
                 "--generations", "1", "--batch", "10", "--quiet", "--json")
    assert [c["mode"] for c in r["comparisons"]] == ["mean", "min"]
    single = r["comparisons"][0]["single"]
    assert single["evaluations"] == 20 and len(single["per_class"]) == 10
    assert set(r["clean_accuracy"]) == {"lenet (RANDOM WEIGHTS)", "ensemble-mean", "ensemble-min"}
    r = run_json(capsys, "experiment", "transfer", "--random-init", "--models", "0",
                 "--random-target", "--generations", "1", "--batch", "10", "--quiet", "--json")
    m = r["matrix"]
    assert len(m["sources"]) == 1 and len(m["targets"]) == 2
    assert len(m["mean_confidence"]) == 1 and len(m["mean_confidence"][0]) == 2


def test_experiment_tables_print(capsys):
    assert main(["experiment", "threshold", "--random-init", "--generations", "0",
                 "--batch", "5", "--runs", "1", "--noise", "0", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "threshold" in out and "fooling accepted" in out
