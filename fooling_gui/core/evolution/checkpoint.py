"""Save a run and resume it later: config, elites, genomes, history and RNG state.

The file is a ``torch.save`` of tensors, lists, strings and numbers only, so it
loads with ``weights_only=True`` — opening a run file never executes code.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import torch

from ..errors import FoolingError
from .config import RunConfig
from .run import EvolutionRun
from .stats import GenerationStats

FORMAT = "fooling-gui-run/2"
# Files written before the paper preset: their settings are the ``legacy`` preset's.
_LEGACY_FORMAT = "fooling-gui-run/1"


def save_run(run: EvolutionRun, path: str | Path) -> Path:
    """Write ``run`` to ``path`` atomically (a temp file renamed into place)."""
    path = Path(path)
    a = run.archive
    filled = a.filled
    state = {
        "format": FORMAT,
        "config": json.dumps(run.config.to_dict()),
        "encoding": json.dumps(run.encoding.config()),
        "model_label": run.spec.label,
        "weights_sha256": run.spec.weights_sha256,
        "generation": run.generation,
        "evaluations": run.evaluations,
        "wall_seconds": run.wall_seconds,
        "rng": json.dumps(run.rng.bit_generator.state),
        "confidences": torch.from_numpy(a.confidences.copy()),
        "generations": torch.from_numpy(a.generations.copy()),
        "images": torch.from_numpy(a.images.copy()),
        "probabilities": torch.from_numpy(a.probabilities.copy()),
        "filled": filled.tolist(),
        "genomes": run.encoding.pack([a.genomes[c] for c in filled]) if filled.size else None,
        "history": [_stats_state(s) for s in run.history],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
        torch.save(state, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise FoolingError(f"Could not save the run to {path}: {exc.strerror or exc}.") from None
    return path


def load_run(path: str | Path, classifier=None) -> EvolutionRun:
    """Rebuild a saved run; stepping it continues exactly where it stopped."""
    path = Path(path)
    if not path.is_file():
        raise FoolingError(f"No saved run at {path}.")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 — any unreadable file is one user error
        raise FoolingError(f"{path} is not a fooling-gui run file ({type(exc).__name__}).") from None
    if not isinstance(state, dict) or state.get("format") not in (FORMAT, _LEGACY_FORMAT):
        raise FoolingError(f"{path} is not a fooling-gui run file.")
    config_dict = json.loads(state["config"])
    if state["format"] == _LEGACY_FORMAT:
        config_dict["preset"] = "legacy"  # the operators it was evolved with
    config = RunConfig.from_dict(config_dict)
    run = EvolutionRun(config, classifier=classifier)
    if state["weights_sha256"] and run.spec.weights_sha256 != state["weights_sha256"]:
        raise FoolingError(f"{path} was evolved with other weights for {config.model}; "
                           "load the same model file to resume it.")
    run.rng.bit_generator.state = json.loads(state["rng"])
    a = run.archive
    a.confidences[:] = state["confidences"].numpy()
    a.generations[:] = state["generations"].numpy()
    a.images[:] = state["images"].numpy()
    a.probabilities[:] = state["probabilities"].numpy()
    if state["genomes"] is not None:
        for cell, genome in zip(state["filled"], run.encoding.unpack(state["genomes"])):
            a.genomes[cell] = genome
    run.generation = int(state["generation"])
    run.evaluations = int(state["evaluations"])
    run.wall_seconds = float(state["wall_seconds"])
    run.history = [_stats_from_state(s) for s in state["history"]]
    run._pending_from = 0
    return run


def _stats_state(s: GenerationStats) -> dict:
    return {"generation": s.generation, "evaluations": s.evaluations,
            "wall_seconds": s.wall_seconds, "best": torch.from_numpy(s.best.copy()),
            "improved": s.improved}


def _stats_from_state(d: dict) -> GenerationStats:
    best = d["best"].numpy().astype(np.float64)
    return GenerationStats.of(best, d["generation"], d["evaluations"], d["wall_seconds"],
                              d["improved"])
