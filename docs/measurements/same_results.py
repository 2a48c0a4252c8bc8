"""Fingerprints of seeded runs, to show a speed change leaves every result alone.

    PYTHONPATH=. python docs/measurements/same_results.py OUT.json [--quick]

Runs LeNet (shipped weights) and AlexNet (random weights) with both encodings and both
presets, and a few non-default CPPN options, and hashes everything a user could see:
every generation's scores, the elites' images, genomes and confidences, elites drawn
at another size and large, and the PNGs `fooling-gui evolve` writes (their pixels).
Run it before and after a change and compare the two files (`diff`).
"""

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

from fooling_gui.core.evolution import EvolutionRun, RunConfig
from fooling_gui.core.models import load_model

# (label, model, random_init, encoding, preset, extra settings, batch, generations)
CASES = [
    ("lenet-cppn-paper", "lenet", False, "cppn", "paper", {}, 200, 60),
    ("lenet-cppn-legacy", "lenet", False, "cppn", "legacy", {}, 200, 60),
    ("lenet-cppn-ff-pixel", "lenet", False, "cppn", "paper",
     {"evaluation": "feed-forward", "pixel_levels": "round"}, 100, 40),
    ("lenet-cppn-options", "lenet", False, "cppn", "paper",
     {"add_connection_choice": "unlinked", "activation_mutation": "switch",
      "mutation_form": "deb", "output_activation": "sigmoid", "max_hidden_nodes": 3},
     100, 40),
    ("lenet-direct-paper", "lenet", False, "direct", "paper", {}, 200, 60),
    ("lenet-direct-legacy", "lenet", False, "direct", "legacy", {}, 200, 60),
    ("alexnet-cppn-paper-centre", "alexnet", True, "cppn", "paper", {"crops": "centre"}, 24, 3),
    ("alexnet-cppn-paper-ten", "alexnet", True, "cppn", "paper", {}, 10, 2),
    ("alexnet-cppn-legacy", "alexnet", True, "cppn", "legacy", {}, 24, 3),
    ("alexnet-cppn-hsv", "alexnet", True, "cppn", "paper",
     {"crops": "centre", "colour_space": "hsv"}, 24, 3),
    ("alexnet-direct-paper", "alexnet", True, "direct", "paper", {"crops": "centre"}, 24, 3),
    ("alexnet-direct-legacy", "alexnet", True, "direct", "legacy", {}, 24, 3),
]


def _sha(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
        h.update(str(a.dtype).encode() + str(a.shape).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def _genome_sha(run, genome) -> str:
    if run.config.encoding == "direct":
        return _sha(genome)
    return hashlib.sha256(json.dumps(genome.to_dict(), sort_keys=True).encode()).hexdigest()[:16]


def fingerprint(case, models) -> dict:
    label, model, random_init, encoding, preset, extra, batch, generations = case
    key = (model, random_init, extra.get("crops"))
    crops = extra.get("crops")
    params = {k: v for k, v in extra.items() if k != "crops"}
    ten = None if crops is None else crops == "ten"
    config = RunConfig(model=model, encoding=encoding, batch=batch, generations=generations,
                       seed=3, random_init=random_init, preset=preset, encoding_params=params,
                       ten_crop=ten)
    if key not in models:
        models[key] = load_model(model, random_init=random_init, ten_crop=config.uses_ten_crop)
    run = EvolutionRun(config, classifier=models[key])
    scores = hashlib.sha256()
    evaluate = run.evaluate

    def recording(genomes):  # every generation's scores go into the fingerprint
        images, probs = evaluate(genomes)
        scores.update(np.ascontiguousarray(probs).tobytes())
        return images, probs

    run.evaluate = recording
    run.run()
    archive = run.archive
    filled = archive.filled.tolist()
    elites = [archive.genomes[c] for c in filled]
    out = {"scores": scores.hexdigest()[:16],
           "confidences": _sha(archive.confidences),
           "images": _sha(archive.images),
           "genomes": [_genome_sha(run, g) for g in elites]}
    with torch.inference_mode():
        h, w = run.image_size
        out["render_other_size"] = _sha(run.encoding.render(elites[:8], (h * 2 + 3, w + 5)))
        if encoding == "cppn":
            out["render_large"] = _sha(np.stack([run.encoding.render_large(g, (300, 170))
                                                 for g in elites[:3]]))
            out["render_window"] = _sha(run.encoding.render(elites[:8], (h, w),
                                                            window=(2, 5, h // 2, w // 3)))
    return out


def cli_pngs(encoding: str, preset: str) -> str:
    """Hash of the pixels of every PNG a short `fooling-gui evolve` writes."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "fooling_gui", "evolve", "--encoding", encoding,
                        "--preset", preset, "--generations", "15", "--seed", "5", "--quiet",
                        "--out", str(Path(tmp) / "g")], check=True)
        h = hashlib.sha256()
        for png in sorted((Path(tmp) / "g").rglob("*.png")):
            h.update(png.name.encode())
            h.update(np.asarray(Image.open(png)).tobytes())
        return h.hexdigest()[:16]


def main(path: str, quick: bool = False) -> None:
    torch.manual_seed(0)
    models: dict = {}
    result = {}
    for case in CASES:
        if quick and case[1] != "lenet":
            continue
        result[case[0]] = fingerprint(case, models)
        print(case[0], result[case[0]]["scores"], flush=True)
    for encoding in ("cppn", "direct"):
        for preset in ("paper", "legacy"):
            result[f"cli-{encoding}-{preset}"] = cli_pngs(encoding, preset)
    Path(path).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], "--quick" in sys.argv[2:])
