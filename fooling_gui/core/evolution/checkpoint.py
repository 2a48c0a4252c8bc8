"""Save a run and resume it later: config, elites, genomes, history and RNG state.

The file is a ``torch.save`` of tensors, lists, strings and numbers only, so it
loads with ``weights_only=True`` — opening a run file never executes code. Reading
checks the file's outer structure (every entry present and of its kind, arrays the
shape the model needs) so a damaged or hand-edited file gets one sentence, not a
traceback.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..errors import FoolingError
from ..files import save_torch
from ..models.weights_io import load_tensors_only
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
    return save_torch(path, state)


@dataclass(frozen=True)
class SavedRun:
    """A run file's checked contents, before the run is rebuilt (see :func:`restore_run`).

    Attributes:
        path: where it was read from.
        config: the run's configuration as saved (its ``device`` included).
        state: the rest of the file, each entry of the expected kind.
    """

    path: Path
    config: RunConfig
    state: dict


# Entries of a run file and the kinds they must be (the outer structure; the genomes
# inside "genomes" are checked by the encoding that unpacks them).
_FIELDS = {"config": str, "encoding": str, "model_label": str, "weights_sha256": str,
           "generation": int, "evaluations": int, "wall_seconds": (int, float), "rng": str,
           "confidences": torch.Tensor, "generations": torch.Tensor, "images": torch.Tensor,
           "probabilities": torch.Tensor, "filled": list, "history": list}


def read_run_file(path: str | Path) -> SavedRun:
    """Read and check a run file without building the run (no model is loaded).

    The file is read with ``weights_only=True`` onto the CPU, so a run saved on a GPU
    opens on any computer and opening one never executes code.

    Raises:
        FoolingError: missing, not a run file, or damaged (one sentence saying where).
    """
    path = Path(path)
    if not path.is_file():
        raise FoolingError(f"No saved run at {path}.")
    state = load_tensors_only(path, "a fooling-gui run file")
    if not isinstance(state, dict) or state.get("format") not in (FORMAT, _LEGACY_FORMAT):
        raise FoolingError(f"{path} is not a fooling-gui run file.")
    for key, kind in _FIELDS.items():
        if key not in state:
            raise _damaged(path, f'"{key}" is missing')
        if not isinstance(state[key], kind) or isinstance(state[key], bool):
            raise _damaged(path, f'"{key}" is not what a run file holds there')
    try:
        data = json.loads(state["config"])
        json.loads(state["rng"])
    except ValueError:
        raise _damaged(path, "its settings are not valid JSON") from None
    if not isinstance(data, dict):
        raise _damaged(path, "its settings are not a table")
    if state["format"] == _LEGACY_FORMAT:
        data["preset"] = "legacy"  # the operators it was evolved with
    try:
        config = RunConfig.from_dict(data)
    except FoolingError as exc:
        raise _damaged(path, str(exc).rstrip(".")) from None
    except (TypeError, ValueError):
        raise _damaged(path, "its settings hold values of the wrong kind") from None
    if not _config_kinds_ok(config):
        raise _damaged(path, "its settings hold values of the wrong kind")
    if not (-1 <= state["generation"] and 0 <= state["evaluations"]
            and math.isfinite(state["wall_seconds"]) and state["wall_seconds"] >= 0):
        raise _damaged(path, "its generation counters are out of range")
    return SavedRun(path, config, state)


def restore_run(saved: SavedRun, classifier=None, device: str | None = None) -> EvolutionRun:
    """Rebuild the run in ``saved``; stepping it continues exactly where it stopped.

    Args:
        saved: from :func:`read_run_file`.
        classifier: the model, already loaded (else loaded from the saved config).
        device: run on this torch device instead of the saved one (a run saved on a GPU
            continues on the CPU).
    """
    path, state = saved.path, saved.state
    config = saved.config
    if device is not None and device != config.device:
        config = dataclasses.replace(config, device=device)
    try:
        run = EvolutionRun(config, classifier=classifier)
    except (TypeError, ValueError):  # e.g. encoding parameters edited into nonsense
        raise _damaged(path, "its settings cannot be used to rebuild the run") from None
    if state["weights_sha256"] and run.spec.weights_sha256 != state["weights_sha256"]:
        raise FoolingError(f"{path} was evolved with other weights for {config.model}; "
                           "load the same model file to resume it.")
    a = run.archive
    try:
        run.rng.bit_generator.state = json.loads(state["rng"])
        for name, target in (("confidences", a.confidences), ("generations", a.generations),
                             ("images", a.images), ("probabilities", a.probabilities)):
            saved_array = state[name].numpy()
            if saved_array.shape != target.shape:
                raise _damaged(path, f'"{name}" has the shape {saved_array.shape}, not '
                               f"{target.shape} as this model and these classes need")
            target[:] = saved_array
        filled = state["filled"]
        if not all(isinstance(c, int) and 0 <= c < len(a.class_indices) for c in filled):
            raise _damaged(path, "it names archive cells that do not exist")
        if state["genomes"] is not None:
            try:
                genomes = run.encoding.unpack(state["genomes"])
            except FoolingError as exc:  # the encoding's sentence, said of this file
                raise _damaged(path, str(exc).rstrip(".")) from None
            if len(genomes) != len(filled):
                raise _damaged(path, "it holds a different number of genomes than elites")
            for cell, genome in zip(filled, genomes):
                a.genomes[cell] = genome
        run.history = [_stats_from_state(s) for s in state["history"]]
    except FoolingError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, RuntimeError):
        raise _damaged(path, "its archive or history cannot be read back") from None
    run.generation = state["generation"]
    run.evaluations = state["evaluations"]
    run.wall_seconds = float(state["wall_seconds"])
    return run


def load_run(path: str | Path, classifier=None, device: str | None = None) -> EvolutionRun:
    """:func:`read_run_file` then :func:`restore_run`."""
    return restore_run(read_run_file(path), classifier, device)


def _config_kinds_ok(config: RunConfig) -> bool:
    """The saved settings have the kinds a run needs (RunConfig checks only ranges)."""
    def whole(v):
        return isinstance(v, int) and not isinstance(v, bool)

    return (isinstance(config.model, str) and isinstance(config.device, str)
            and whole(config.batch) and whole(config.generations)
            and whole(config.seed) and config.seed >= 0
            and (config.eval_batch is None or whole(config.eval_batch))
            and isinstance(config.encoding_params, dict)
            and isinstance(config.random_init, bool)
            and (config.ten_crop is None or isinstance(config.ten_crop, bool))  # None: the preset's
            and isinstance(config.preset, str))


def _damaged(path: Path, what: str) -> FoolingError:
    if what[:1].isupper() and what[1:2].islower():
        what = what[0].lower() + what[1:]
    return FoolingError(f"{path} is a damaged fooling-gui run file ({what}).")


def _stats_state(s: GenerationStats) -> dict:
    return {"generation": s.generation, "evaluations": s.evaluations,
            "wall_seconds": s.wall_seconds, "best": torch.from_numpy(s.best.copy()),
            "improved": s.improved}


def _stats_from_state(d: dict) -> GenerationStats:
    best = d["best"].numpy().astype(np.float64)
    return GenerationStats.of(best, d["generation"], d["evaluations"], d["wall_seconds"],
                              d["improved"])
