"""What a new user meets on the command line: the README's own commands do
what they say, numbers read as in the window, long work shows how long it has left."""

from __future__ import annotations

import json
import re

import pytest

from fooling_gui.cli import main
from fooling_gui.core.formatting import format_confidence


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    out = tmp_path_factory.mktemp("g") / "gallery"
    assert main(["evolve", "--model", "lenet", "--encoding", "cppn", "--generations", "3",
                 "--batch", "20", "--out", str(out), "--quiet"]) == 0
    return out


def test_classify_gallery_glob_skips_the_contact_sheet(gallery, capsys):
    files = sorted(str(p) for p in gallery.glob("*.png"))
    assert any(f.endswith("contact_sheet.png") for f in files)
    capsys.readouterr()
    assert main(["classify", *files, "--model", "lenet", "--json"]) == 0
    out = capsys.readouterr()
    results = json.loads(out.out)
    assert len(results) == 10 and not any("contact_sheet" in r["file"] for r in results)
    assert "skipped" in out.err and "contact sheet" in out.err
    # Only a contact sheet: one sentence, exit code 2.
    assert main(["classify", str(gallery / "contact_sheet.png")]) == 2


def test_classify_prints_confidences_as_the_window_does(gallery, capsys):
    files = sorted(str(p) for p in gallery.glob("0*.png"))
    main(["classify", *files, "--model", "lenet", "--json", "--top", "1"])
    expected = [format_confidence(r["top"][0]["confidence"])
                for r in json.loads(capsys.readouterr().out)]
    main(["classify", *files, "--model", "lenet", "--top", "1"])
    text = capsys.readouterr().out
    assert [line.strip().split("  ")[0] for line in text.splitlines()
            if line.startswith("  ")] == expected
    assert "100.0000 %" not in text


def test_toy_numbers_inputs_x1_to_x10_like_the_window(capsys):
    assert main(["toy"]) == 0
    names = re.findall(r"^\s+(x\d+)\s", capsys.readouterr().out, flags=re.MULTILINE)
    assert names == [f"x{i}" for i in range(1, 11)]


def test_bench_shows_progress_with_time_left(capsys):
    assert main(["bench", "--model", "lenet", "--seconds", "0.6", "--batch", "20"]) == 0
    err = capsys.readouterr().err
    assert "bench: " in err and "left" in err
    assert main(["bench", "--model", "lenet", "--seconds", "0.6", "--batch", "20",
                 "--quiet", "--json"]) == 0
    out = capsys.readouterr()
    assert out.err == "" and json.loads(out.out)["evals_per_s"] > 0


def test_experiment_shows_progress_and_says_never_not_none(capsys):
    assert main(["experiment", "retrain", "--rounds", "0", "--generations", "1",
                 "--batch", "10"]) == 0
    captured = capsys.readouterr()
    assert "None" not in captured.err and "None" not in captured.out
    assert "never" in captured.err  # no digit reached 99 % in one generation
    assert "gen" in captured.err and "retrain" in captured.err  # the bar
