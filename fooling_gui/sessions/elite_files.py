"""Names and PNG metadata for what the GUI saves (no Qt)."""

from __future__ import annotations

import json

from .. import __version__
from ..core.gallery.export import slug


def elite_png_text(details) -> dict[str, str]:
    """PNG text chunks for an :class:`~fooling_gui.sessions.evolution_session.EliteDetails`:
    model, weights, class, confidence, generation, encoding, seed, genome hash, (CPPN)
    the whole genome and, for a run started from another run's image, that origin."""
    text = {"Software": f"fooling-gui {__version__}", "model": details.model_label,
            "weights_sha256": details.weights_sha256, "class_index": str(details.class_index),
            "class_name": details.class_name, "confidence": repr(details.confidence),
            "generation": str(details.generation), "encoding": details.encoding,
            "seed": str(details.seed), "genome_sha256": details.genome_sha256}
    if details.encoding == "cppn":
        text["genome"] = json.dumps(details.genome, separators=(",", ":"))
    if details.seeded_from is not None:
        text["seeded_from"] = json.dumps(details.seeded_from, separators=(",", ":"))
    return text


def gallery_folder_name_of(model: str, encoding: str, seed: int, generation: int) -> str:
    """``lenet_cppn_seed0_gen233``: a gallery folder named after its run."""
    return f"{slug(model)}_{encoding}_seed{seed}_gen{max(generation, 0)}"


def gallery_folder_name(frame) -> str:
    """The gallery folder name for the run a frame shows, as of that frame."""
    return gallery_folder_name_of(frame.model.name, frame.config.encoding, frame.config.seed,
                                  frame.snapshot.generation)
