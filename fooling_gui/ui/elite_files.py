"""Names and PNG metadata for what the GUI saves (no Qt)."""

from __future__ import annotations

import json

from ..core.gallery.export import slug


def elite_png_text(details) -> dict[str, str]:
    """PNG text chunks for an :class:`~fooling_gui.ui.evolution_session.EliteDetails`:
    model, class, confidence, generation, encoding and (CPPN) the whole genome."""
    text = {"model": details.model_label, "class_index": str(details.class_index),
            "class_name": details.class_name, "confidence": repr(details.confidence),
            "generation": str(details.generation), "encoding": details.encoding}
    if details.encoding == "cppn":
        text["genome"] = json.dumps(details.genome, separators=(",", ":"))
    return text


def gallery_folder_name(frame) -> str:
    """``lenet_cppn_seed0_gen233``: a gallery folder named after its run."""
    return (f"{slug(frame.model.name)}_{frame.config.encoding}_seed{frame.config.seed}"
            f"_gen{max(frame.snapshot.generation, 0)}")
