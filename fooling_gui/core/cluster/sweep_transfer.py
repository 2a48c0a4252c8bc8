"""A sweep's transfer matrix: every finished run's elites scored by every model.

Models with other classes (or channels) than a run's own model get a "other classes"
cell. A cell already scored for the same finished run is kept, so continuing a sweep
scores only what is new.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import FoolingError
from . import sweep_folder as folder

if TYPE_CHECKING:
    from .sweep import PlannedRun


def score_transfer(ray, root: Path, planned: list[PlannedRun], rows: dict,
                   cached: dict | None, failures: list[str]) -> dict:
    """Every finished run's elites scored by every model with the same classes
    (cells already scored for the same finished run are kept)."""
    from ..images import load_image
    from .ray_runtime import remote_error
    from .sweep_tasks import score_on_model

    done = [p for p in planned if rows[p.run.run_id].get("status") == "done"]
    old = {(c["run_id"], c["model"]): c for c in (cached or {}).get("cells", [])
           if c.get("finished") is not None}
    models: dict[str, PlannedRun] = {}
    for p in planned:
        models.setdefault(p.run.model, p)
    cells, jobs = [], []
    galleries: dict[str, tuple] = {}
    for name, mp in models.items():
        wanted = {}
        for p in done:
            finished = rows[p.run.run_id].get("finished")
            if (p.model.class_names, p.model.channels) != (mp.model.class_names,
                                                           mp.model.channels):
                cells.append({"run_id": p.run.run_id, "model": name, "mean_confidence": None,
                              "note": "other classes"})
                continue
            prior = old.get((p.run.run_id, name))
            if prior is not None and prior.get("finished") == finished:
                cells.append(prior)
                continue
            if p.run.run_id not in galleries:
                g = folder.read_json(folder.gallery_dir(root, p.run.run_id) / "manifest.json")
                imgs = [load_image(folder.gallery_dir(root, p.run.run_id) / e["file"],
                                   p.model.channels) for e in g["elites"]]
                galleries[p.run.run_id] = (np.stack(imgs), np.array(
                    [e["class_index"] for e in g["elites"]], dtype=np.int64),
                    p.config.uses_ten_crop)
            wanted[p.run.run_id] = galleries[p.run.run_id]
        if wanted:
            task = ray.remote(score_on_model).options(
                num_cpus=mp.run.cpus, num_gpus=mp.run.gpus or None, max_retries=0)
            jobs.append((name, wanted, task.remote(name, mp.run.random_init, mp.run.device,
                                                    max(1, int(mp.run.cpus)), wanted)))
    for name, wanted, ref in jobs:
        try:
            scores = ray.get(ref)
        except Exception as exc:  # noqa: BLE001 — said in the cells and the failures
            err = remote_error(exc)
            text = str(err) if isinstance(err, FoolingError) else f"{type(err).__name__}"
            failures.append(f"transfer on {name}: {text}")
            cells.extend({"run_id": run_id, "model": name, "mean_confidence": None,
                          "note": "scoring failed"} for run_id in wanted)
            continue
        for run_id, s in scores.items():
            cells.append({"run_id": run_id, "model": name, **s,
                          "finished": rows[run_id].get("finished")})
    labels = {name: p.model.label for name, p in models.items()}
    return {"models": list(models), "model_labels": labels,
            "runs": [p.run.run_id for p in done], "cells": cells,
            "by_model": by_model(cells, {p.run.run_id: p.run.model for p in done},
                                  list(models))}


def by_model(cells: list[dict], source_of: dict[str, str], models: list[str]) -> dict:
    """Mean confidence of each source model's runs on each target model."""
    grid: dict[str, dict[str, float | None]] = {}
    for src in models:
        grid[src] = {}
        for tgt in models:
            vals = [c["mean_confidence"] for c in cells
                    if c["model"] == tgt and source_of.get(c["run_id"]) == src
                    and c.get("mean_confidence") is not None]
            grid[src][tgt] = sum(vals) / len(vals) if vals else None
    return grid
