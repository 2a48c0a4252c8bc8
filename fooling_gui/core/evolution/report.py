"""A measured experiment's record: what ran, on which machine, and what it reached.

Used by ``fooling-gui experiment imagenet``; everything is plain JSON-ready data.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

import numpy as np
import torch

from ... import __version__

#: The paper's ImageNet results (Nguyen et al. 2015: AlexNet scoring 10 crops, 5000
#: generations): the median confidence over the 1000 classes per encoding.
PAPER_IMAGENET = {
    "cppn": {"median": 0.881, "generations": 5000, "offspring": 400},
    "direct": {"median": 0.216, "generations": 5000, "offspring": 200},
}


def cpu_name() -> str:
    """The processor's name as the system reports it ("" when unknown)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or ""


def machine_info(device: str | torch.device) -> dict:
    """Where a measurement was taken: CPU, cores, torch threads, GPU, versions."""
    device = torch.device(device)
    info = {
        "cpu": cpu_name(),
        "cpu_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "device": str(device),
        "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "fooling_gui": __version__,
    }
    return info


def history_rows(history) -> list[dict]:
    """One row per generation: median, mean, quartiles and counts at 99 % / 99.99 %."""
    rows = []
    for s in history:
        q1, q3 = (np.percentile(s.best, [25, 75]) if len(s.best) else (0.0, 0.0))
        rows.append({"generation": s.generation, "median": round(s.median, 6),
                     "mean": round(s.mean, 6), "q1": round(float(q1), 6),
                     "q3": round(float(q3), 6), "above_99": s.above_99,
                     "above_9999": s.above_9999, "wall_seconds": round(s.wall_seconds, 2)})
    return rows


def experiment_summary(run, *, elapsed_seconds: float, stopped_by: str,
                       command: str = "") -> dict:
    """The JSON summary of an ImageNet fooling experiment (see the CLI's ``--help``)."""
    from ..models.registry import display_name

    spec, config = run.spec, run.config
    last = run.history[-1] if run.history else None
    best = last.best if last is not None else np.zeros(0, np.float32)
    q1, q3 = (np.percentile(best, [25, 75]) if best.size else (0.0, 0.0))
    paper = PAPER_IMAGENET.get(config.encoding, {})
    return {
        "format": "fooling-gui-experiment/1",  # what --force may replace (see the CLI)
        "experiment": "imagenet",
        "command": command,
        "model": spec.name,
        "model_label": spec.label,
        "model_title": display_name(spec.name) + (" (RANDOM WEIGHTS)" if spec.random_init else ""),
        "weights_sha256": spec.weights_sha256,
        "random_init": spec.random_init,
        "encoding": config.encoding,
        "offspring_per_generation": config.batch,
        "eval_batch": config.eval_batch,
        "classes": int(best.size),
        "ten_crop": spec.ten_crop,
        "settings": config.settings(),
        "seed": config.seed,
        "generations": max(run.generation, 0),
        "evaluations": run.evaluations,
        "wall_seconds": round(run.wall_seconds, 2),
        "elapsed_seconds": round(elapsed_seconds, 2),
        "generations_per_minute": round(60 * max(run.generation, 0) / run.wall_seconds, 3)
        if run.wall_seconds else None,
        "stopped_by": stopped_by,
        "median": float(np.median(best)) if best.size else None,
        "mean": float(best.mean()) if best.size else None,
        "q1": float(q1), "q3": float(q3),
        "classes_at_least_99": int((best >= 0.99).sum()),
        "classes_at_least_9999": int((best >= 0.9999).sum()),
        "paper": paper | {"network": "CaffeNet (AlexNet) scored on 10 crops"} if paper else {},
        "machine": machine_info(config.device),
        "history": history_rows(run.history),
    }
