"""A run's numbers as ``--stats`` prints them and the status bar shows them."""

from __future__ import annotations

import numpy as np


def run_stats(frame, snapshots_drawn: int = 0) -> dict:
    """Generations, evaluations, speed and confidences of the run a RunFrame shows
    (zeros before any frame); ``snapshots_drawn``: frames the view has drawn."""
    snap = frame.snapshot if frame is not None else None
    return {
        "generations": int(snap.generation) if snap else 0,
        "evaluations": int(snap.evaluations) if snap else 0,
        "evals_per_second": round(float(snap.evals_per_second), 1) if snap else 0.0,
        "snapshots_drawn": snapshots_drawn,
        "min_confidence": float(snap.min_confidence) if snap else 0.0,
        "median_confidence": float(np.median(np.clip(snap.confidences, 0, None)))
        if snap is not None and snap.confidences.size else 0.0,
        "classes": int(snap.confidences.size) if snap else 0,
        "model": frame.model.label if frame is not None else "",
        "encoding": frame.config.encoding if frame is not None else "",
    }
