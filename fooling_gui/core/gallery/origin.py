"""Where a seeded run came from: the image it started from, and that image's run.

"Evolve from it" starts a run from one elite of another run. The new run's images
then depend on that elite as much as on their own seed, so their provenance names it:
the run it belonged to (model, weights, encoding, seed, generation reached, and that
run's own origin when it was seeded too), when it was found, and a hash of its genome.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np


def genome_sha256(encoding, genome) -> str:
    """SHA-256 of a genome, stable across runs and machines.

    CPPN: of its JSON (``encoding.describe(genome)["genome"]``, keys sorted, no spaces),
    which is also in the PNG's ``genome`` text. Direct: of its float32 values, channel
    first (``encoding.pack([genome])``).
    """
    described = encoding.describe(genome)
    if isinstance(described, dict) and "genome" in described:
        data = json.dumps(described["genome"], sort_keys=True, separators=(",", ":")).encode()
    else:
        packed = encoding.pack([genome])
        values = packed.detach().cpu().numpy() if hasattr(packed, "detach") else np.asarray(packed)
        data = np.ascontiguousarray(values, dtype=np.float32).tobytes()
    return hashlib.sha256(data).hexdigest()


def seed_origin(run, elite, parent_origin: dict | None = None) -> dict:
    """The ``seeded_from`` record of a run started from ``elite`` of ``run``.

    Args:
        run: the :class:`~fooling_gui.core.evolution.EvolutionRun` the elite belongs to.
        elite: the starting image's :class:`~fooling_gui.core.evolution.archive.Elite`.
        parent_origin: ``run``'s own ``seeded_from`` record, when it was seeded too.
    """
    return {
        "run": {"model": run.spec.name, "model_label": run.spec.label,
                "weights_sha256": run.spec.weights_sha256, "random_init": run.spec.random_init,
                "encoding": run.config.encoding, "seed": run.config.seed,
                "batch": run.config.batch, "generations": max(run.generation, 0),
                "seeded_from": parent_origin},
        "class_index": int(elite.class_index),
        "class_name": elite.class_name,
        "confidence": float(elite.confidence),
        "generation": int(elite.generation),
        "genome_sha256": genome_sha256(run.encoding, elite.genome),
    }
