"""The shipped ImageNet network from the command line: models, classify, bench --compare."""

import json

import numpy as np
from PIL import Image

from fooling_gui.cli import main
from fooling_gui.core.images import fit_image


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_models_lists_efficientnet_lite0_with_its_weights(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # an empty hub cache changes nothing
    code, out, _ = run_cli(capsys, "models", "--json")
    row = {r["name"]: r for r in json.loads(out)}["efficientnet_lite0"]
    assert code == 0 and row["kind"] == "imagenet" and row["weights_present"]


def test_classify_photos_names_what_they_show(capsys):
    code, out, _ = run_cli(capsys, "classify", "--photos", "--model", "efficientnet_lite0",
                           "--top", "1", "--json")
    assert code == 0
    top1 = {r["file"].rsplit("/", 1)[-1]: r["top"][0]["class_name"] for r in json.loads(out)}
    assert top1["coffee.png"] == "espresso"
    assert top1["camera.png"] == "tripod"
    assert top1["chelsea.png"] in ("tabby", "tiger cat", "Egyptian cat")
    assert top1["rocket.jpg"] in ("missile", "projectile")


def test_classify_help_says_photos_are_not_squashed(capsys):
    try:
        main(["classify", "--help"])
    except SystemExit:
        pass
    text = " ".join(capsys.readouterr().out.split())
    assert "shorter side" in text and "centre" in text


def test_a_wide_image_keeps_its_proportions_and_loses_its_sides():
    # Left third red, middle green, right third blue: the centre crop is all green.
    wide = np.zeros((100, 300, 3), np.uint8)
    wide[:, :100, 0] = wide[:, 100:200, 1] = wide[:, 200:, 2] = 255
    out = fit_image(wide, (50, 50))
    assert out.shape == (50, 50, 3)
    assert (out[:, :, 1] > 200).all() and (out[:, :, 0] < 50).all() and (out[:, :, 2] < 50).all()
    tall = np.asarray(Image.fromarray(wide).rotate(90, expand=True))
    assert fit_image(tall, (50, 50))[:, :, 1].min() > 200


def test_bench_compare_times_lite0_beside_alexnet(capsys):
    code, out, _ = run_cli(capsys, "bench", "--model", "efficientnet_lite0", "--compare",
                           "alexnet", "--seconds", "0.5", "--batch", "2", "--json")
    assert code == 0
    models = json.loads(out)["models"]
    assert [m["model"] for m in models] == ["efficientnet_lite0", "alexnet (RANDOM WEIGHTS)"]
    assert all(m["evals_per_s"] > 0 for m in models) and models[0]["relative"] == 1.0


def test_attack_photos_at_two_levels_towards_random_classes(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "attack", "--model", "efficientnet_lite0", "--photos",
                           "--epsilon", "2/255", "--target", "random:2", "--steps", "1",
                           "--out", str(tmp_path / "a"), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["n_images"] == 10 and report["targeted"]
    assert report["epsilon"] == 2 / 255 and report["max_linf"] <= 2 / 255 + 1e-9
    by_photo = {}
    for item in report["images"]:
        by_photo.setdefault(item["input"].split(" → ")[0], set()).add(item["target"])
    assert set(by_photo) == {"cat", "coffee", "rocket", "cameraman", "astronaut"}
    assert all(len(t) == 2 for t in by_photo.values())  # two different targets each
    assert (tmp_path / "a" / "009_perturbation.png").is_file()


def test_attack_rejects_photos_for_a_digit_model_and_bad_random_counts(capsys):
    code, _, err = run_cli(capsys, "attack", "--photos")
    assert code == 2 and "colour pictures for ImageNet models" in err
    code, _, err = run_cli(capsys, "attack", "--model", "efficientnet_lite0", "--photos",
                           "--target", "random:0")
    assert code == 2 and "random:N" in err
